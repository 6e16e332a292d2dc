package io.capmarket.topology.core;

import static io.capmarket.schemas.RequestState.ACCEPTED;
import static io.capmarket.schemas.RequestState.CANCELLED;
import static io.capmarket.schemas.RequestState.FAILED;
import static io.capmarket.schemas.RequestState.FULFILLED;
import static io.capmarket.schemas.RequestState.IN_PROGRESS;
import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.REJECTED;
import static io.capmarket.schemas.RequestState.SUBMITTED;
import static io.capmarket.schemas.RequestState.WAITING;
import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.topology.TopologySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every rule of the desk, over in-memory books: each path of a request's life in milliseconds. */
class CapabilityDeskTest {

    private final DeskFixture t = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10)));

    @Nested
    class Matching {

        @Test
        void anOfferThatFailedEarnsItsWayBackByTimeAlone() {
            t.liveOffer("pg-a", "db-team", 5, Map.of());
            t.liveOffer("pg-b", "other-team", 5, Map.of());
            t.submit("r1");
            assertThat(t.status("r1").getOfferId()).as("equal offers: the smaller offerId").isEqualTo("pg-a");
            t.report("r1", FulfilmentKind.REJECTED);
            assertThat(t.status("r1").getOfferId()).isEqualTo("pg-b");
            t.report("r1", FulfilmentKind.ACCEPTED);
            t.report("r1", FulfilmentKind.FULFILLED);

            t.submit("r2");
            assertThat(t.status("r2").getOfferId()).as("pg-a's one outcome is a rejection").isEqualTo("pg-b");
            t.report("r2", FulfilmentKind.ACCEPTED);
            t.report("r2", FulfilmentKind.FULFILLED);

            t.advance(MatchingPolicy.DEFAULT_FAILURE_HALF_LIFE.multipliedBy(40));
            t.heartbeat("db-team");
            t.heartbeat("other-team");
            t.submit("r3");

            assertThat(t.status("r3").getOfferId()).as("after 40 half-lives without outcomes, the rejection no longer counts")
                    .isEqualTo("pg-a");
        }

        @Test
        void aRequestIsMatchedAndFulfilledWithItsFullHistory() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of("region", "eu-west"));

            t.submit("r1");
            Assignment assignment = t.assignments("db-team").get(0);
            assertThat(assignment.getAction()).isEqualTo(AssignmentAction.FULFIL);
            assertThat(assignment.getAttempt()).isEqualTo(1);
            assertThat(assignment.getAcceptDeadline()).isEqualTo(t.now.plusSeconds(30));
            assertThat(assignment.getLeadTimeSloMs()).isEqualTo(60_000L);
            assertThat(t.inFlight("pg-eu")).isEqualTo(1);

            t.report("r1", FulfilmentKind.ACCEPTED);
            t.report("r1", FulfilmentKind.PROGRESS);
            t.advance(Duration.ofSeconds(5));
            t.report("r1", FulfilmentKind.FULFILLED);

            RequestStatus done = t.status("r1");
            assertThat(done.getState()).isEqualTo(FULFILLED);
            assertThat(done.getOutputs()).containsEntry("host", "r1.db.internal");
            assertThat(done.getHistory()).extracting(StatusTransition::getState)
                    .containsExactly(SUBMITTED, MATCHED, ACCEPTED, IN_PROGRESS, FULFILLED);
            assertThat(t.books.request("r1")).isEqualTo(done);
            assertThat(t.inFlight("pg-eu")).isZero();
            assertThat(t.books.counts(PG).getBacklog()).isZero();
        }

        @Test
        void aMatchAtOnceIsOneStatusRecordWithBothTransitions() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());

            t.submit("r1");

            assertThat(t.statuses.get("r1")).hasSize(1);
            assertThat(t.status("r1").getHistory()).extracting(StatusTransition::getState).containsExactly(SUBMITTED, MATCHED);
        }

        @Test
        void constraintsChooseTheOffer() {
            t.liveOffer("pg-eu", "team-eu", 5, Map.of("region", "eu-west"));
            t.liveOffer("pg-us", "team-us", 5, Map.of("region", "us-east"));

            t.submit("r1", Priority.NORMAL, Map.of("region", List.of("us-east", "us-west")));

            assertThat(t.status("r1").getOfferId()).isEqualTo("pg-us");
        }

        @Test
        void aDuplicateSubmitIsIgnored() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");
            t.submit("r1");

            assertThat(t.statuses.get("r1")).hasSize(1);
            assertThat(t.assignments("db-team")).hasSize(1);
            assertThat(t.inFlight("pg-eu")).isEqualTo(1);
            assertThat(t.events).contains("ignored:duplicate submit");
        }

        @Test
        void anOffboardedProducersOfferGetsNoMoreWorkButKeepsWhatItHolds() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");
            t.revoke("db-team");

            t.submit("r2");

            assertThat(t.status("r2").getState()).isEqualTo(WAITING);
            t.report("r1", FulfilmentKind.FULFILLED);
            assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
        }
    }

    @Nested
    class Waitlist {

        @Test
        void withoutAnOfferARequestWaitsAndIsMatchedTheMomentOneAppears() {
            t.submit("r1");
            assertThat(t.status("r1").getState()).isEqualTo(WAITING);
            assertThat(t.status("r1").getReason()).contains("no offer of postgres-database v1");
            assertThat(t.books.counts(PG).getWaiting()).isEqualTo(1);

            t.liveOffer("pg-eu", "db-team", 5, Map.of());

            assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
            assertThat(t.books.counts(PG).getWaiting()).isZero();
            assertThat(t.books.waitlist()).isEmpty();
        }

        @Test
        void capacityIsNeverDoubleBookedAndFreedCapacityDrainsByPriorityThenAge() {
            t.liveOffer("pg-eu", "db-team", 1, Map.of());
            t.submit("busy");
            t.submit("low", Priority.LOW, Map.of());
            t.advance(Duration.ofMillis(10));
            t.submit("normal-old", Priority.NORMAL, Map.of());
            t.advance(Duration.ofMillis(10));
            t.submit("normal-new", Priority.NORMAL, Map.of());
            t.submit("high", Priority.HIGH, Map.of());

            List<String> served = new ArrayList<>();
            String current = "busy";
            for (int i = 0; i < 4; i++) {
                t.report(current, FulfilmentKind.FULFILLED);
                List<Assignment> sent = t.assignments("db-team");
                current = sent.get(sent.size() - 1).getRequestId();
                served.add(current);
                assertThat(t.inFlight("pg-eu")).isEqualTo(1);
            }
            assertThat(served).containsExactly("high", "normal-old", "normal-new", "low");
        }

        @Test
        void withinAPriorityTheTeamsTakeTurnsSoAFloodDoesNotStarveAnotherTeam() {
            t.liveOffer("pg-eu", "db-team", 1, Map.of());
            t.submitFor("flood-team", "busy", Priority.NORMAL);
            for (int i = 0; i < 5; i++) {
                t.submitFor("flood-team", "flood-" + i, Priority.NORMAL);
                t.advance(Duration.ofMillis(10));
            }
            t.submitFor("small-team", "small-0", Priority.NORMAL);
            t.submitFor("small-team", "small-1", Priority.NORMAL);
            t.submitFor("flood-team", "urgent", Priority.HIGH);

            List<String> served = new ArrayList<>();
            String current = "busy";
            for (int i = 0; i < 8; i++) {
                t.report(current, FulfilmentKind.FULFILLED);
                List<Assignment> sent = t.assignments("db-team");
                current = sent.get(sent.size() - 1).getRequestId();
                served.add(current);
            }
            assertThat(served).as("priority first, then the teams in turn (the flood's team was served last), each its oldest first")
                    .containsExactly("urgent", "small-0", "flood-0", "small-1", "flood-1", "flood-2", "flood-3", "flood-4");
        }

        @Test
        void aProducerWithoutAFreshHeartbeatIsNotMatchedUntilItComesBack() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.advance(MatchingPolicy.DEFAULT_LIVENESS_BOUND.plusSeconds(1));

            t.submit("r1");
            assertThat(t.status("r1").getState()).isEqualTo(WAITING);
            assertThat(t.status("r1").getReason()).contains("not live");

            t.heartbeat("db-team");
            t.advance(Duration.ofSeconds(1));

            assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        }

        @Test
        void aHeadOfRequestsNoOfferCanServeDoesNotHideTheRestOfTheWaitlist() {
            t.liveOffer("pg-eu", "db-team", 1, Map.of("region", "eu-west"));
            t.submit("busy");
            for (int i = 0; i < CapabilityDesk.DRAIN_BATCH + 5; i++) {
                t.submit("critical-" + i, Priority.CRITICAL, Map.of("region", List.of("mars")));
            }
            t.submit("normal", Priority.NORMAL, Map.of());

            t.report("busy", FulfilmentKind.FULFILLED);
            assertThat(t.status("normal").getState()).as("the first drain examined only the unservable head").isEqualTo(WAITING);
            t.heartbeat("db-team");
            t.advance(Duration.ofSeconds(1));

            assertThat(t.status("normal").getState()).isEqualTo(MATCHED);
        }

        @Test
        void capacityFreedByAnEventGoesToTheHeadOfTheWaitlistNotPastWhereTheLastTickStopped() {
            t.liveOffer("pg-eu", "db-eu", 1, Map.of("region", "eu"));
            t.liveOffer("pg-us", "db-us", 1, Map.of("region", "us"));
            t.submit("busy", Priority.NORMAL, Map.of("region", List.of("eu")));
            for (int i = 0; i < CapabilityDesk.DRAIN_BATCH; i++) {
                t.submit("critical-" + i, Priority.CRITICAL, Map.of("region", List.of("eu")));
            }
            t.submit("normal", Priority.NORMAL, Map.of("region", List.of("eu")));
            t.advance(Duration.ofSeconds(1)); // pg-us has room: the tick examines a full batch of CRITICAL ones in vain

            t.report("busy", FulfilmentKind.FULFILLED);

            assertThat(t.status("critical-0").getState()).isEqualTo(MATCHED);
            assertThat(t.status("normal").getState()).isEqualTo(WAITING);
        }

        @Test
        void aRequestWaitingLongerThanTheMaxWaitFails() {
            DeskFixture quick = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
                    Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofMinutes(5)));
            quick.submit("r1");
            quick.advance(Duration.ofMinutes(4));
            assertThat(quick.status("r1").getState()).isEqualTo(WAITING);

            quick.advance(Duration.ofMinutes(1));

            assertThat(quick.status("r1").getState()).isEqualTo(FAILED);
            assertThat(quick.status("r1").getReason()).isEqualTo(
                    "not matched within 5m of its submission; last: no offer of postgres-database v1");
            assertThat(quick.books.waitlist()).isEmpty();
            assertThat(quick.books.counts(PG).getWaiting()).isZero();
            assertThat(quick.books.counts(PG).getBacklog()).isZero();
            assertThat(quick.books.deadlines.all()).isEmpty();
        }

        @Test
        void theMaxWaitOfARequestBackOnTheWaitlistCountsFromItsReturnNotFromItsSubmission() {
            DeskFixture quick = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
                    Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofMinutes(5)));
            quick.liveOffer("pg-a", "db-team", 1, Map.of());
            quick.submit("r0");
            quick.liveOffer("pg-b", "other-team", 1, Map.of());
            quick.submit("r1");
            assertThat(quick.status("r1").getOfferId()).isEqualTo("pg-b");
            quick.report("r1", FulfilmentKind.ACCEPTED);
            quick.advance(Duration.ofMinutes(10));

            quick.report("r1", FulfilmentKind.FAILED, true);
            assertThat(quick.status("r1").getState()).as("pg-a is full, pg-b gave it up").isEqualTo(WAITING);
            quick.advance(Duration.ofMinutes(4));

            assertThat(quick.status("r1").getState()).as("it waited 4m, not 14m").isEqualTo(WAITING);
            quick.advance(Duration.ofMinutes(1));
            assertThat(quick.status("r1").getState()).isEqualTo(FAILED);
            assertThat(quick.status("r1").getReason()).startsWith("not matched within 5m of the end of attempt 1; last: ");
        }

        @Test
        void cancellingAWaitingRequestTakesItOffTheWaitlist() {
            t.submit("r1");
            t.cancel("r1");
            t.liveOffer("pg-eu", "db-team", 5, Map.of());

            assertThat(t.status("r1").getState()).isEqualTo(CANCELLED);
            assertThat(t.status("r1").getReason()).isEqualTo("no longer needed");
            assertThat(t.assignments("db-team")).isEmpty();
            assertThat(t.books.waitlist()).isEmpty();
            assertThat(t.books.counts(PG)).satisfies(c -> {
                assertThat(c.getWaiting()).isZero();
                assertThat(c.getBacklog()).isZero();
            });
        }

        @Test
        void aPausedOfferDoesNotDrainTheWaitlistUntilItIsActiveAgain() {
            t.approve("db-team", PG);
            t.heartbeat("db-team");
            CapabilityOffer paused = CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 5, Map.of()))
                    .setStatus(OfferStatus.PAUSED).build();
            t.publish(paused);
            t.submit("r1");
            assertThat(t.status("r1").getState()).isEqualTo(WAITING);

            t.publish(t.offer("pg-eu", "db-team", 5, Map.of()));

            assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        }
    }

    @Nested
    class Rematching {

        @Test
        void aRejectionIsReMatchedElsewhereExcludingTheRejectingOffer() {
            t.liveOffer("pg-a", "team-a", 5, Map.of());
            t.liveOffer("pg-b", "team-b", 5, Map.of());
            t.submit("r1");
            String first = t.status("r1").getOfferId();

            t.report("r1", FulfilmentKind.REJECTED);

            RequestStatus now = t.status("r1");
            assertThat(now.getState()).isEqualTo(MATCHED);
            assertThat(now.getAttempt()).isEqualTo(2);
            assertThat(now.getOfferId()).isNotEqualTo(first);
            assertThat(now.getTriedOffers()).containsExactly(first);
            assertThat(now.getHistory()).extracting(StatusTransition::getState).containsExactly(SUBMITTED, MATCHED, REJECTED, MATCHED);
            assertThat(t.inFlight(first)).isZero();
        }

        @Test
        void aRequestRejectedByItsOnlyOfferWaitsForAnother() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");

            t.report("r1", FulfilmentKind.REJECTED);

            assertThat(t.status("r1").getState()).isEqualTo(WAITING);
            assertThat(t.status("r1").getReason()).contains("pg-eu already tried");
            t.liveOffer("pg-us", "us-team", 5, Map.of());
            assertThat(t.status("r1").getOfferId()).isEqualTo("pg-us");
        }

        @Test
        void aMissedAcceptDeadlineCancelsTheAssignmentAndReMatches() {
            t.liveOffer("pg-a", "team-a", 5, Map.of());
            t.liveOffer("pg-b", "team-b", 5, Map.of());
            t.submit("r1");
            String firstProducer = t.status("r1").getProducerId();

            passAcceptDeadline("team-a", "team-b");

            RequestStatus now = t.status("r1");
            assertThat(now.getAttempt()).isEqualTo(2);
            assertThat(now.getState()).isEqualTo(MATCHED);
            assertThat(now.getProducerId()).isNotEqualTo(firstProducer);
            assertThat(now.getHistory().get(2).getDetail()).contains("not accepted by " + firstProducer + " within 30000 ms");
            assertThat(t.assignments(firstProducer)).extracting(Assignment::getAction)
                    .containsExactly(AssignmentAction.FULFIL, AssignmentAction.CANCEL);
        }

        @Test
        void aRequestWhoseOnlyOfferMissedItsAcceptDeadlineIsTriedThereAgainNotLeftWaiting() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");

            passAcceptDeadline("db-team");

            RequestStatus again = t.status("r1");
            assertThat(again.getState()).isEqualTo(MATCHED);
            assertThat(again.getAttempt()).isEqualTo(2);
            assertThat(t.assignments("db-team")).extracting(a -> a.getAction() + "#" + a.getAttempt())
                    .containsExactly("FULFIL#1", "CANCEL#1", "FULFIL#2");
            t.report("r1", FulfilmentKind.FULFILLED);
            assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
        }

        @Test
        void anOnlyOfferThatKeepsMissingItsDeadlineEndsTheRequestAtTheAttemptLimit() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");

            passAcceptDeadline("db-team");
            passAcceptDeadline("db-team");
            passAcceptDeadline("db-team");

            assertThat(t.status("r1").getState()).isEqualTo(FAILED);
            assertThat(t.status("r1").getReason()).startsWith("gave up after 3 attempts");
            assertThat(t.inFlight("pg-eu")).isZero();
        }

        @Test
        void retryableFailuresAreReMatchedUntilTheAttemptLimitThenFailAndNoTransientFailedIsPublished() {
            for (String team : List.of("a", "b", "c", "d")) {
                t.liveOffer("pg-" + team, "team-" + team, 5, Map.of());
            }
            t.submit("r1");

            t.report("r1", FulfilmentKind.FAILED, true);
            t.report("r1", FulfilmentKind.FAILED, true);
            assertThat(t.status("r1").getAttempt()).isEqualTo(3);
            t.report("r1", FulfilmentKind.FAILED, true);

            RequestStatus failed = t.status("r1");
            assertThat(failed.getState()).isEqualTo(FAILED);
            assertThat(failed.getHistory()).extracting(StatusTransition::getState)
                    .containsExactly(SUBMITTED, MATCHED, FAILED, MATCHED, FAILED, MATCHED, FAILED, FAILED);
            assertThat(t.statuses.get("r1")).extracting(RequestStatus::getState).containsExactly(MATCHED, MATCHED, MATCHED, FAILED);
        }

        @Test
        void aNonRetryableFailureEndsTheRequest() {
            t.liveOffer("pg-a", "team-a", 5, Map.of());
            t.liveOffer("pg-b", "team-b", 5, Map.of());
            t.submit("r1");

            t.report("r1", FulfilmentKind.FAILED, false);

            assertThat(t.status("r1").getState()).isEqualTo(FAILED);
            assertThat(t.status("r1").getAttempt()).isEqualTo(1);
        }

        @Test
        void aCheckThatFailsForOneRequestLeavesTheOthersDueWithItToRun() {
            t.liveOffer("pg-a", "team-a", 5, Map.of());
            t.liveOffer("pg-b", "team-b", 5, Map.of());
            t.submit("r1");
            t.submit("r2");
            t.failingStatuses.add("r1");

            passAcceptDeadline("team-a", "team-b");

            assertThat(t.events).contains("check-failed:r1:ACCEPT");
            assertThat(t.status("r2").getAttempt()).as("its missed accept handled all the same").isEqualTo(2);
            assertThat(t.status("r2").getState()).isEqualTo(MATCHED);
        }

        /** Lets the current assignment's accept deadline pass while the producers keep heartbeating. */
        private void passAcceptDeadline(String... producers) {
            for (String producer : producers) {
                t.heartbeat(producer);
            }
            t.advance(Duration.ofSeconds(29));
            for (String producer : producers) {
                t.heartbeat(producer);
            }
            t.advance(Duration.ofSeconds(2));
        }
    }

    @Nested
    class Cancelling {

        @Test
        void cancellingAnAssignedRequestTellsTheProducerAndFreesTheCapacity() {
            t.liveOffer("pg-eu", "db-team", 1, Map.of());
            t.submit("r1");
            t.submit("r2");
            t.report("r1", FulfilmentKind.ACCEPTED);

            t.cancel("r1");

            assertThat(t.status("r1").getState()).isEqualTo(CANCELLED);
            assertThat(t.assignments("db-team")).extracting(a -> a.getRequestId() + ":" + a.getAction())
                    .containsExactly("r1:FULFIL", "r1:CANCEL", "r2:FULFIL");
            assertThat(t.status("r2").getState()).isEqualTo(MATCHED);
            assertThat(t.inFlight("pg-eu")).isEqualTo(1);
        }

        @Test
        void statesNeverLeaveTheirTerminalState() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");
            t.report("r1", FulfilmentKind.FAILED);

            t.cancel("r1");

            assertThat(t.status("r1").getState()).isEqualTo(RequestState.FAILED);
            assertThat(t.events).contains("ignored:cancel for finished request");
        }
    }

    @Nested
    class Reports {

        @Test
        void reportsForUnknownFinishedOrStaleAttemptsAreRecordedNotApplied() {
            t.liveOffer("pg-a", "team-a", 5, Map.of());
            t.liveOffer("pg-b", "team-b", 5, Map.of());
            t.submit("r1");
            RequestStatus first = t.status("r1");
            t.report("r1", FulfilmentKind.REJECTED);

            t.report("r1", first.getOfferId(), first.getProducerId(), 1, FulfilmentKind.ACCEPTED, false);
            t.report("ghost", "pg-a", "team-a", 1, FulfilmentKind.FULFILLED, false);
            t.report("r1", FulfilmentKind.FULFILLED);
            t.report("r1", FulfilmentKind.FAILED);

            assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
            assertThat(t.refusals).satisfiesExactly(
                    r -> assertThat(r).startsWith("report:r1: stale fulfilment report ACCEPTED for attempt 1"),
                    r -> assertThat(r).isEqualTo("report:ghost: fulfilment report for unknown request ghost"),
                    r -> assertThat(r).startsWith("report:r1: finished fulfilment report FAILED"));
        }

        @Test
        void aReportOnAnotherProducersAssignmentIsMisattributedAndChangesNothing() {
            t.liveOffer("pg-a", "team-a", 5, Map.of());
            t.submit("r1");
            t.liveOffer("pg-b", "team-b", 5, Map.of());
            RequestStatus before = t.books.request("r1");

            t.report("r1", "pg-a", "team-b", 1, FulfilmentKind.FULFILLED, false);

            assertThat(t.books.request("r1")).isEqualTo(before);
            assertThat(t.inFlight("pg-a")).isEqualTo(1);
            assertThat(t.events).contains("misattributed:producer", "dead-lettered:misattributed");
            assertThat(t.refusals).containsExactly("report:r1: misattributed fulfilment report FULFILLED: producer team-b "
                    + "reported on attempt 1 of request r1, which is assigned to producer team-a");
        }

        @Test
        void aProducerReportingProgressWithoutEndCannotGrowTheStatusWithoutBound() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");
            int reports = 5_000;
            int sizeAtTheBound = 0;
            for (int i = 0; i < reports; i++) {
                t.report("r1", FulfilmentKind.PROGRESS);
                if (i == Lifecycle.MAX_HISTORY) {
                    sizeAtTheBound = encodedSize(t.status("r1"));
                }
            }

            assertThat(t.status("r1").getHistory()).hasSize(Lifecycle.MAX_HISTORY);
            assertThat(encodedSize(t.status("r1"))).as("encoded bytes after %d reports", reports).isEqualTo(sizeAtTheBound);
            // SUBMITTED, MATCHED, then ACCEPTED and IN_PROGRESS for the first report: the bound is reached at report MAX - 3
            assertThat(t.events).filteredOn("history-trimmed"::equals).hasSize(reports - (Lifecycle.MAX_HISTORY - 3));
            t.report("r1", FulfilmentKind.FULFILLED);
            assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
        }

        @Test
        void workPastThePromiseIsFlaggedAsAnSloBreachNotReassigned() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");
            t.report("r1", FulfilmentKind.ACCEPTED);

            t.advance(Duration.ofSeconds(61));

            RequestStatus breached = t.status("r1");
            assertThat(breached.getSloBreached()).isTrue();
            assertThat(breached.getState()).isEqualTo(ACCEPTED);
            assertThat(breached.getHistory().get(breached.getHistory().size() - 1).getDetail())
                    .isEqualTo("lead-time promise of 60000 ms passed");
            assertThat(t.assignments("db-team")).hasSize(1);
            assertThat(t.books.deadlines.all()).isEmpty();
        }
    }

    @Nested
    class Deadlines {

        @Test
        void eachLiveRequestHasTheDeadlineItsStatusCallsForSoATaskRebuildsThemFromItsRequests() {
            t.liveOffer("pg-eu", "db-team", 3, Map.of());
            t.submit("done");
            t.report("done", FulfilmentKind.ACCEPTED);
            t.report("done", FulfilmentKind.FULFILLED);
            t.submit("unaccepted");
            t.submit("accepted");
            t.report("accepted", FulfilmentKind.ACCEPTED);
            t.submit("filler");
            t.submit("waiting");
            assertThat(t.status("waiting").getState()).isEqualTo(WAITING);
            t.heartbeat("db-team");
            t.advance(Duration.ofSeconds(31)); // the unaccepted are matched again, the accepted one awaits its promise

            // what a restarted task holds: one deadline per kept request, by the rule the desk keeps them with
            DeadlineQueue rebuilt = new DeadlineQueue();
            t.books.requests.values().forEach(status -> rebuilt.put(status.getRequestId(), Deadline.next(status, t.settings,
                    r -> t.books.offers(r.getCapability()).get(r.getOfferId()).getOffer().getLeadTimeSloMs())));
            assertThat(rebuilt.all()).extracting(Deadline::requestId)
                    .containsExactlyInAnyOrder("waiting", "unaccepted", "filler", "accepted");
            assertThat(rebuilt.all()).extracting(Deadline::kind)
                    .containsExactlyInAnyOrder(Deadline.Kind.WAIT, Deadline.Kind.ACCEPT, Deadline.Kind.ACCEPT, Deadline.Kind.SLO);
            assertThat(t.books.deadlines.all()).as("a finished request keeps none").isEqualTo(rebuilt.all());
        }

        @Test
        void anAssignmentKeepsOneDeadlineEntryAtATime() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");
            assertThat(t.books.deadlines.all()).singleElement().satisfies(d -> assertThat(d.kind()).isEqualTo(Deadline.Kind.ACCEPT));

            t.report("r1", FulfilmentKind.ACCEPTED);
            t.heartbeat("db-team");
            t.advance(Duration.ofSeconds(31));

            assertThat(t.books.deadlines.all()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Deadline.Kind.SLO);
                assertThat(d.due()).isEqualTo(DeskFixture.START.plusSeconds(60));
            });
        }

        @Test
        void aPromiseShorterThanTheAcceptDeadlineIsFlaggedFirstThenTheMissedAcceptReMatches() {
            t.approve("quick", PG);
            t.heartbeat("quick");
            t.publish(CapabilityOffer.newBuilder(t.offer("pg-quick", "quick", 5, Map.of())).setLeadTimeSloMs(10_000L).build());
            t.liveOffer("pg-slow", "slow", 5, Map.of());
            t.submit("r1", Priority.NORMAL, Map.of());
            assertThat(t.status("r1").getOfferId()).isEqualTo("pg-quick");

            t.advance(Duration.ofSeconds(11));
            assertThat(t.status("r1").getSloBreached()).isTrue();
            assertThat(t.status("r1").getState()).isEqualTo(MATCHED);

            t.heartbeat("quick");
            t.heartbeat("slow");
            t.advance(Duration.ofSeconds(20));

            assertThat(t.status("r1").getAttempt()).isEqualTo(2);
            assertThat(t.status("r1").getOfferId()).isEqualTo("pg-slow");
            assertThat(t.status("r1").getSloBreached()).as("a new attempt, a new promise").isFalse();
        }
    }

    @Nested
    class Offers {

        @Test
        void aChangeToAnotherProducersOfferIsRefusedAndChangesNothing() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.approve("intruder", PG);

            t.publish(t.offer("pg-eu", "intruder", 50, Map.of()));
            t.withdraw("pg-eu", "intruder");

            assertThat(t.books.offers(PG).get("pg-eu").getOffer().getProducerId()).isEqualTo("db-team");
            assertThat(t.refusals).hasSize(2).allSatisfy(r -> assertThat(r).startsWith("offer:pg-eu: "));
            assertThat(t.events).filteredOn("dead-lettered:identity"::equals).hasSize(2);
        }

        @Test
        void aForgottenOffersIdStaysItsProducersSoAnotherCanNeitherPublishNorWithdrawIt() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.withdraw("pg-eu", "db-team");
            assertThat(t.books.offers(PG)).as("nothing held it: forgotten at once").doesNotContainKey("pg-eu");
            t.approve("intruder", PG);
            t.heartbeat("intruder");

            // as an intruder's records reach the desk from an intake task whose index never saw pg-eu
            t.publish(t.offer("pg-eu", "intruder", 50, Map.of()));
            t.withdraw("pg-eu", "intruder");

            assertThat(t.books.offers(PG)).doesNotContainKey("pg-eu");
            assertThat(t.refusals).containsExactly(
                    "offer:pg-eu: change of offer pg-eu of capability postgres-database by producer intruder: "
                            + "the offer belongs to producer db-team, only it can change it",
                    "offer:pg-eu: withdrawal of offer pg-eu of capability postgres-database by producer intruder: "
                            + "the offer belongs to producer db-team, only it can withdraw it");
            assertThat(t.events).filteredOn("dead-lettered:identity"::equals).hasSize(2);

            t.publish(t.offer("pg-eu", "db-team", 7, Map.of()));
            assertThat(t.books.offers(PG).get("pg-eu").getOffer().getCapacity()).as("its producer publishes it again").isEqualTo(7);
            assertThat(t.refusals).hasSize(2);
        }

        @Test
        void aCapabilityHoldsAtMostItsBoundOfOffersWithdrawnOnesKeptIncluded() {
            t.liveOffer("pg-0", "db-team", 5, Map.of());
            t.submit("r1");
            t.withdraw("pg-0", "db-team"); // kept: r1 runs there
            for (int i = 1; i < OfferRules.MAX_OFFERS_PER_CAPABILITY; i++) {
                t.publish(t.offer("pg-" + i, "db-team", 5, Map.of()));
            }
            assertThat(t.books.offers(PG)).hasSize(OfferRules.MAX_OFFERS_PER_CAPABILITY);
            assertThat(t.refusals).isEmpty();

            t.publish(t.offer("pg-new", "db-team", 5, Map.of()));
            t.publish(t.offer("pg-1", "db-team", 9, Map.of()));

            assertThat(t.books.offers(PG)).hasSize(OfferRules.MAX_OFFERS_PER_CAPABILITY).doesNotContainKey("pg-new");
            assertThat(t.books.offers(PG).get("pg-1").getOffer().getCapacity()).as("a held offer still changes").isEqualTo(9);
            assertThat(t.refusals).containsExactly("offer:pg-new: offer pg-new is refused: capability postgres-database holds 1000 "
                    + "offers, at most 1000 (withdrawn ones count until their work and resources end): withdraw one first");
            assertThat(t.events).filteredOn("dead-lettered:refused"::equals).hasSize(1);

            t.report("r1", FulfilmentKind.FAILED);
            t.publish(t.offer("pg-new", "db-team", 5, Map.of()));
            assertThat(t.books.offers(PG)).as("the withdrawn offer, its work ended, made room").containsKey("pg-new")
                    .doesNotContainKey("pg-0");
        }

        @Test
        void anOfferConflictingWithItsVersionsContractIsRefused() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.approve("other", PG);
            t.heartbeat("other");

            t.publish(CapabilityOffer.newBuilder(t.offer("pg-other", "other", 5, Map.of()))
                    .setParameterSchema("{\"type\":\"string\"}").build());

            assertThat(t.books.offers(PG)).doesNotContainKey("pg-other");
            assertThat(t.refusals).singleElement().asString().contains("parameterSchema differs from the contract");
        }

        @Test
        void aWithdrawnOfferKeepsItsWorkAndResourcesUntilTheyEndThenIsForgotten() {
            t.liveOffer("pg-eu", "db-team", 5, Map.of());
            t.submit("r1");

            t.withdraw("pg-eu", "db-team");
            assertThat(t.books.offers(PG).get("pg-eu").getWithdrawn()).isTrue();
            assertThat(t.catalog.get(PG)).isNull();
            t.submit("r2");
            assertThat(t.status("r2").getState()).isEqualTo(WAITING);

            t.report("r1", FulfilmentKind.FULFILLED);

            assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
            assertThat(t.books.offers(PG)).as("its terms govern r1's resource").containsKey("pg-eu");
            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.status("r1").getState()).isEqualTo(RequestState.DEPROVISIONED);
            assertThat(t.books.offers(PG)).doesNotContainKey("pg-eu");
        }
    }

    @Nested
    class Scorecards {

        @Test
        void theScorecardCountsWhatHappenedAndTheLoadNow() {
            t.liveOffer("pg-eu", "db-team", 4, Map.of());
            t.submit("r1");
            t.submit("r2");
            t.report("r1", FulfilmentKind.FULFILLED);

            t.publishScores();

            var score = t.scorecards.get(t.scorecards.size() - 1);
            assertThat(score.getCapability()).isEqualTo(PG);
            assertThat(score.getAllTime().getScalability().getSubmitted()).isEqualTo(2);
            assertThat(score.getAllTime().getScalability().getBacklog()).isEqualTo(1);
            assertThat(score.getAllTime().getSafety().getFulfilled()).isEqualTo(1);
            assertThat(score.getProducers()).singleElement().satisfies(p -> assertThat(p.getProducerId()).isEqualTo("db-team"));
        }
    }

    @Test
    void underAnyMixOfEventsCapacityIsNeverExceededAndTheBooksAgree() {
        Random random = new Random(42);
        t.liveOffer("pg-a", "team-a", 2, Map.of());
        t.liveOffer("pg-b", "team-b", 3, Map.of());
        List<String> ids = new ArrayList<>();
        FulfilmentKind[] kinds = FulfilmentKind.values();
        for (int i = 0; i < 2_000; i++) {
            int action = random.nextInt(10);
            if (action < 3 || ids.isEmpty()) {
                String id = "r" + i;
                ids.add(id);
                t.submit(id, Priority.values()[random.nextInt(Priority.values().length)], Map.of());
            } else if (action == 3) {
                t.cancel(ids.get(random.nextInt(ids.size())));
            } else if (action == 4) {
                t.heartbeat("team-a");
                t.heartbeat("team-b");
                t.advance(Duration.ofSeconds(1 + random.nextInt(20)));
            } else {
                RequestStatus status = t.status(ids.get(random.nextInt(ids.size())));
                if (status != null && status.getProducerId() != null) {
                    t.report(status.getRequestId(), kinds[random.nextInt(kinds.length)], random.nextBoolean());
                }
            }
            long assignedA = t.books.requests.values().stream().filter(Lifecycle::isAssigned)
                    .filter(s -> "pg-a".equals(s.getOfferId())).count();
            long assignedB = t.books.requests.values().stream().filter(Lifecycle::isAssigned)
                    .filter(s -> "pg-b".equals(s.getOfferId())).count();
            assertThat(assignedA).isLessThanOrEqualTo(2).isEqualTo(t.inFlight("pg-a"));
            assertThat(assignedB).isLessThanOrEqualTo(3).isEqualTo(t.inFlight("pg-b"));
            long waiting = t.books.requests.values().stream().filter(s -> s.getState() == WAITING).count();
            assertThat(t.books.counts(PG).getWaiting()).isEqualTo(waiting);
            assertThat(t.books.waitlist()).hasSize((int) waiting);
            long open = t.books.requests.values().stream().filter(Lifecycle::isProvisioning).count();
            assertThat(t.books.counts(PG).getBacklog()).isEqualTo(open);
        }
    }

    private static int encodedSize(RequestStatus status) {
        try {
            return status.toByteBuffer().remaining();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
