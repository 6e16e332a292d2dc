package io.capmarket.topology.core;

import static io.capmarket.schemas.RequestState.CANCELLED;
import static io.capmarket.schemas.RequestState.FAILED;
import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.PENDING_APPROVAL;
import static io.capmarket.schemas.RequestState.SUBMITTED;
import static io.capmarket.schemas.RequestState.WAITING;
import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.ApprovalGate;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.OfferFilter;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.topology.TestRecords;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests that wait for approvals before they are matched, on the desk: policies, decisions, expiry and races. */
class ApprovalDeskTest {

    private static final String SMALL = "{\"size\":\"small\",\"name\":\"orders\"}";
    private static final String LARGE = "{\"size\":\"large\",\"name\":\"orders\"}";
    private static final ApprovalPolicy ADMINS_FOR_LARGE = ApprovalPolicy.newBuilder().setWhen(Map.of("size", List.of("large")))
            .setApprovers(List.of("role:admin")).build();
    private static final ApprovalPolicy DBA_ALWAYS = ApprovalPolicy.newBuilder().setApprovers(List.of("team:dba", "role:approver"))
            .setExpiresAfterMs(Duration.ofHours(4).toMillis()).build();

    private final DeskFixture t = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(30),
            io.capmarket.schemas.access.PriorityGrants.NONE,
            new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofMinutes(2), Duration.ofDays(1),
                    Duration.ofHours(8))));

    @BeforeEach
    void anOfferAskingTheAdminsForLargeDatabases() {
        t.approve("db-team", PG);
        t.heartbeat("db-team");
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 5, Map.of())).setApproval(ADMINS_FOR_LARGE).build());
    }

    private List<RequestState> states(String requestId) {
        return t.status(requestId).getHistory().stream().map(StatusTransition::getState).toList();
    }

    private String lastDetail(String requestId) {
        List<StatusTransition> history = t.status(requestId).getHistory();
        return history.get(history.size() - 1).getDetail();
    }

    @Test
    void aRequestNoPolicyAppliesToIsMatchedAtOnce() {
        t.submitWith("r1", SMALL);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r1").getApprovals()).isEmpty();
        assertThat(t.events).doesNotContain("approval:pending");
    }

    @Test
    void aRequestAPolicyAppliesToWaitsForItsApproverThenIsMatched() {
        t.submitWith("r1", LARGE);

        RequestStatus pending = t.status("r1");
        assertThat(pending.getState()).isEqualTo(PENDING_APPROVAL);
        assertThat(states("r1")).containsExactly(SUBMITTED, PENDING_APPROVAL);
        assertThat(pending.getApprovals()).extracting(ApprovalGate::getSource, ApprovalGate::getApprovers)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("producer db-team", List.of("role:admin")));
        assertThat(pending.getApprovalExpiresAt()).as("the topology's default wait").isEqualTo(DeskFixture.START.plus(Duration.ofHours(8)));
        assertThat(pending.getReason()).isEqualTo("waiting for approval by [role:admin] (producer db-team)");
        assertThat(t.assignments("db-team")).as("nothing reaches the producer before the approval").isEmpty();
        assertThat(t.inFlight("pg-eu")).isZero();
        assertThat(t.books.counts(PG).getBacklog()).as("still being provisioned").isEqualTo(1);

        t.advance(Duration.ofMinutes(5));
        t.heartbeat("db-team");
        t.decide("r1", "carol", "platform", "admin", true, "budget ok");

        RequestStatus matched = t.status("r1");
        assertThat(matched.getState()).isEqualTo(MATCHED);
        assertThat(states("r1")).containsExactly(SUBMITTED, PENDING_APPROVAL, PENDING_APPROVAL, MATCHED);
        assertThat(matched.getHistory().get(2).getDetail())
                .isEqualTo("approved by carol (team platform, role admin) for producer db-team: budget ok");
        assertThat(matched.getApprovals().get(0).getApprovedBy()).isEqualTo("carol (team platform, role admin)");
        assertThat(matched.getApprovals().get(0).getApprovedAt()).isEqualTo(t.now);
        assertThat(matched.getApprovalExpiresAt()).isNull();
        assertThat(t.assignments("db-team")).hasSize(1);
        assertThat(t.statuses.get("r1").get(t.statuses.get("r1").size() - 1)).as("the approval and the match in one record")
                .isSameAs(matched);
        assertThat(t.events).contains("approval:pending", "approval:approved");
        var speed = t.books.scoreOf(PG).figures(t.now, ScoreState.Current.NONE).allTime().getSpeed();
        assertThat(speed.getApprovalWait().getSamples()).isEqualTo(1);
        assertThat(speed.getApprovalWait().getP50Ms()).isBetween(290_000L, 310_000L);
    }

    @Test
    void theWaitForAnOfferCountsFromTheApprovalNotFromTheSubmission() {
        DeskFixture e = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofHours(1),
                io.capmarket.schemas.access.PriorityGrants.NONE,
                new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofMinutes(2), Duration.ofDays(1),
                        Duration.ofHours(8))));
        e.approve("db-team", PG);
        e.heartbeat("db-team");
        e.publish(CapabilityOffer.newBuilder(e.offer("pg-eu", "db-team", 1, Map.of())).setApproval(ADMINS_FOR_LARGE).build());
        e.submitWith("r0", SMALL);
        e.report("r0", FulfilmentKind.ACCEPTED);
        e.submitWith("r1", LARGE);
        assertThat(e.status("r1").getState()).isEqualTo(PENDING_APPROVAL);

        e.advance(Duration.ofHours(2)); // longer than matching.max-wait, within the approval's 8 h
        e.heartbeat("db-team");
        e.decide("r1", "carol", "platform", "admin", true, "budget ok");
        assertThat(e.status("r1").getState()).as("the offer's one place is taken").isEqualTo(WAITING);

        e.advance(Duration.ofMinutes(59));
        assertThat(e.status("r1").getState()).isEqualTo(WAITING);
        e.advance(Duration.ofMinutes(1));
        assertThat(e.status("r1").getState()).isEqualTo(FAILED);
        assertThat(e.status("r1").getReason()).startsWith("not matched within 1h of its approval; last: ");
    }

    @Test
    void aRejectionFailsTheRequestWithTheApproversReason() {
        t.submitWith("r1", LARGE);

        t.decide("r1", "carol", "platform", "admin", false, "too big for a test database");

        RequestStatus failed = t.status("r1");
        assertThat(failed.getState()).isEqualTo(FAILED);
        assertThat(failed.getReason()).isEqualTo("rejected by carol (team platform, role admin): too big for a test database");
        assertThat(t.books.counts(PG).getBacklog()).isZero();
        assertThat(t.assignments("db-team")).isEmpty();
        assertThat(t.events).contains("approval:rejected");
    }

    @Test
    void aDecisionByAnyoneTheOpenApprovalsDoNotNameIsLeftAlone() {
        t.submitWith("r1", LARGE);

        t.decide("r1", "dave", "app-team", "consumer", true, null);
        t.decide("r1", "eve", "dba", "approver", false, "no");

        assertThat(t.status("r1").getState()).isEqualTo(PENDING_APPROVAL);
        assertThat(t.status("r1").getHistory()).hasSize(2);
        assertThat(t.events).containsSubsequence("approval:refused", "approval:refused");
    }

    @Test
    void theRequesterCannotApproveTheirOwnRequestWhateverTheirRole() {
        t.submitWith("r1", LARGE); // submitted by alice

        t.decide("r1", "alice", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(PENDING_APPROVAL);
        assertThat(t.events).contains("approval:refused");
    }

    @Test
    void aBotNamedLikeAPersonIsNotThatPersonWhoMayApproveItsRequest() {
        t.submit(SubmitRequest.newBuilder(TestRecords.submit("r1", PG, Priority.NORMAL, Map.of(), "app-team", t.now))
                .setParameters(LARGE).setRequestedBy(new Requester(RequesterKind.BOT, "alice")).build());

        t.decide("r1", "alice", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.events).contains("approval:approved");
    }

    @Test
    void theAdminsAndAProducerBothAskingWantBothApprovalsAndTheEarliestExpiry() {
        t.books.policies.put(PG + "/1", DBA_ALWAYS);

        t.submitWith("r1", LARGE);

        RequestStatus pending = t.status("r1");
        assertThat(pending.getApprovals()).extracting(ApprovalGate::getSource).containsExactly("platform", "producer db-team");
        assertThat(pending.getApprovalExpiresAt()).as("the platform's 4h, sooner than the default 8h")
                .isEqualTo(DeskFixture.START.plus(Duration.ofHours(4)));

        t.decide("r1", "carol", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).as("one of two approvals").isEqualTo(PENDING_APPROVAL);
        assertThat(t.status("r1").getReason()).isEqualTo("waiting for approval by [team:dba, role:approver] (platform)");
        assertThat(t.events).contains("approval:partly-approved");

        t.decide("r1", "erin", "dba", "consumer", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r1").getApprovals()).extracting(ApprovalGate::getApprovedBy)
                .containsExactly("erin (team dba, role consumer)", "carol (team platform, role admin)");
    }

    @Test
    void oneApproverNamedByEveryOpenApprovalGivesThemAllAtOnce() {
        t.books.policies.put(PG + "/1", ApprovalPolicy.newBuilder().setApprovers(List.of("role:admin")).build());
        t.submitWith("r1", LARGE);

        t.decide("r1", "carol", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r1").getHistory().get(2).getDetail()).endsWith("for platform, producer db-team");
    }

    @Test
    void anUpdateToParametersAPolicyAppliesToIsRefusedUnlessTheRequestWasGivenThatApproval() {
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 5, Map.of())).setApproval(ADMINS_FOR_LARGE)
                .setUpdatableParameters(List.of("size")).build());
        t.submitWith("small", SMALL);
        t.report("small", FulfilmentKind.ACCEPTED);
        t.report("small", FulfilmentKind.FULFILLED);

        t.update("small", LARGE);

        RequestStatus refused = t.status("small");
        assertThat(refused.getState()).isEqualTo(RequestState.FULFILLED);
        assertThat(refused.getRevision()).isZero();
        assertThat(lastDetail("small")).isEqualTo("update asked by bob refused: these parameters need approval by [role:admin] "
                + "(producer db-team), which the request was not given; submit a new request for them");
        assertThat(t.assignments("db-team")).as("the producer is never asked").hasSize(1);

        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 5, Map.of())).setApproval(DBA_ALWAYS)
                .setUpdatableParameters(List.of("size")).build());
        t.submitWith("approved", SMALL);
        t.decide("approved", "erin", "dba", "consumer", true, null);
        t.report("approved", FulfilmentKind.ACCEPTED);
        t.report("approved", FulfilmentKind.FULFILLED);

        t.update("approved", LARGE);

        assertThat(t.status("approved").getState()).as("the policy that applies to the new parameters is the one it was approved for")
                .isEqualTo(RequestState.UPDATING);
    }

    @Test
    void aPolicyOfAnotherVersionOrAWithdrawnOfferDoesNotApply() {
        t.books.policies.put(PG + "/2", DBA_ALWAYS);
        t.withdraw("pg-eu", "db-team");
        t.liveOffer("pg-us", "db-team", 5, Map.of());

        t.submitWith("r1", LARGE);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
    }

    private void submitLargeIn(String requestId, String region) {
        t.submit(SubmitRequest.newBuilder(TestRecords.submit(requestId, PG, Priority.NORMAL, Map.of("region", List.of(region)),
                "app-team", t.now)).setParameters(LARGE).build());
    }

    private List<OfferConsidered> considered(String requestId) {
        return t.statuses.get(requestId).stream().flatMap(status -> status.getDecisions().stream())
                .flatMap(decision -> decision.getCandidates().stream()).toList();
    }

    @Test
    void aProducersPolicyDoesNotHoldARequestAnotherProducersOfferServesWithoutOne() {
        t.liveOffer("pg-other", "other-team", 5, Map.of());

        t.submitWith("r1", LARGE);

        RequestStatus matched = t.status("r1");
        assertThat(matched.getState()).isEqualTo(MATCHED);
        assertThat(matched.getOfferId()).as("the only offer it may have without an approval").isEqualTo("pg-other");
        assertThat(matched.getApprovals()).isEmpty();
        assertThat(considered("r1")).filteredOn(offer -> offer.getOfferId().equals("pg-eu"))
                .extracting(OfferConsidered::getFilter, OfferConsidered::getDetail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(OfferFilter.GATED,
                        "needs approval by [role:admin] (producer db-team), which the request was not given"));
        assertThat(t.assignments("db-team")).isEmpty();
    }

    @Test
    void aProducersPolicyDoesNotHoldARequestItsOffersCannotServe() {
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 5, Map.of("region", "eu"))).setApproval(ADMINS_FOR_LARGE).build());
        t.approve("us-team", PG);
        t.heartbeat("us-team");
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-us", "us-team", 5, Map.of("region", "us"))).setApproval(DBA_ALWAYS).build());

        submitLargeIn("r1", "us");

        RequestStatus pending = t.status("r1");
        assertThat(pending.getState()).isEqualTo(PENDING_APPROVAL);
        assertThat(pending.getApprovals()).as("only the producer whose offer could serve it asks")
                .extracting(ApprovalGate::getSource).containsExactly("producer us-team");

        t.decide("r1", "erin", "dba", "consumer", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-us");
    }

    @Test
    void anOffboardedProducersPolicyHoldsNoRequest() {
        t.revoke("db-team");
        t.liveOffer("pg-other", "other-team", 5, Map.of());

        t.submitWith("r1", LARGE);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r1").getApprovals()).isEmpty();
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-other");
    }

    @Test
    void aRequestWaitingBeforeAPolicyCameWaitsForItsApprovalBeforeItsOfferServesIt() {
        t.withdraw("pg-eu", "db-team");
        t.submitWith("r1", LARGE);
        assertThat(t.status("r1").getState()).as("no offer yet").isEqualTo(WAITING);

        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu2", "db-team", 5, Map.of())).setApproval(ADMINS_FOR_LARGE).build());
        t.advance(Duration.ofSeconds(2));

        assertThat(t.status("r1").getState()).as("asked now that the only offer for it asks").isEqualTo(PENDING_APPROVAL);
        assertThat(t.status("r1").getApprovals()).extracting(ApprovalGate::getSource).containsExactly("producer db-team");
        assertThat(t.assignments("db-team")).isEmpty();
    }

    @Test
    void anUpdateIsHeldOnlyToThePolicyOfTheOfferHoldingTheResource() {
        t.approve("us-team", PG);
        t.heartbeat("us-team");
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-us", "us-team", 5, Map.of("region", "us"))).setUpdatableParameters(List.of("size"))
                .build());
        t.submit(SubmitRequest.newBuilder(TestRecords.submit("r1", PG, Priority.NORMAL, Map.of("region", List.of("us")), "app-team",
                t.now)).setParameters(SMALL).build());
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-us");
        t.report("r1", FulfilmentKind.ACCEPTED);
        t.report("r1", FulfilmentKind.FULFILLED);

        t.update("r1", LARGE);

        assertThat(t.status("r1").getState()).as("db-team's policy is not us-team's").isEqualTo(RequestState.UPDATING);
    }

    @Test
    void whenTheOfferThatAskedForNoApprovalGivesTheRequestUpTheProducersLeftAreAsked() {
        t.liveOffer("pg-other", "other-team", 5, Map.of());
        t.submitWith("r1", LARGE);
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-other");
        t.advance(Duration.ofSeconds(5));

        t.report("r1", FulfilmentKind.REJECTED);

        RequestStatus pending = t.status("r1");
        assertThat(pending.getState()).as("only db-team's offer is left, and it asks").isEqualTo(PENDING_APPROVAL);
        assertThat(pending.getApprovals()).extracting(ApprovalGate::getSource).containsExactly("producer db-team");
        assertThat(pending.getApprovalExpiresAt()).as("from when it was asked").isEqualTo(t.now.plus(Duration.ofHours(8)));
        assertThat(pending.getOfferId()).as("the offer that gave it up is no longer its own").isNull();
        assertThat(pending.getProducerId()).isNull();
        assertThat(t.books.counts(PG).getWaiting()).isZero();

        t.decide("r1", "carol", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-eu");
    }

    @Test
    void producersAskedAfterTheSubmissionLetTheirApprovalExpireCountedFromWhenTheyWereAsked() {
        t.liveOffer("pg-other", "other-team", 5, Map.of());
        t.submitWith("r1", LARGE);
        t.report("r1", FulfilmentKind.ACCEPTED);
        t.advance(Duration.ofHours(1));
        t.report("r1", FulfilmentKind.FAILED, true);
        assertThat(t.status("r1").getState()).isEqualTo(PENDING_APPROVAL);

        t.advance(Duration.ofHours(8).minusSeconds(1));
        assertThat(t.status("r1").getState()).isEqualTo(PENDING_APPROVAL);
        t.advance(Duration.ofSeconds(1));

        RequestStatus failed = t.status("r1");
        assertThat(failed.getState()).isEqualTo(FAILED);
        assertThat(failed.getReason()).isEqualTo("approval not given within 8h of being asked; waited for [role:admin] "
                + "(producer db-team)");
    }

    @Test
    void theAdminsApprovalIsKeptWhenTheProducersAreAskedAfterIt() {
        t.books.policies.put(PG + "/1", DBA_ALWAYS);
        t.liveOffer("pg-other", "other-team", 1, Map.of());
        t.submitWith("r1", LARGE);
        assertThat(t.status("r1").getApprovals()).extracting(ApprovalGate::getSource).containsExactly("platform");
        t.decide("r1", "erin", "dba", "consumer", true, null);
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-other");

        t.report("r1", FulfilmentKind.REJECTED);

        assertThat(t.status("r1").getState()).isEqualTo(PENDING_APPROVAL);
        assertThat(t.status("r1").getApprovals()).extracting(ApprovalGate::getSource, gate -> gate.getApprovedBy() != null)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("platform", true),
                        org.assertj.core.groups.Tuple.tuple("producer db-team", false));
    }

    @Test
    void anApprovalCountsWhateverTheOrderThePolicyNamesItsApproversIn() {
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 5, Map.of())).setApproval(DBA_ALWAYS).build());
        t.submitWith("r1", SMALL);
        t.decide("r1", "erin", "dba", "consumer", true, null);
        t.report("r1", FulfilmentKind.REJECTED);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu2", "db-team", 5, Map.of())).setApproval(ApprovalPolicy.newBuilder(DBA_ALWAYS)
                .setApprovers(List.of("role:approver", "team:dba")).build()).build());

        assertThat(t.status("r1").getState()).as("approved for [team:dba, role:approver] by db-team").isEqualTo(MATCHED);
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-eu2");
    }

    @Test
    void anApprovalNotGivenInTimeFailsTheRequest() {
        t.submitWith("r1", LARGE);

        t.advance(Duration.ofHours(8).minusSeconds(1));
        assertThat(t.status("r1").getState()).isEqualTo(PENDING_APPROVAL);
        t.advance(Duration.ofSeconds(1));

        RequestStatus failed = t.status("r1");
        assertThat(failed.getState()).isEqualTo(FAILED);
        assertThat(failed.getReason()).isEqualTo("approval not given within 8h of its submission; waited for [role:admin] "
                + "(producer db-team)");
        assertThat(t.books.counts(PG).getBacklog()).isZero();
        assertThat(t.events).contains("approval:expired");
    }

    @Test
    void aCancelDuringTheApprovalEndsItAndALaterApprovalOrExpiryChangesNothing() {
        t.submitWith("r1", LARGE);

        t.cancel("r1");
        assertThat(t.status("r1").getState()).isEqualTo(CANCELLED);
        assertThat(t.books.counts(PG).getBacklog()).isZero();

        t.decide("r1", "carol", "platform", "admin", true, null);
        t.advance(Duration.ofHours(9));

        assertThat(t.status("r1").getState()).isEqualTo(CANCELLED);
        assertThat(t.statuses.get("r1")).last().extracting(RequestStatus::getState).isEqualTo(CANCELLED);
        assertThat(t.assignments("db-team")).isEmpty();
        assertThat(t.events).contains("approval:refused");
    }

    @Test
    void anApprovedRequestWithNoCapacityLeftWaitsLikeAnyOther() {
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 1, Map.of())).setApproval(ADMINS_FOR_LARGE).build());
        t.submitWith("r0", SMALL);
        t.submitWith("r1", LARGE);

        t.decide("r1", "carol", "platform", "admin", true, null);

        assertThat(t.status("r1").getState()).isEqualTo(WAITING);
        assertThat(t.books.counts(PG).getWaiting()).isEqualTo(1);
    }

    @Test
    void anOfferWithAMalformedPolicyIsRefused() {
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-bad", "db-team", 5, Map.of()))
                .setApproval(ApprovalPolicy.newBuilder().setApprovers(List.of("admins")).build()).build());

        assertThat(t.refusals).anySatisfy(refusal -> assertThat(refusal)
                .isEqualTo("offer:pg-bad: approval.approvers: 'admins' must be 'role:<role>' or 'team:<team>'"));
        assertThat(t.books.offers(PG)).doesNotContainKey("pg-bad");
    }
}
