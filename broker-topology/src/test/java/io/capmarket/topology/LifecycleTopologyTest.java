package io.capmarket.topology;

import static io.capmarket.schemas.RequestState.ACCEPTED;
import static io.capmarket.schemas.RequestState.CANCELLED;
import static io.capmarket.schemas.RequestState.FAILED;
import static io.capmarket.schemas.RequestState.FULFILLED;
import static io.capmarket.schemas.RequestState.IN_PROGRESS;
import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.REJECTED;
import static io.capmarket.schemas.RequestState.SUBMITTED;
import static io.capmarket.schemas.RequestState.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.DecisionOutcome;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.topology.core.MatchingPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request lifecycle through the real topology: the wiring of every input, output and
 * punctuation around the desk (its rules, path by path, are {@code core.CapabilityDeskTest}'s),
 * deadlines driven by wall-clock time.
 */
class LifecycleTopologyTest {

    private static final String PG = "postgres-database";

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir, new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void aRequestIsMatchedAndFulfilledWithItsFullHistory() {
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of("region", "eu-west"));

        t.submit("r1", PG);
        // one status record per step, carrying every transition of the step in its history
        assertThat(t.statuses.get("r1")).extracting(RequestStatus::getState).containsExactly(MATCHED);
        assertThat(t.status("r1").getHistory()).extracting(StatusTransition::getState).containsExactly(SUBMITTED, MATCHED);
        Assignment assignment = t.assignments("db-team").get(0);
        assertThat(assignment.getAction()).isEqualTo(AssignmentAction.FULFIL);
        assertThat(assignment.getAttempt()).isEqualTo(1);
        assertThat(assignment.getOfferId()).isEqualTo("pg-eu");
        assertThat(assignment.getAcceptDeadline()).isEqualTo(t.clock.instant().plusSeconds(30));

        t.report("r1", FulfilmentKind.ACCEPTED);
        t.report("r1", FulfilmentKind.PROGRESS);
        t.advance(Duration.ofSeconds(5));
        t.report("r1", FulfilmentKind.FULFILLED);

        RequestStatus done = t.status("r1");
        assertThat(done.getState()).isEqualTo(FULFILLED);
        assertThat(done.getOutputs()).containsEntry("host", "r1.db.internal");
        assertThat(done.getHistory()).extracting(StatusTransition::getState)
                .containsExactly(SUBMITTED, MATCHED, ACCEPTED, IN_PROGRESS, FULFILLED);
        assertThat(done.getHistory().get(4).getAt()).isEqualTo(TopologyHarness.START.plusSeconds(5));
        assertThat(t.statuses.get("r1")).extracting(RequestStatus::getState)
                .containsExactly(MATCHED, ACCEPTED, IN_PROGRESS, FULFILLED);
    }

    @Test
    void everyRecordAboutARequestCarriesTheTraceOfItsSubmitAlsoWhenMatchedLater() {
        String submitTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        t.submitTraced("r1", PG, submitTrace);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);
        assertThat(t.status("r1").getTraceParent()).as("remembered with the request").isEqualTo(submitTrace);

        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
        t.submit("r2", PG);

        assertThat(t.assignments("db-team")).extracting(Assignment::getRequestId).containsExactly("r1", "r2");
        assertThat(t.assignmentTraces("db-team").get(0)).as("matched on the offer's arrival, in the submit's trace")
                .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
        assertThat(t.assignmentTraces("db-team").get(1)).as("a submit without a trace context").isNull();
        assertThat(t.statusTraces("r1")).isNotEmpty().allSatisfy(trace -> assertThat(trace).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
        assertThat(t.statusTraces("r2")).containsOnlyNulls();
    }

    @Test
    void withoutAnOfferARequestWaitsAndIsMatchedTheMomentOneAppears() {
        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);
        assertThat(t.status("r1").getReason()).contains("no offer of postgres-database v1");

        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r1").getOfferId()).isEqualTo("pg-eu");
        assertThat(t.statuses.get("r1")).as("each decision travels once, on the record of the step that made it")
                .flatExtracting(RequestStatus::getDecisions)
                .extracting(MatchDecision::getOutcome, MatchDecision::getOfferId)
                .containsExactly(tuple(DecisionOutcome.WAITING, null), tuple(DecisionOutcome.MATCHED, "pg-eu"));
        assertThat(t.status("r1").getDecisions().get(0).getCandidates()).extracting(OfferConsidered::getOfferId)
                .containsExactly("pg-eu");
    }

    @Test
    void aMissedAcceptDeadlineCancelsTheAssignmentAndReMatches() {
        t.liveOffer("pg-a", "team-a", PG, 5, Map.of());
        t.liveOffer("pg-b", "team-b", PG, 5, Map.of());
        t.submit("r1", PG);
        String firstProducer = t.status("r1").getProducerId();

        t.heartbeat("team-a");
        t.heartbeat("team-b");
        t.advance(Duration.ofSeconds(29));
        assertThat(t.status("r1").getAttempt()).isEqualTo(1);
        t.heartbeat("team-a");
        t.heartbeat("team-b");
        t.advance(Duration.ofSeconds(2));

        RequestStatus now = t.status("r1");
        assertThat(now.getAttempt()).isEqualTo(2);
        assertThat(now.getState()).isEqualTo(MATCHED);
        assertThat(now.getProducerId()).isNotEqualTo(firstProducer);
        assertThat(now.getHistory().get(2).getDetail()).contains("not accepted by " + firstProducer + " within 30000 ms");
        List<Assignment> toFirst = t.assignments(firstProducer);
        assertThat(toFirst).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL, AssignmentAction.CANCEL);
    }

    @Test
    void retryableFailuresAreReMatchedUntilTheAttemptLimitThenFail() {
        t.liveOffer("pg-a", "team-a", PG, 5, Map.of());
        t.liveOffer("pg-b", "team-b", PG, 5, Map.of());
        t.liveOffer("pg-c", "team-c", PG, 5, Map.of());
        t.liveOffer("pg-d", "team-d", PG, 5, Map.of());
        t.submit("r1", PG);

        t.report("r1", FulfilmentKind.FAILED, true);
        t.report("r1", FulfilmentKind.FAILED, true);
        assertThat(t.status("r1").getAttempt()).isEqualTo(3);
        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        t.report("r1", FulfilmentKind.FAILED, true);

        RequestStatus failed = t.status("r1");
        assertThat(failed.getState()).isEqualTo(FAILED);
        assertThat(failed.getReason()).startsWith("gave up after 3 attempts");
        assertThat(failed.getTriedOffers()).hasSize(3);
        assertThat(t.statuses.get("r1")).extracting(RequestStatus::getState)
                .as("a retryable failure is never published as FAILED before the last attempt")
                .containsExactly(MATCHED, MATCHED, MATCHED, FAILED);
        assertThat(failed.getHistory()).extracting(StatusTransition::getState)
                .containsExactly(SUBMITTED, MATCHED, FAILED, MATCHED, FAILED, MATCHED, FAILED, FAILED);
    }

    @Test
    void cancellingAnAssignedRequestTellsTheProducerAndFreesTheCapacity() {
        t.liveOffer("pg-eu", "db-team", PG, 1, Map.of());
        t.submit("r1", PG);
        t.submit("r2", PG);
        t.report("r1", FulfilmentKind.ACCEPTED);

        t.cancel("r1");

        assertThat(t.status("r1").getState()).isEqualTo(CANCELLED);
        assertThat(t.assignments("db-team")).extracting(a -> a.getRequestId() + ":" + a.getAction())
                .containsExactly("r1:FULFIL", "r1:CANCEL", "r2:FULFIL");
        assertThat(t.status("r2").getState()).isEqualTo(MATCHED);
    }

    @Test
    void reportsForUnknownFinishedOrStaleAttemptsAreRecordedNotApplied() {
        t.liveOffer("pg-a", "team-a", PG, 5, Map.of());
        t.liveOffer("pg-b", "team-b", PG, 5, Map.of());
        t.submit("r1", PG);
        RequestStatus first = t.status("r1");
        t.report("r1", FulfilmentKind.REJECTED);

        t.report("r1", first.getOfferId(), first.getProducerId(), 1, FulfilmentKind.ACCEPTED, false);
        t.report("ghost", "pg-a", "team-a", 1, FulfilmentKind.FULFILLED, false);
        t.report("r1", FulfilmentKind.FULFILLED);
        t.report("r1", FulfilmentKind.FAILED);

        assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
        assertThat(t.deadLetters).hasSize(3);
        assertThat(t.deadLetters).extracting(r -> TopologyHarness.header(r, DeadLetterHeaders.REASON))
                .satisfiesExactly(
                        reason -> assertThat(reason).startsWith("stale fulfilment report ACCEPTED for attempt 1"),
                        reason -> assertThat(reason).isEqualTo("fulfilment report for unknown request ghost"),
                        reason -> assertThat(reason).startsWith("finished fulfilment report FAILED"));
        assertThat(t.deadLetters).extracting(r -> TopologyHarness.header(r, DeadLetterHeaders.SOURCE_TOPIC))
                .containsExactly("t.producer." + first.getProducerId() + ".fulfilment", "t.producer.team-a.fulfilment",
                        "t.producer." + t.status("r1").getProducerId() + ".fulfilment");
        assertThat(t.deadLetters).allSatisfy(r ->
                assertThat(TopologyHarness.header(r, DeadLetterHeaders.COMPONENT)).isEqualTo("topology"));
    }

    @Test
    void workPastThePromiseIsFlaggedAsAnSloBreachNotReassigned() {
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
        t.submit("r1", PG);
        t.report("r1", FulfilmentKind.ACCEPTED);

        t.advance(Duration.ofSeconds(61));

        RequestStatus breached = t.status("r1");
        assertThat(breached.getSloBreached()).isTrue();
        assertThat(breached.getState()).isEqualTo(ACCEPTED);
        assertThat(breached.getAttempt()).isEqualTo(1);
        assertThat(breached.getHistory().get(breached.getHistory().size() - 1).getDetail())
                .isEqualTo("lead-time promise of 60000 ms passed");
        assertThat(t.assignments("db-team")).hasSize(1);
    }

    @Test
    void aProducerWithoutAFreshHeartbeatIsNotMatchedUntilItComesBack() {
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
        t.advance(MatchingPolicy.DEFAULT_LIVENESS_BOUND.plusSeconds(1));

        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);
        assertThat(t.status("r1").getReason()).contains("not live");

        t.heartbeat("db-team");
        t.advance(Duration.ofSeconds(1));

        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
    }

    @Test
    void aProducerIsLiveWhileAnyOfItsProcessesIsSoOneClosingDoesNotPauseTheOthers() {
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
        t.heartbeatOn("db-team", new ProducerHeartbeat("db-team", "db-team-2", t.clock.instant(), 0, true));
        t.advance(Duration.ofSeconds(1));

        // db-team-1 closes: its last heartbeat, the producer's latest, says unhealthy
        t.heartbeatOn("db-team", new ProducerHeartbeat("db-team", "db-team-1", t.clock.instant(), 0, false));
        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).as("db-team-2 is live").isEqualTo(MATCHED);

        t.heartbeatOn("db-team", new ProducerHeartbeat("db-team", "db-team-2", t.clock.instant(), 0, false));
        t.submit("r2", PG);
        assertThat(t.status("r2").getState()).as("no process is healthy").isEqualTo(WAITING);

        t.heartbeatOn("db-team", new ProducerHeartbeat("db-team", "db-team-1", t.clock.instant(), 0, true));
        t.advance(Duration.ofSeconds(1));
        assertThat(t.status("r2").getState()).as("db-team-1 is back").isEqualTo(MATCHED);

        t.advance(MatchingPolicy.DEFAULT_LIVENESS_BOUND.plusSeconds(1));
        t.heartbeatOn("db-team", new ProducerHeartbeat("db-team", "db-team-2", t.clock.instant(), 0, true));
        t.submit("r3", PG);
        assertThat(t.status("r3").getState()).as("db-team-2 healthy again, db-team-1 silent").isEqualTo(MATCHED);
        t.advance(MatchingPolicy.DEFAULT_LIVENESS_BOUND.plusSeconds(1));
        t.submit("r4", PG);
        assertThat(t.status("r4").getState()).as("every process silent past the bound").isEqualTo(WAITING);
    }
}
