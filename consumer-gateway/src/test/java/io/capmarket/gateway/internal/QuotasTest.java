package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.gateway.QuotaExceededException;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.TeamUsage;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A team's quota against the usage the topology last published: the problem a submit is refused
 * with (the rule's words, the quota, its limit and the usage as members), and a team's usage page.
 */
class QuotasTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void aTeamAtItsMaxLiveIsRefusedNamingTheQuotaItsLimitAndTheUsageCountingWhatIsBeingProvisioned() {
        QuotaExceededException refusal = Quotas.refusal(quota(2, null), usage(1, 1, 4, 0)).orElseThrow();

        assertThat(refusal.getMessage())
                .isEqualTo("quota maxLive of team alpha for postgres-database is 2, and it holds 2 (1 live, 1 being provisioned)");
        assertThat(refusal.status()).isEqualTo(429);
        assertThat(refusal.type()).isEqualTo("quota-exceeded");
        assertThat(refusal.headers()).as("time alone frees nothing: no Retry-After").isEmpty();
        assertThat(refusal.errors()).isEmpty();
        assertThat(Json.MAPPER.valueToTree(refusal.members()).toString())
                .isEqualTo("{\"quota\":\"maxLive\",\"limit\":2,\"usage\":{\"live\":1,\"inFlight\":1}}");
    }

    @Test
    void aTeamAtItsMaxInFlightIsRefusedNamingThatQuota() {
        QuotaExceededException refusal = Quotas.refusal(quota(10, 1), usage(3, 1, 0, 0)).orElseThrow();

        assertThat(refusal.getMessage()).isEqualTo("quota maxInFlight of team alpha for postgres-database is 1, and 1 are being provisioned");
        assertThat(refusal.quota()).isEqualTo("maxInFlight");
        assertThat(refusal.limit()).isEqualTo(1);
        assertThat(Json.MAPPER.valueToTree(refusal.members()).toString())
                .isEqualTo("{\"quota\":\"maxInFlight\",\"limit\":1,\"usage\":{\"live\":3,\"inFlight\":1}}");
    }

    @Test
    void aTeamBelowItsQuotaWithNoPublishedUsageOrWithoutAQuotaIsLetThrough() {
        assertThat(Quotas.refusal(quota(3, 2), usage(1, 1, 9, 9))).as("waiting and pending requests hold nothing").isEmpty();
        assertThat(Quotas.refusal(quota(0, null), null)).as("no usage published: the topology decides").isEmpty();
        assertThat(Quotas.refusal(null, usage(100, 100, 0, 0))).isEmpty();
        assertThat(Quotas.refusal(quota(0, null), usage(0, 0, 0, 0))).as("0: nothing at all").isPresent();
    }

    @Test
    void aTeamsPageListsEveryCapabilityItHoldsOrHasAQuotaOfByNameWithItsQuotaOrNull() throws Exception {
        Quotas.TeamUsagePage page = Quotas.page("alpha",
                Map.of("postgres-database", quota(5, 2), "redis-cache", quota(null, 1)),
                Map.of("postgres-database", usage(4, 1, 2, 1), "object-bucket", usage(1, 0, 0, 0)));

        assertThat(Json.MAPPER.writeValueAsString(page)).isEqualTo("{\"team\":\"alpha\",\"items\":["
                + "{\"capability\":\"object-bucket\",\"live\":1,\"inFlight\":0,\"waiting\":0,\"pendingApproval\":0,\"quota\":null},"
                + "{\"capability\":\"postgres-database\",\"live\":4,\"inFlight\":1,\"waiting\":2,\"pendingApproval\":1,"
                + "\"quota\":{\"maxLive\":5,\"maxInFlight\":2}},"
                + "{\"capability\":\"redis-cache\",\"live\":0,\"inFlight\":0,\"waiting\":0,\"pendingApproval\":0,"
                + "\"quota\":{\"maxLive\":null,\"maxInFlight\":1}}]}");
        assertThat(Json.MAPPER.writeValueAsString(Quotas.page("beta", Map.of(), Map.of()))).isEqualTo("{\"team\":\"beta\",\"items\":[]}");
    }

    static TeamQuota quota(Integer maxLive, Integer maxInFlight) {
        return new TeamQuota("alpha", "postgres-database", maxLive, maxInFlight, "root", T0);
    }

    static TeamUsage usage(int live, int inFlight, int waiting, int pendingApproval) {
        return new TeamUsage("alpha", "postgres-database", live, inFlight, waiting, pendingApproval, T0);
    }
}
