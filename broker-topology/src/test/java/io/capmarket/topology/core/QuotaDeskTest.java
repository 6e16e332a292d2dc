package io.capmarket.topology.core;

import static io.capmarket.schemas.RequestState.DEPROVISIONED;
import static io.capmarket.schemas.RequestState.FULFILLED;
import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.PENDING_APPROVAL;
import static io.capmarket.schemas.RequestState.WAITING;
import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Team quotas on the desk: what a team holds, counted exactly, holds its requests back until it allows them. */
class QuotaDeskTest {

    private final DeskFixture t = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1)));

    @BeforeEach
    void anOfferWithRoom() {
        t.liveOffer("pg-eu", "db-team", 10, Map.of());
    }

    private void quota(String team, Integer maxLive, Integer maxInFlight) {
        t.books.quotas.put(team + "/" + PG, new TeamQuota(team, PG, maxLive, maxInFlight, "admin", t.now));
    }

    private void fulfil(String requestId) {
        t.report(requestId, FulfilmentKind.ACCEPTED);
        t.report(requestId, FulfilmentKind.FULFILLED);
    }

    private void deprovision(String requestId) {
        t.cancel(requestId);
        t.reportOn(requestId, FulfilmentKind.FULFILLED, false);
    }

    private TeamLoad load(String team) {
        return t.books.teamLoad(PG, team);
    }

    @Test
    void aTeamAtItsMaxLiveWaitsAndADeprovisionLetsTheNextOneIn() {
        quota("app-team", 2, null);
        t.submitFor("app-team", "r1", Priority.NORMAL);
        t.submitFor("app-team", "r2", Priority.NORMAL);
        t.submitFor("app-team", "r3", Priority.NORMAL);

        assertThat(t.status("r3").getState()).as("two being provisioned count against two live").isEqualTo(WAITING);
        assertThat(t.status("r3").getReason()).isEqualTo("quota maxLive of team app-team for postgres-database is 2, and it holds 2 "
                + "(0 live, 2 being provisioned)");
        assertThat(t.events).contains("quota-held");
        fulfil("r1");
        fulfil("r2");
        assertThat(t.status("r3").getState()).as("two live").isEqualTo(WAITING);
        assertThat(load("app-team")).isEqualTo(new TeamLoad(0, 1, 0, 2));

        deprovision("r1");

        assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
        assertThat(t.status("r3").getState()).as("the waitlist drained on the freed quota").isEqualTo(MATCHED);
        assertThat(load("app-team")).isEqualTo(new TeamLoad(0, 0, 1, 1));
    }

    @Test
    void anOrphanedDeprovisionAskedAgainAndDoneLetsTheNextOneIn() {
        quota("app-team", 1, null);
        t.submitFor("app-team", "r1", Priority.NORMAL);
        fulfil("r1");
        t.cancel("r1");
        t.reportOn("r1", FulfilmentKind.REJECTED, false);
        assertThat(t.status("r1").getOrphaned()).isTrue();
        t.submitFor("app-team", "r2", Priority.NORMAL);
        assertThat(t.status("r2").getState()).as("the orphan still holds the quota").isEqualTo(WAITING);

        t.cancel("r1");
        Assignment asked = t.assignments.get(t.assignments.size() - 1);
        assertThat(asked.getAction()).isEqualTo(AssignmentAction.DEPROVISION);
        assertThat(asked.getRevision()).as("a deprovision of its own").isEqualTo(2);
        t.reportOn("r1", asked.getRevision(), FulfilmentKind.FULFILLED, false, null);

        assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
        assertThat(t.status("r2").getState()).isEqualTo(MATCHED);
        assertThat(load("app-team")).isEqualTo(new TeamLoad(0, 0, 1, 0));
    }

    @Test
    void theQuotaBindsOnlyItsTeamAndTheOthersAreServedPastAHeldOne() {
        quota("app-team", 1, null);
        t.submitFor("app-team", "a1", Priority.NORMAL);
        t.submitFor("app-team", "a2", Priority.HIGH);
        t.submitFor("web-team", "w1", Priority.NORMAL);

        assertThat(t.status("a2").getState()).isEqualTo(WAITING);
        assertThat(t.status("w1").getState()).isEqualTo(MATCHED);

        t.submitFor("web-team", "w2", Priority.NORMAL);
        fulfil("w1");

        assertThat(t.status("a2").getState()).as("still over its own quota whatever frees").isEqualTo(WAITING);
        assertThat(t.status("w2").getState()).isEqualTo(MATCHED);
    }

    @Test
    void maxInFlightThrottlesProvisioningButNotWhatIsLive() {
        quota("app-team", null, 1);
        t.submitFor("app-team", "r1", Priority.NORMAL);
        t.submitFor("app-team", "r2", Priority.NORMAL);

        assertThat(t.status("r2").getState()).isEqualTo(WAITING);
        assertThat(t.status("r2").getReason()).isEqualTo("quota maxInFlight of team app-team for postgres-database is 1, and 1 are "
                + "being provisioned");

        fulfil("r1");

        assertThat(t.status("r2").getState()).isEqualTo(MATCHED);
        assertThat(load("app-team")).isEqualTo(new TeamLoad(0, 0, 1, 1));
    }

    @Test
    void manySubmitsInARowNeverGoPastTheQuota() {
        quota("app-team", 3, null);

        IntStream.range(0, 20).forEach(i -> t.submitFor("app-team", "r" + i, Priority.NORMAL));

        long provisioning = IntStream.range(0, 20).filter(i -> t.status("r" + i).getState() == MATCHED).count();
        assertThat(provisioning).isEqualTo(3);
        assertThat(t.books.counts(PG).getWaiting()).isEqualTo(17);
        OfferState offer = t.books.offers(PG).get("pg-eu");
        assertThat(offer.getInFlight()).as("the offer had room for 10").isEqualTo(3);
    }

    @Test
    void aRaisedQuotaIsServedOnTheNextTick() {
        quota("app-team", 0, null);
        t.submitFor("app-team", "r1", Priority.NORMAL);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);

        quota("app-team", 1, null);
        t.heartbeat("db-team");
        t.advance(Duration.ofSeconds(1));

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
    }

    @Test
    void requestsWaitingForApprovalHoldNoQuotaAndAreCheckedWhenApproved() {
        quota("app-team", 1, null);
        t.books.policies.put(PG + "/1", ApprovalPolicy.newBuilder().setApprovers(List.of("role:admin")).build());
        t.submitFor("app-team", "r1", Priority.NORMAL);
        t.submitFor("app-team", "r2", Priority.NORMAL);
        assertThat(load("app-team")).isEqualTo(new TeamLoad(2, 0, 0, 0));

        t.decide("r1", "carol", "platform", "admin", true, null);
        t.decide("r2", "carol", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r2").getState()).isEqualTo(WAITING);
        assertThat(t.status("r2").getReason()).startsWith("quota maxLive of team app-team");
    }

    @Test
    void whatEachTeamHoldsIsPublishedOnTheTick() {
        t.submitFor("app-team", "r1", Priority.NORMAL);
        fulfil("r1");
        t.submitFor("app-team", "r2", Priority.NORMAL);
        t.books.policies.put(PG + "/1", ApprovalPolicy.newBuilder().setApprovers(List.of("role:admin")).build());
        t.submitFor("app-team", "r3", Priority.NORMAL);
        assertThat(t.usage).as("published on the clock, not per step").isEmpty();

        t.advance(Duration.ofSeconds(1));

        TeamUsage usage = t.usage.get("app-team/" + PG);
        assertThat(List.of(usage.getLive(), usage.getInFlight(), usage.getWaiting(), usage.getPendingApproval()))
                .containsExactly(1, 1, 0, 1);
        assertThat(usage.getAt()).isEqualTo(t.now);
    }

    @Test
    void theLoadsCountedFromKeptRequestsAfterARestartAreThoseTheDeskKept() {
        quota("app-team", 2, null);
        t.submitFor("app-team", "r1", Priority.NORMAL);
        fulfil("r1");
        t.submitFor("app-team", "r2", Priority.NORMAL);
        t.submitFor("app-team", "r3", Priority.NORMAL);
        t.books.policies.put(PG + "/1", ApprovalPolicy.newBuilder().setApprovers(List.of("role:admin")).build());
        t.submitFor("app-team", "r4", Priority.NORMAL);

        LoadTally tally = new LoadTally();
        List.of("r1", "r2", "r3", "r4").forEach(id -> tally.add(t.books.request(id)));

        assertThat(tally.teamLoads().get(PG).get("app-team")).isEqualTo(load("app-team")).isEqualTo(new TeamLoad(1, 1, 1, 1));
        assertThat(List.of("r1", "r2", "r3", "r4")).extracting(id -> t.status(id).getState())
                .containsExactly(FULFILLED, MATCHED, WAITING, PENDING_APPROVAL);
    }
}
