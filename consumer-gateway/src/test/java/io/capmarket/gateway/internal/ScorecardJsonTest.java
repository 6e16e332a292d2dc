package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.CapabilityDemand;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.ScoreFigures;
import io.capmarket.schemas.TeamDemand;
import io.capmarket.schemas.VersionDemand;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which teams use a capability, and how much, is in the scorecard for admins only. */
class ScorecardJsonTest {

    private static final Instant AT = Instant.parse("2026-12-04T20:00:00Z");

    @Test
    void theDemandsTeamsAreLeftOutForAnyoneButAnAdmin() {
        CapabilityScore score = CapabilityScore.newBuilder().setCapability("postgres-database").setAt(AT).setWindowMs(900_000L)
                .setWindow(figures()).setAllTime(figures()).setProducers(List.of())
                .setDemand(new CapabilityDemand(List.of(new VersionDemand(1, 3L, AT)), List.of(), List.of(),
                        List.of(new TeamDemand("alpha", 3L, AT, AT, null, 0L))))
                .build();

        JsonNode forConsumer = CatalogHandlers.scoreJson(score, new Principal("beta", Principal.Role.CONSUMER, "bob", false));
        JsonNode forAdmin = CatalogHandlers.scoreJson(score, new Principal("platform", Principal.Role.ADMIN, "ada", false));

        assertThat(forConsumer.path("demand").has("teams")).isFalse();
        assertThat(forConsumer.path("demand").path("versions").get(0).path("requests").asLong()).isEqualTo(3);
        assertThat(forAdmin.path("demand").path("teams").get(0).path("team").asText()).isEqualTo("alpha");
    }

    private static ScoreFigures figures() {
        return new ScoreState(Duration.ofMinutes(15)).figures(AT, ScoreState.Current.NONE).window();
    }
}
