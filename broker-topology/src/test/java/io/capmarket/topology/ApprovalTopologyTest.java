package io.capmarket.topology;

import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.PENDING_APPROVAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferView;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals through the real topology: the admins' policies from their compacted topic, decisions
 * from the gateway's requests topic only, the producers' policies in the catalog (the rules, path
 * by path, are {@code core.ApprovalDeskTest}'s).
 */
class ApprovalTopologyTest {

    private static final String PG = "postgres-database";
    private static final ApprovalPolicy ADMINS = ApprovalPolicy.newBuilder().setApprovers(List.of("role:admin")).build();

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
    void theAdminsPolicyHoldsARequestUntilAnAdminApprovesThroughTheGateway() {
        t.approvalPolicy(PG, 1, ADMINS);

        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).isEqualTo(PENDING_APPROVAL);
        assertThat(t.status("r1").getApprovals()).singleElement().satisfies(gate -> {
            assertThat(gate.getSource()).isEqualTo("platform");
            assertThat(gate.getApprovers()).containsExactly("role:admin");
        });
        assertThat(t.assignments("db-team")).isEmpty();

        t.decide("r1", "carol", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.assignments("db-team")).hasSize(1);
    }

    @Test
    void aDecisionOnATeamsOwnTopicIsDeadLetteredWhateverItClaims() {
        t.approvalPolicy(PG, 1, ADMINS);
        t.submitOn("app-team", "app-team.r1", PG, "app-team");

        t.decideOn("app-team", "app-team.r1", "mallory", "platform", "admin", true);

        assertThat(t.status("app-team.r1").getState()).isEqualTo(PENDING_APPROVAL);
        assertThat(t.deadLetterReasons()).singleElement().asString()
                .startsWith("approval decision on request app-team.r1 on team app-team's topic t.team.app-team.requests: "
                        + "approvals are decided through the gateway only");
        assertThat(t.events).contains("deadLettered:" + EngineEvents.IDENTITY);
    }

    @Test
    void aRemovedPolicyNoLongerHoldsNewRequests() {
        t.approvalPolicy(PG, 1, ADMINS);
        t.submit("r1", PG);

        t.approvalPolicy(PG, 1, null);
        t.submit("r2", PG);

        assertThat(t.status("r1").getState()).as("what applied at its submission").isEqualTo(PENDING_APPROVAL);
        assertThat(t.status("r2").getState()).isEqualTo(MATCHED);
    }

    @Test
    void theCatalogShowsAProducersPolicy() {
        ApprovalPolicy large = ApprovalPolicy.newBuilder().setWhen(Map.of("size", List.of("large"))).setApprovers(List.of("team:dba"))
                .build();
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", PG, 5, Map.of())).setApproval(large).build());

        assertThat(t.catalog.get(PG).getOffers()).extracting(OfferView::getApproval).containsExactly(large);
    }
}
