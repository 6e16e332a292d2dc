package io.capmarket.topology;

import static io.capmarket.schemas.RequestState.DEPROVISIONED;
import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Team quotas through the real topology: the admins' quotas from their compacted topic, the teams'
 * usage published on {@code team-usage} (the rules, path by path, are {@code core.QuotaDeskTest}'s).
 */
class QuotaTopologyTest {

    private static final String PG = "postgres-database";

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void anOffer() {
        t = new TopologyHarness(stateDir);
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void aQuotaFromItsTopicHoldsTheTeamAndADeprovisionFreesIt() {
        t.quota("app-team", PG, 1, null);
        t.submit("r1", PG);
        t.report("r1", FulfilmentKind.FULFILLED);
        t.submit("r2", PG);
        assertThat(t.status("r2").getState()).isEqualTo(WAITING);

        t.cancel("r1");
        RequestStatus deprovisioning = t.status("r1");
        t.reportOn("db-team", FulfilmentEvent.newBuilder(t.fulfilmentEvent("r1", deprovisioning.getOfferId(), "db-team",
                deprovisioning.getAttempt(), FulfilmentKind.FULFILLED, false)).setRevision(deprovisioning.getRevision()).build());

        assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
        assertThat(t.status("r2").getState()).isEqualTo(MATCHED);
    }

    @Test
    void whatATeamHoldsIsPublishedOnTeamUsage() {
        t.submit("r1", PG);
        t.report("r1", FulfilmentKind.FULFILLED);
        t.submit("r2", PG);

        t.advance(Duration.ofSeconds(1));

        TeamUsage usage = t.usage("app-team", PG);
        assertThat(List.of(usage.getLive(), usage.getInFlight(), usage.getWaiting(), usage.getPendingApproval()))
                .containsExactly(1, 1, 0, 0);
    }

    @Test
    void aRemovedQuotaHoldsNothingBack() {
        t.quota("app-team", PG, 0, null);
        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);

        t.quota("app-team", PG, null, null);
        t.advance(Duration.ofSeconds(1));

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
    }
}
