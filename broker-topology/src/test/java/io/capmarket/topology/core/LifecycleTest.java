package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final Offer OFFER_A = new Offer("a", "team-a", "pg", 1, Map.of(), 5, 60_000, OfferStatus.ACTIVE);
    private static final Offer OFFER_B = new Offer("b", "team-b", "pg", 1, Map.of(), 5, 60_000, OfferStatus.ACTIVE);

    private static RequestStatus submitted() {
        return Lifecycle.submitted(submit(), T0);
    }

    private static SubmitRequest submit() {
        return SubmitRequest.newBuilder()
                .setRequestId("r1").setConsumerTeam("app").setRequestedBy(new Requester(RequesterKind.BOT, "ci-bot"))
                .setCapability("pg").setCapabilityVersion(1).setParameters("{\"size\":\"s\"}")
                .setConstraints(Map.of("region", List.of("eu-west"))).setPreferences(Map.of("tier", "gold"))
                .setPriority(Priority.HIGH).setSubmittedAt(T0).setIdempotencyKey("k1").build();
    }

    private static FulfilmentEvent report(RequestStatus status, FulfilmentKind kind) {
        return FulfilmentEvent.newBuilder().setRequestId("r1").setOfferId(status.getOfferId())
                .setProducerId(status.getProducerId()).setCapability("pg").setAttempt(status.getAttempt())
                .setKind(kind).setAt(T0).build();
    }

    @Test
    void aSubmittedRequestCarriesTheCommandAndOneHistoryEntry() {
        RequestStatus status = submitted();

        assertThat(status.getState()).isEqualTo(RequestState.SUBMITTED);
        assertThat(status.getAttempt()).isZero();
        assertThat(status.getHistory()).extracting(StatusTransition::getState).containsExactly(RequestState.SUBMITTED);
        assertThat(status.getIdempotencyKey()).isEqualTo("k1");
        assertThat(Lifecycle.matchRequest(status)).isEqualTo(new MatchRequest("r1", "pg", 1,
                Map.of("region", List.of("eu-west")), Map.of("tier", "gold"), java.util.Set.of()));
    }

    @Test
    void eachMatchStartsANewAttempt() {
        RequestStatus matched = Lifecycle.matched(submitted(), OFFER_A, T0.plusSeconds(1));

        assertThat(matched.getAttempt()).isEqualTo(1);
        assertThat(matched.getOfferId()).isEqualTo("a");
        assertThat(matched.getProducerId()).isEqualTo("team-a");
        assertThat(Lifecycle.isAssigned(matched)).isTrue();
    }

    @Test
    void anOfferGivingUpIsExcludedFromLaterAttempts() {
        RequestStatus matched = Lifecycle.matched(submitted(), OFFER_A, T0);

        RequestStatus rejected = Lifecycle.offerGaveUp(matched, RequestState.REJECTED, "no capacity after all", T0);

        assertThat(rejected.getState()).isEqualTo(RequestState.REJECTED);
        assertThat(rejected.getTriedOffers()).containsExactly("a");
        assertThat(Lifecycle.matchRequest(rejected).excludedOffers()).containsExactly("a");
        assertThat(Lifecycle.isAssigned(rejected)).isFalse();
        RequestStatus again = Lifecycle.matched(rejected, OFFER_B, T0);
        assertThat(again.getAttempt()).isEqualTo(2);
        assertThat(again.getHistory()).extracting(StatusTransition::getState)
                .containsExactly(RequestState.SUBMITTED, RequestState.MATCHED, RequestState.REJECTED, RequestState.MATCHED);
    }

    @Test
    void anOfferThatLetTheDeadlinePassUnansweredMayBeRetriedUntilItAnswers() {
        RequestStatus matched = Lifecycle.matched(submitted(), OFFER_A, T0);

        RequestStatus missed = Lifecycle.offerGaveUp(matched, RequestState.REJECTED, "not accepted in time", true, T0);

        assertThat(missed.getTriedOffers()).containsExactly("a");
        assertThat(missed.getUnansweredOffers()).containsExactly("a");
        assertThat(Lifecycle.matchRequest(missed).retriableOffers()).containsExactly("a");
        RequestStatus rejected = Lifecycle.offerGaveUp(Lifecycle.matched(missed, OFFER_A, T0), RequestState.REJECTED,
                "no capacity after all", false, T0);
        assertThat(rejected.getTriedOffers()).containsExactly("a");
        assertThat(rejected.getUnansweredOffers()).isEmpty();
        assertThat(Lifecycle.matchRequest(rejected).retriableOffers()).isEmpty();
    }

    @Test
    void aRetryableFailureIsRecordedAsFailedButLeavesTheRequestOpen() {
        RequestStatus matched = Lifecycle.matched(submitted(), OFFER_A, T0);

        RequestStatus givenUp = Lifecycle.offerGaveUp(matched, RequestState.FAILED, "disk full (retryable)", T0);

        assertThat(givenUp.getHistory().get(2).getState()).isEqualTo(RequestState.FAILED);
        assertThat(Lifecycle.isTerminal(givenUp)).isFalse();
    }

    @Test
    void attemptsAreExhaustedAtTheLimit() {
        RequestStatus once = Lifecycle.matched(submitted(), OFFER_A, T0);
        RequestStatus twice = Lifecycle.matched(Lifecycle.offerGaveUp(once, RequestState.REJECTED, "x", T0), OFFER_B, T0);

        assertThat(Lifecycle.exhausted(once, 2)).isFalse();
        assertThat(Lifecycle.exhausted(twice, 2)).isTrue();
    }

    @Test
    void progressFromMatchedImpliesAcceptance() {
        RequestStatus progressing = Lifecycle.inProgress(Lifecycle.matched(submitted(), OFFER_A, T0), "50%", T0);

        assertThat(progressing.getHistory()).extracting(StatusTransition::getState).endsWith(RequestState.ACCEPTED,
                RequestState.IN_PROGRESS);
        assertThat(progressing.getHistory().get(3).getDetail()).isEqualTo("50%");
    }

    @Test
    void reportsAreJudgedAgainstTheCurrentAttemptAndState() {
        RequestStatus matched = Lifecycle.matched(submitted(), OFFER_A, T0);
        RequestStatus accepted = Lifecycle.accepted(matched, T0);
        RequestStatus fulfilled = Lifecycle.fulfilled(accepted, Map.of(), null, T0);

        assertThat(Lifecycle.judge(matched, report(matched, FulfilmentKind.ACCEPTED))).isEqualTo(Lifecycle.Verdict.APPLY);
        assertThat(Lifecycle.judge(accepted, report(accepted, FulfilmentKind.ACCEPTED))).isEqualTo(Lifecycle.Verdict.OUT_OF_ORDER);
        assertThat(Lifecycle.judge(accepted, report(accepted, FulfilmentKind.REJECTED))).isEqualTo(Lifecycle.Verdict.OUT_OF_ORDER);
        assertThat(Lifecycle.judge(accepted, report(accepted, FulfilmentKind.FULFILLED))).isEqualTo(Lifecycle.Verdict.APPLY);
        FulfilmentEvent oldAttempt = FulfilmentEvent.newBuilder(report(matched, FulfilmentKind.FULFILLED)).setAttempt(0).build();
        assertThat(Lifecycle.judge(accepted, oldAttempt)).isEqualTo(Lifecycle.Verdict.STALE);
        FulfilmentEvent otherOffer = FulfilmentEvent.newBuilder(report(matched, FulfilmentKind.FULFILLED)).setOfferId("b").build();
        assertThat(Lifecycle.judge(accepted, otherOffer)).isEqualTo(Lifecycle.Verdict.STALE);
        assertThat(Lifecycle.judge(fulfilled, report(fulfilled, FulfilmentKind.FAILED))).isEqualTo(Lifecycle.Verdict.FINISHED);
        FulfilmentEvent beforeAnyMatch = FulfilmentEvent.newBuilder(report(matched, FulfilmentKind.ACCEPTED)).setAttempt(0).build();
        assertThat(Lifecycle.judge(submitted(), beforeAnyMatch)).isEqualTo(Lifecycle.Verdict.STALE);
    }

    @Test
    void aReportOnWorkAnotherProducerHoldsIsMisattributed() {
        RequestStatus matched = Lifecycle.matched(submitted(), OFFER_A, T0);
        FulfilmentEvent byB = FulfilmentEvent.newBuilder(report(matched, FulfilmentKind.FULFILLED)).setProducerId("team-b").build();
        FulfilmentEvent byBWithItsOffer = FulfilmentEvent.newBuilder(byB).setOfferId("b").build();
        FulfilmentEvent otherCapability = FulfilmentEvent.newBuilder(report(matched, FulfilmentKind.FULFILLED))
                .setCapability("mysql").build();

        assertThat(Lifecycle.judge(matched, byB)).isEqualTo(Lifecycle.Verdict.MISATTRIBUTED);
        assertThat(Lifecycle.judge(matched, byBWithItsOffer)).isEqualTo(Lifecycle.Verdict.MISATTRIBUTED);
        assertThat(Lifecycle.misattribution(matched, byB, offerId -> Optional.empty())).contains(new Lifecycle.Misattribution(
                "producer", "producer team-b reported on attempt 1 of request r1, which is assigned to producer team-a"));
        assertThat(Lifecycle.judge(matched, otherCapability)).isEqualTo(Lifecycle.Verdict.MISATTRIBUTED);
        assertThat(Lifecycle.misattribution(matched, otherCapability, offerId -> Optional.empty()))
                .contains(new Lifecycle.Misattribution("capability", "the report names capability mysql but request r1 is for pg"));
        RequestStatus fulfilled = Lifecycle.fulfilled(Lifecycle.accepted(matched, T0), Map.of(), null, T0);
        assertThat(Lifecycle.judge(fulfilled, byB)).as("another's claim on a finished request").isEqualTo(Lifecycle.Verdict.MISATTRIBUTED);
    }

    @Test
    void aLateReportIsStaleWhenItsProducerHeldThatAttemptAndMisattributedWhenAnotherDid() {
        RequestStatus first = Lifecycle.matched(submitted(), OFFER_A, T0);
        RequestStatus second = Lifecycle.matched(Lifecycle.offerGaveUp(first, RequestState.REJECTED, "no", T0), OFFER_B, T0);
        FulfilmentEvent lateFromA = report(first, FulfilmentKind.ACCEPTED);
        FulfilmentEvent bClaimsAttemptOne = FulfilmentEvent.newBuilder(lateFromA).setProducerId("team-b").build();
        Map<String, String> producers = Map.of("a", "team-a", "b", "team-b");

        assertThat(Lifecycle.judge(second, lateFromA, offerId -> Optional.ofNullable(producers.get(offerId))))
                .isEqualTo(Lifecycle.Verdict.STALE);
        assertThat(Lifecycle.judge(second, bClaimsAttemptOne, offerId -> Optional.ofNullable(producers.get(offerId))))
                .isEqualTo(Lifecycle.Verdict.MISATTRIBUTED);
        assertThat(Lifecycle.judge(second, bClaimsAttemptOne)).as("the first attempt's offer no longer known: only stale")
                .isEqualTo(Lifecycle.Verdict.STALE);
        RequestStatus waiting = Lifecycle.waiting(Lifecycle.offerGaveUp(first, RequestState.REJECTED, "no", T0), "none left", T0);
        assertThat(Lifecycle.judge(waiting, bClaimsAttemptOne, offerId -> Optional.ofNullable(producers.get(offerId))))
                .as("the request holds no producer now, attempt 1 was team-a's").isEqualTo(Lifecycle.Verdict.MISATTRIBUTED);
        assertThat(Lifecycle.judge(waiting, lateFromA, offerId -> Optional.ofNullable(producers.get(offerId))))
                .isEqualTo(Lifecycle.Verdict.STALE);
    }

    @Test
    void anSloBreachIsAFlagAndAHistoryEntryNotAStateChange() {
        RequestStatus accepted = Lifecycle.accepted(Lifecycle.matched(submitted(), OFFER_A, T0), T0);

        RequestStatus breached = Lifecycle.sloBreached(accepted, "promise passed", T0.plusSeconds(61));

        assertThat(breached.getState()).isEqualTo(RequestState.ACCEPTED);
        assertThat(breached.getSloBreached()).isTrue();
        assertThat(breached.getHistory()).hasSize(accepted.getHistory().size() + 1);
    }

    @Test
    void terminalStatesAreTheArchitecturesThree() {
        assertThat(Lifecycle.TERMINAL).containsExactlyInAnyOrder(RequestState.DEPROVISIONED, RequestState.FAILED,
                RequestState.CANCELLED);
        assertThat(Lifecycle.isTerminal(Lifecycle.cancelled(submitted(), "x", T0))).isTrue();
        assertThat(Lifecycle.isTerminal(Lifecycle.waiting(submitted(), "no offer", T0))).isFalse();
    }

    @Test
    void endlessProgressCoalescesAtTheBoundAndNoEntryMoves() {
        RequestStatus status = Lifecycle.accepted(Lifecycle.matched(submitted(), OFFER_A, T0), T0);
        for (int i = 0; i < 3 * Lifecycle.MAX_HISTORY; i++) {
            status = Lifecycle.inProgress(status, "step " + i, T0.plusSeconds(i));
        }
        status = Lifecycle.fulfilled(status, Map.of(), "done", T0.plusSeconds(1_000));

        assertThat(status.getHistory()).as("progress coalesces at the bound; FULFILLED is still added")
                .hasSize(Lifecycle.MAX_HISTORY + 1);
        assertThat(status.getHistory()).extracting(StatusTransition::getState).startsWith(RequestState.SUBMITTED,
                RequestState.MATCHED, RequestState.ACCEPTED, RequestState.IN_PROGRESS).endsWith(RequestState.FULFILLED);
        assertThat(status.getHistory().get(status.getHistory().size() - 2).getDetail())
                .as("the newest progress is kept").isEqualTo("step " + (3 * Lifecycle.MAX_HISTORY - 1));
    }

    @Test
    void aHugeDetailIsCutToTheBound() {
        RequestStatus matched = Lifecycle.matched(submitted(), OFFER_A, T0);

        RequestStatus progressed = Lifecycle.inProgress(matched, "x".repeat(1_000_000), T0);

        String detail = progressed.getHistory().get(progressed.getHistory().size() - 1).getDetail();
        assertThat(detail).hasSize(Lifecycle.MAX_DETAIL).endsWith("…");
    }

    @Test
    void aSubmissionIsDatedNoLaterThanNowAndNoEarlierThanTheMaximumAge() {
        SubmitRequest future = SubmitRequest.newBuilder(submit()).setSubmittedAt(T0.plusSeconds(3_600)).build();
        SubmitRequest ancient = SubmitRequest.newBuilder(submit()).setSubmittedAt(Instant.EPOCH.minusSeconds(1)).build();

        RequestStatus fromTheFuture = Lifecycle.submitted(future, T0);
        RequestStatus fromLongAgo = Lifecycle.submitted(ancient, T0);

        assertThat(fromTheFuture.getSubmittedAt()).isEqualTo(T0);
        assertThat(fromTheFuture.getHistory().get(0).getAt()).isEqualTo(T0);
        assertThat(fromLongAgo.getSubmittedAt()).isEqualTo(T0.minus(Lifecycle.MAX_SUBMISSION_AGE));
        assertThat(Lifecycle.submitted(submit(), T0).getSubmittedAt()).isEqualTo(submit().getSubmittedAt());
    }
}
