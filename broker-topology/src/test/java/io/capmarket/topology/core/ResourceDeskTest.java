package io.capmarket.topology.core;

import static io.capmarket.schemas.RequestState.CANCELLED;
import static io.capmarket.schemas.RequestState.DEPROVISIONED;
import static io.capmarket.schemas.RequestState.DEPROVISIONING;
import static io.capmarket.schemas.RequestState.FULFILLED;
import static io.capmarket.schemas.RequestState.UPDATING;
import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The life of a request's resource after FULFILLED, on the desk: update, deprovision, their follow-up and races. */
class ResourceDeskTest {

    private static final String SMALL = "{\"size\":\"small\",\"name\":\"orders\"}";
    private static final String LARGE = "{\"size\":\"large\",\"name\":\"orders\"}";

    private final DeskFixture t = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1),
            io.capmarket.schemas.access.PriorityGrants.NONE,
            new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofMinutes(2))));

    @BeforeEach
    void aFulfilledDatabase() {
        t.approve("db-team", PG);
        t.heartbeat("db-team");
        CapabilityOffer offer = CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 1, Map.of()))
                .setUpdatableParameters(List.of("size")).build();
        t.publish(offer);
        t.submitWith("r1", SMALL);
        t.report("r1", FulfilmentKind.ACCEPTED);
        t.report("r1", FulfilmentKind.FULFILLED);
        assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
        assertThat(t.inFlight("pg-eu")).isZero();
    }

    private List<Assignment> sent() {
        return t.assignments("db-team");
    }

    private Assignment lastSent() {
        return sent().get(sent().size() - 1);
    }

    private List<RequestState> states(String requestId) {
        return t.status(requestId).getHistory().stream().map(StatusTransition::getState).toList();
    }

    private String lastDetail(String requestId) {
        List<StatusTransition> history = t.status(requestId).getHistory();
        return history.get(history.size() - 1).getDetail();
    }

    @Nested
    class Update {

        @Test
        void goesToTheProducerHoldingTheResourceAndComesBackWithTheNewParameters() {
            t.update("r1", LARGE);

            RequestStatus updating = t.status("r1");
            assertThat(updating.getState()).isEqualTo(UPDATING);
            assertThat(updating.getRevision()).isEqualTo(1);
            assertThat(updating.getParameters()).as("kept until the producer says it is done").isEqualTo(SMALL);
            assertThat(updating.getPendingParameters()).isEqualTo(LARGE);
            assertThat(updating.getSubmittedParameters()).as("kept from the first update on, for a retry of the submit").isEqualTo(SMALL);
            assertThat(lastDetail("r1")).isEqualTo("update 1 asked by bob (size)");
            Assignment update = lastSent();
            assertThat(update.getAction()).isEqualTo(AssignmentAction.UPDATE);
            assertThat(update.getRevision()).isEqualTo(1);
            assertThat(update.getAttempt()).isEqualTo(1);
            assertThat(update.getOfferId()).isEqualTo("pg-eu");
            assertThat(update.getParameters()).isEqualTo(LARGE);
            assertThat(update.getPreviousParameters()).isEqualTo(SMALL);
            assertThat(t.inFlight("pg-eu")).as("an operation on a resource takes no capacity").isZero();

            t.reportOn("r1", FulfilmentKind.ACCEPTED, false);
            t.reportOn("r1", 1, FulfilmentKind.FULFILLED, false, Map.of("host", "orders.large.db.internal"));

            RequestStatus updated = t.status("r1");
            assertThat(updated.getState()).isEqualTo(FULFILLED);
            assertThat(updated.getParameters()).isEqualTo(LARGE);
            assertThat(updated.getPendingParameters()).isNull();
            assertThat(updated.getSubmittedParameters()).as("kept for a retry of the submit").isEqualTo(SMALL);
            assertThat(updated.getOutputs()).containsExactly(Map.entry("host", "orders.large.db.internal"));
            assertThat(updated.getReason()).isNull();
            assertThat(states("r1")).endsWith(FULFILLED, UPDATING, UPDATING, FULFILLED);
            assertThat(t.events).contains("update:asked", "update:done");
            assertThat(t.books.counts(PG).getBacklog()).as("a live resource is not backlog").isZero();
            var safety = t.books.scoreOf(PG + "/db-team").figures(t.now, ScoreState.Current.NONE).allTime();
            assertThat(safety.getSafety().getUpdated()).isEqualTo(1);
            assertThat(safety.getSpeed().getUpdate().getSamples()).isEqualTo(1);
        }

        @Test
        void thatFailsLeavesTheResourceAsItWas() {
            t.update("r1", LARGE);

            t.reportOn("r1", FulfilmentKind.FAILED, true);

            RequestStatus status = t.status("r1");
            assertThat(status.getState()).isEqualTo(FULFILLED);
            assertThat(status.getParameters()).isEqualTo(SMALL);
            assertThat(status.getOutputs()).containsEntry("host", "r1.db.internal");
            assertThat(status.getReason()).isEqualTo("update 1 failed: failed at db-team: FAILED from db-team");
            assertThat(t.events).contains("update:failed");
            assertThat(t.books.scoreOf(PG).figures(t.now, ScoreState.Current.NONE).allTime().getSafety().getUpdateFailures())
                    .isEqualTo(1);
        }

        @Test
        void rejectedByTheProducerFailsToo() {
            t.update("r1", LARGE);

            t.reportOn("r1", FulfilmentKind.REJECTED, false);

            assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
            assertThat(t.status("r1").getReason()).startsWith("update 1 failed: rejected by db-team");
        }

        @Test
        void ofAParameterTheOfferDoesNotDeclareUpdatableIsRefusedInTheHistory() {
            t.update("r1", "{\"size\":\"small\",\"name\":\"billing\"}");

            RequestStatus status = t.status("r1");
            assertThat(status.getState()).isEqualTo(FULFILLED);
            assertThat(status.getRevision()).isZero();
            assertThat(lastDetail("r1")).isEqualTo("update asked by bob refused: parameters [name] cannot be updated in place; "
                    + "offer pg-eu declares only [size] updatable");
            assertThat(sent()).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL);
            assertThat(t.events).contains("update:refused");
        }

        @Test
        void madeFromParametersThatChangedMeanwhileIsRefused() {
            t.update("r1", "{\"size\":\"medium\",\"name\":\"orders\"}", LARGE);

            assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
            assertThat(lastDetail("r1")).contains("the request's parameters changed since the update was made from them");
        }

        @Test
        void whileAnotherUpdateGoesOnIsRefused() {
            t.update("r1", LARGE);
            t.update("r1", SMALL, "{\"size\":\"medium\",\"name\":\"orders\"}");

            RequestStatus status = t.status("r1");
            assertThat(status.getState()).isEqualTo(UPDATING);
            assertThat(status.getPendingParameters()).isEqualTo(LARGE);
            assertThat(lastDetail("r1")).endsWith("refused: request r1 is UPDATING; only a FULFILLED request is updated");
            assertThat(sent()).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL, AssignmentAction.UPDATE);
        }

        @Test
        void ofARequestStillBeingProvisionedIsRefused() {
            t.submitWith("r2", SMALL);
            t.update("r2", LARGE);

            assertThat(lastDetail("r2")).endsWith("refused: request r2 is MATCHED; only a FULFILLED request is updated");
            assertThat(t.status("r2").getState()).isEqualTo(RequestState.MATCHED);
            assertThat(t.status("r2").getPendingParameters()).isNull();
        }

        @Test
        void ofAFinishedRequestChangesNothingItsRetentionCountsFrom() {
            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            RequestStatus deprovisioned = t.status("r1");
            assertThat(deprovisioned.getState()).isEqualTo(DEPROVISIONED);
            t.advance(Duration.ofMinutes(5));

            t.update("r1", SMALL, LARGE);

            assertThat(t.status("r1")).as("no note, and its last change where it was").isEqualTo(deprovisioned);
            assertThat(t.events).contains("ignored:update for finished request");
        }

        @Test
        void refusedWithoutEndGrowsTheHistoryToItsBoundThenReplacesItsLastNote() {
            t.submitWith("r2", SMALL);
            List<StatusTransition> before = t.status("r2").getHistory();
            for (int i = 0; i < 3 * Lifecycle.MAX_HISTORY; i++) {
                t.update("r2", LARGE);
            }

            List<StatusTransition> history = t.status("r2").getHistory();
            assertThat(history).as("bounded").hasSize(Lifecycle.MAX_HISTORY);
            assertThat(history).as("what came before the notes stays").startsWith(before.toArray(StatusTransition[]::new));
            assertThat(history.get(history.size() - 1).getAt()).isEqualTo(t.now);
            assertThat(lastDetail("r2")).endsWith("refused: request r2 is MATCHED; only a FULFILLED request is updated");
            assertThat(t.events.stream().filter("history-trimmed"::equals)).as("each note replaced is counted")
                    .hasSize(3 * Lifecycle.MAX_HISTORY - (Lifecycle.MAX_HISTORY - before.size()));
        }

        @Test
        void ofAnUnknownRequestChangesNothing() {
            t.update("nobody", SMALL, LARGE);

            assertThat(t.status("nobody")).isNull();
            assertThat(t.events).contains("ignored:update for unknown request");
        }

        @Test
        void aLateReportOnAnEarlierRevisionIsStaleNotTheUpdatesAnswer() {
            t.update("r1", LARGE);

            t.reportOn("r1", 0, FulfilmentKind.FULFILLED, false, null); // the provisioning's report, delivered again

            assertThat(t.status("r1").getState()).isEqualTo(UPDATING);
            assertThat(t.refusals).anyMatch(r -> r.startsWith("report:r1: stale fulfilment report FULFILLED"));
        }

        @Test
        void unansweredIsSentAgainWithLongerWaitsThenGivenUpAndCancelled() {
            t.update("r1", LARGE);

            t.advance(Duration.ofMinutes(2).plusSeconds(1));

            // sent at 0, again after 10 s, 20 s more, 40 s more, 40 s more (110 s); given up at 120 s
            assertThat(sent()).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL, AssignmentAction.UPDATE,
                    AssignmentAction.UPDATE, AssignmentAction.UPDATE, AssignmentAction.UPDATE, AssignmentAction.UPDATE,
                    AssignmentAction.CANCEL);
            assertThat(sent().subList(1, 7)).extracting(Assignment::getRevision).containsOnly(1);
            assertThat(sent().subList(1, 6)).extracting(Assignment::getAssignedAt).containsExactly(DeskFixture.START,
                    DeskFixture.START.plusSeconds(10), DeskFixture.START.plusSeconds(30), DeskFixture.START.plusSeconds(70),
                    DeskFixture.START.plusSeconds(110));
            RequestStatus status = t.status("r1");
            assertThat(status.getState()).isEqualTo(FULFILLED);
            assertThat(status.getParameters()).isEqualTo(SMALL);
            assertThat(status.getReason()).isEqualTo("update 1 failed: not done by db-team within 120000 ms");
            assertThat(t.events).contains("update:resent", "update:failed");
        }

        @Test
        void anAnswerStartsTheWaitBeforeTheNextSendAgain() {
            t.update("r1", LARGE);
            t.advance(Duration.ofSeconds(8));
            t.reportOn("r1", FulfilmentKind.PROGRESS, false);

            t.advance(Duration.ofSeconds(15));

            // the progress at 8 s is the second entry of the operation: the next send waits 20 s from it
            assertThat(sent()).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL, AssignmentAction.UPDATE);
            t.advance(Duration.ofSeconds(6));
            assertThat(sent()).hasSize(3);
        }
    }

    @Nested
    class WithdrawnOffer {

        @Test
        void keepsGoverningItsLiveResourcesUntilTheLastIsGoneAndItsOfferIdForGood() {
            t.withdraw("pg-eu", "db-team");
            assertThat(t.books.offers(PG)).as("kept for r1, withdrawn").hasEntrySatisfying("pg-eu",
                    state -> assertThat(state.getWithdrawn()).isTrue());
            assertThat(t.books.liveResources(PG, "pg-eu")).isEqualTo(1);

            t.update("r1", LARGE);
            assertThat(t.status("r1").getState()).as("its terms still say size is updatable").isEqualTo(UPDATING);
            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.status("r1").getParameters()).isEqualTo(LARGE);

            t.approve("other-team", PG);
            t.publish(t.offer("pg-eu", "other-team", 1, Map.of()));
            assertThat(t.refusals).as("the offerId stays db-team's while it holds r1")
                    .anyMatch(refusal -> refusal.startsWith("offer:pg-eu: change of offer pg-eu") && refusal.contains("db-team"));

            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
            assertThat(t.books.offers(PG)).as("forgotten with its last resource").doesNotContainKey("pg-eu");
            assertThat(t.books.liveResources(PG, "pg-eu")).isZero();

            int refused = t.refusals.size();
            t.publish(t.offer("pg-eu", "other-team", 1, Map.of()));
            assertThat(t.refusals).as("still db-team's once forgotten").hasSize(refused + 1);
            assertThat(t.books.offers(PG)).doesNotContainKey("pg-eu");
            t.publish(t.offer("pg-eu", "db-team", 2, Map.of()));
            assertThat(t.refusals).hasSize(refused + 1);
            assertThat(t.books.offers(PG).get("pg-eu").getOffer().getProducerId()).isEqualTo("db-team");
        }

        @Test
        void withNeitherWorkNorResourcesIsForgottenAtOnce() {
            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.books.liveResources(PG, "pg-eu")).isZero();

            t.withdraw("pg-eu", "db-team");

            assertThat(t.books.offers(PG)).doesNotContainKey("pg-eu");
        }
    }

    @Nested
    class Deprovision {

        @Test
        void ofAFulfilledRequestGoesToItsProducerAndEndsTheRequest() {
            t.cancel("r1");

            RequestStatus deprovisioning = t.status("r1");
            assertThat(deprovisioning.getState()).isEqualTo(DEPROVISIONING);
            assertThat(deprovisioning.getRevision()).isEqualTo(1);
            assertThat(lastDetail("r1")).isEqualTo("deprovision asked by cleanup-bot: no longer needed");
            assertThat(lastSent().getAction()).isEqualTo(AssignmentAction.DEPROVISION);
            assertThat(lastSent().getRevision()).isEqualTo(1);

            t.reportOn("r1", FulfilmentKind.FULFILLED, false);

            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
            assertThat(Lifecycle.isTerminal(t.status("r1"))).isTrue();
            assertThat(states("r1")).endsWith(FULFILLED, DEPROVISIONING, DEPROVISIONED);
            assertThat(t.events).contains("deprovision:asked", "deprovision:done");
            var figures = t.books.scoreOf(PG).figures(t.now, ScoreState.Current.NONE).allTime();
            assertThat(figures.getSafety().getDeprovisioned()).isEqualTo(1);
            assertThat(figures.getSpeed().getDeprovision().getSamples()).isEqualTo(1);

            t.cancel("r1");
            assertThat(t.events).contains("ignored:cancel for finished request");
        }

        @Test
        void answeredWithProgressWithoutEndKeepsItsStartAndABoundedHistory() {
            t.cancel("r1");
            StatusTransition start = t.status("r1").getHistory().get(t.status("r1").getHistory().size() - 1);
            for (int i = 0; i < 3 * Lifecycle.MAX_HISTORY; i++) {
                t.advance(Duration.ofMillis(100));
                t.reportOn("r1", FulfilmentKind.PROGRESS, false);
            }

            RequestStatus status = t.status("r1");
            assertThat(status.getState()).isEqualTo(DEPROVISIONING);
            assertThat(status.getHistory()).as("bounded").hasSize(Lifecycle.MAX_HISTORY);
            assertThat(ResourceLifecycle.operationEntries(status).get(0)).as("the deadlines count from it").isEqualTo(start);
            assertThat(status.getHistory().get(Lifecycle.MAX_HISTORY - 1).getAt()).isEqualTo(t.now);

            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
            assertThat(t.status("r1").getHistory()).as("a transition is still added").hasSize(Lifecycle.MAX_HISTORY + 1);
        }

        @Test
        void duringAnUpdateAbandonsTheUpdate() {
            t.update("r1", LARGE);

            t.cancel("r1");

            RequestStatus status = t.status("r1");
            assertThat(status.getState()).isEqualTo(DEPROVISIONING);
            assertThat(status.getRevision()).isEqualTo(2);
            assertThat(status.getPendingParameters()).isNull();
            assertThat(lastDetail("r1")).endsWith("; update 1 abandoned");
            t.reportOn("r1", 1, FulfilmentKind.FULFILLED, false, null); // the update's late answer
            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONING);
            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
        }

        @Test
        void askedTwiceIsSentOnce() {
            t.cancel("r1");
            t.cancel("r1");

            assertThat(sent()).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL, AssignmentAction.DEPROVISION);
            assertThat(t.events).contains("ignored:deprovision already asked");
        }

        @Test
        void unansweredIsSentAgainThenFlaggedAnOrphanWhichALateSuccessStillEnds() {
            t.cancel("r1");

            t.advance(Duration.ofMinutes(2).plusSeconds(1));

            RequestStatus orphan = t.status("r1");
            assertThat(orphan.getState()).isEqualTo(DEPROVISIONING);
            assertThat(orphan.getOrphaned()).isTrue();
            assertThat(orphan.getReason()).isEqualTo("orphaned: not done by db-team within 120000 ms");
            assertThat(sent()).extracting(Assignment::getAction).containsOnly(AssignmentAction.FULFIL, AssignmentAction.DEPROVISION)
                    .hasSize(6);
            int sends = sent().size();
            t.advance(Duration.ofMinutes(10));
            assertThat(sent()).as("an orphan is not sent again").hasSize(sends);
            assertThat(t.events).contains("deprovision:resent", "deprovision:orphaned");
            assertThat(t.books.scoreOf(PG).figures(t.now, ScoreState.Current.NONE).allTime().getSafety().getOrphans()).isEqualTo(1);

            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
            assertThat(t.status("r1").getOrphaned()).isFalse();
        }

        @Test
        void updatesRefusedMeanwhileDoNotPutOffItsSendingAgain() {
            t.cancel("r1");

            for (int i = 0; i < 38; i++) { // a bot asking every 3 s
                t.advance(Duration.ofSeconds(3));
                t.update("r1", LARGE);
            }

            assertThat(lastDetail("r1")).endsWith("refused: request r1 is DEPROVISIONING; only a FULFILLED request is updated");
            // sent at 0, again after 10 s, 20 s more, 40 s more, 40 s more (110 s), as if no note were there
            assertThat(sent()).extracting(Assignment::getAssignedAt).containsExactly(DeskFixture.START, DeskFixture.START,
                    DeskFixture.START.plusSeconds(10), DeskFixture.START.plusSeconds(30), DeskFixture.START.plusSeconds(70),
                    DeskFixture.START.plusSeconds(110));
            assertThat(lastSent().getRevision()).isEqualTo(1);
            assertThat(t.status("r1").getOrphaned()).isFalse();
            assertThat(ResourceLifecycle.operationEntries(t.status("r1")).get(0).getDetail())
                    .isEqualTo("deprovision asked by cleanup-bot: no longer needed");
        }

        @Test
        void updatesRefusedPastTheHistorysBoundDoNotBringItsSendingForward() {
            t.cancel("r1");

            for (int i = 0; i < 3 * Lifecycle.MAX_HISTORY; i++) { // a bot asking ten times a second for 30 s
                t.advance(Duration.ofMillis(100));
                t.update("r1", LARGE);
            }

            assertThat(sent()).extracting(Assignment::getAssignedAt).as("sent at 0, again after 10 s and 20 s more, as without the bot")
                    .containsExactly(DeskFixture.START, DeskFixture.START, DeskFixture.START.plusSeconds(10),
                            DeskFixture.START.plusSeconds(30));
            assertThat(t.status("r1").getHistory()).hasSizeLessThanOrEqualTo(Lifecycle.MAX_HISTORY);
        }

        @Test
        void thatFailsRetryablyIsSentAgainAfterAWait() {
            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.FAILED, true);

            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONING);
            assertThat(t.status("r1").getOrphaned()).isFalse();
            assertThat(lastDetail("r1")).endsWith("(retryable)");
            t.advance(Duration.ofSeconds(21));
            assertThat(sent()).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL, AssignmentAction.DEPROVISION,
                    AssignmentAction.DEPROVISION);
        }

        @Test
        void thatFailsForGoodIsAnOrphanAtOnce() {
            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.REJECTED, false);

            assertThat(t.status("r1").getOrphaned()).isTrue();
            assertThat(t.status("r1").getReason()).isEqualTo("orphaned: rejected by db-team: REJECTED from db-team");
        }

        @Test
        void ofAnOrphanIsAskedAgainWithADeadlineOfItsOwn() {
            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.REJECTED, false);
            assertThat(t.status("r1").getOrphaned()).isTrue();
            t.advance(Duration.ofMinutes(5));
            int sends = sent().size();

            t.cancel("r1");

            RequestStatus again = t.status("r1");
            assertThat(again.getState()).isEqualTo(DEPROVISIONING);
            assertThat(again.getOrphaned()).isFalse();
            assertThat(again.getRevision()).isEqualTo(2);
            assertThat(again.getReason()).isEqualTo("deprovision asked by cleanup-bot: no longer needed");
            assertThat(sent()).hasSize(sends + 1);
            assertThat(lastSent().getAction()).isEqualTo(AssignmentAction.DEPROVISION);
            assertThat(lastSent().getRevision()).isEqualTo(2);
            assertThat(ResourceLifecycle.operationEntries(again)).as("the orphaned deprovision's entries are not its own")
                    .extracting(StatusTransition::getDetail).containsExactly("deprovision asked by cleanup-bot: no longer needed");

            t.advance(Duration.ofSeconds(11));
            assertThat(t.status("r1").getOrphaned()).as("its deadline counts from its own ask").isFalse();
            assertThat(sent()).as("sent again 10 s after it was asked").hasSize(sends + 2);
            t.advance(Duration.ofMinutes(2));
            assertThat(t.status("r1").getOrphaned()).isTrue();
            assertThat(t.status("r1").getReason()).isEqualTo("orphaned: not done by db-team within 120000 ms");

            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.FULFILLED, false);
            assertThat(t.status("r1").getState()).isEqualTo(DEPROVISIONED);
            assertThat(t.status("r1").getRevision()).isEqualTo(3);
        }

        @Test
        void ofAnOrphanAskedAgainKeepsItsStartPastTheHistorysBound() {
            t.cancel("r1");
            t.reportOn("r1", FulfilmentKind.REJECTED, false);
            for (int i = 0; i < Lifecycle.MAX_HISTORY; i++) {
                t.reportOn("r1", FulfilmentKind.PROGRESS, false); // late answers to the orphaned deprovision
            }
            t.advance(Duration.ofSeconds(1));

            t.cancel("r1");
            for (int i = 0; i < 5; i++) {
                t.reportOn("r1", FulfilmentKind.PROGRESS, false);
            }

            List<StatusTransition> operation = ResourceLifecycle.operationEntries(t.status("r1"));
            assertThat(operation.get(0).getDetail()).isEqualTo("deprovision asked by cleanup-bot: no longer needed");
            assertThat(operation.get(0).getAt()).isEqualTo(t.now);
            assertThat(t.status("r1").getHistory()).extracting(StatusTransition::getDetail)
                    .as("the orphan's flag stays too").contains("orphaned: rejected by db-team: REJECTED from db-team");
        }

        @Test
        void aLateFailureOfAnOrphanIsNotedButNotCountedAsAnotherOrphan() {
            t.cancel("r1");
            t.advance(Duration.ofMinutes(2).plusSeconds(1));
            assertThat(t.status("r1").getOrphaned()).isTrue();

            t.reportOn("r1", FulfilmentKind.REJECTED, false);
            t.reportOn("r1", FulfilmentKind.FAILED, false);

            RequestStatus orphan = t.status("r1");
            assertThat(orphan.getOrphaned()).isTrue();
            assertThat(orphan.getReason()).isEqualTo("orphaned: not done by db-team within 120000 ms");
            assertThat(lastDetail("r1")).isEqualTo("failed at db-team: FAILED from db-team");
            assertThat(t.events.stream().filter("deprovision:orphaned"::equals)).hasSize(1);
            assertThat(t.books.scoreOf(PG).figures(t.now, ScoreState.Current.NONE).allTime().getSafety().getOrphans()).isEqualTo(1);
            assertThat(t.books.scoreOf(PG + "/db-team").figures(t.now, ScoreState.Current.NONE).allTime().getSafety().getOrphans())
                    .isEqualTo(1);
        }

        @Test
        void ofARequestStillBeingProvisionedIsACancel() {
            t.submit("r2");
            t.cancel("r2");

            assertThat(t.status("r2").getState()).isEqualTo(CANCELLED);
            assertThat(t.status("r2").getRevision()).isZero();
        }

        @Test
        void aRestartedTaskHoldsTheSameDeadlineForAnOperation() {
            t.cancel("r1");
            t.advance(Duration.ofSeconds(11));

            DeadlineQueue rebuilt = new DeadlineQueue();
            t.books.requests.values().forEach(status -> rebuilt.put(status.getRequestId(), Deadline.next(status, t.settings,
                    r -> 60_000L)));
            assertThat(rebuilt.all()).extracting(Deadline::kind).containsExactly(Deadline.Kind.RESEND);
            assertThat(t.books.deadlines.all()).isEqualTo(rebuilt.all());
        }
    }

    @Nested
    class Expiry {

        private final DeskFixture e = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1),
                io.capmarket.schemas.access.PriorityGrants.NONE,
                new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofMinutes(2), Duration.ofMinutes(10))));

        private void offer(String offerId, Duration maxTtl) {
            e.approve("db-team", PG);
            e.heartbeat("db-team");
            e.publish(CapabilityOffer.newBuilder(e.offer(offerId, "db-team", 5, Map.of())).setUpdatableParameters(List.of("size"))
                    .setMaxTtlMs(maxTtl == null ? null : maxTtl.toMillis()).build());
        }

        private void fulfil(String requestId) {
            e.report(requestId, FulfilmentKind.FULFILLED);
            assertThat(e.status(requestId).getState()).isEqualTo(FULFILLED);
        }

        private String last(String requestId) {
            List<StatusTransition> history = e.status(requestId).getHistory();
            return history.get(history.size() - 1).getDetail();
        }

        @Test
        void aResourceWithATtlIsAnnouncedThenDeprovisionedAtItsExpiry() {
            offer("pg", null);
            e.submitWithTtl("r1", SMALL, Duration.ofHours(1));
            fulfil("r1");
            java.time.Instant expiresAt = e.now.plus(Duration.ofHours(1));
            assertThat(e.status("r1").getExpiresAt()).isEqualTo(expiresAt);

            e.advance(Duration.ofMinutes(50).plusSeconds(1));
            assertThat(e.status("r1").getExpiryAnnounced()).isTrue();
            assertThat(last("r1")).isEqualTo("expires at " + expiresAt + ": deprovisioned then, unless its expiry is moved "
                    + "(PATCH expiresAt)");
            assertThat(e.status("r1").getState()).isEqualTo(FULFILLED);

            e.advance(Duration.ofMinutes(10));
            assertThat(e.status("r1").getState()).isEqualTo(DEPROVISIONING);
            assertThat(last("r1")).isEqualTo("expired at " + expiresAt);
            assertThat(e.assignments("db-team").get(e.assignments("db-team").size() - 1).getAction())
                    .isEqualTo(AssignmentAction.DEPROVISION);
            assertThat(e.events).contains("expiry:announced", "expiry:expired", "deprovision:asked");
        }

        @Test
        void withoutATtlTheOffersMaxTtlIsTheExpiryAndALongerTtlIsNotMatchedToIt() {
            offer("pg-short", Duration.ofHours(1));
            e.submitWith("r1", SMALL);
            fulfil("r1");
            assertThat(e.status("r1").getExpiresAt()).isEqualTo(e.now.plus(Duration.ofHours(1)));

            e.submitWithTtl("r2", SMALL, Duration.ofHours(2));
            assertThat(e.status("r2").getState()).isEqualTo(RequestState.WAITING);
            assertThat(e.status("r2").getReason()).endsWith("pg-short keeps resources 1h at most (ttl 2h)");
        }

        @Test
        void anExpiryMovesWithinTheOffersMaxTtlAndIsAnnouncedAgain() {
            offer("pg", Duration.ofDays(7));
            e.submitWithTtl("r1", SMALL, Duration.ofHours(1));
            fulfil("r1");
            java.time.Instant fulfilledAt = e.now;
            e.advance(Duration.ofMinutes(51));
            assertThat(e.status("r1").getExpiryAnnounced()).isTrue();

            e.moveExpiry("r1", fulfilledAt.plus(Duration.ofDays(3)));

            RequestStatus moved = e.status("r1");
            assertThat(moved.getExpiresAt()).isEqualTo(fulfilledAt.plus(Duration.ofDays(3)));
            assertThat(moved.getExpiryAnnounced()).isFalse();
            assertThat(last("r1")).isEqualTo("expiry moved to " + fulfilledAt.plus(Duration.ofDays(3)) + " by bob");
            assertThat(e.assignments("db-team")).as("the producer is not involved").hasSize(1);

            e.moveExpiry("r1", fulfilledAt.plus(Duration.ofDays(8)));
            assertThat(last("r1")).startsWith("update asked by bob refused: expiresAt " + fulfilledAt.plus(Duration.ofDays(8))
                    + " is past what offer pg allows");
            assertThat(e.status("r1").getExpiresAt()).isEqualTo(fulfilledAt.plus(Duration.ofDays(3)));
            e.moveExpiry("r1", e.now.minusSeconds(1));
            assertThat(last("r1")).endsWith("is not in the future");
        }

        @Test
        void anExpiryDuringAnUpdateDeprovisionsOnceTheUpdateIsDone() {
            offer("pg", null);
            e.submitWithTtl("r1", SMALL, Duration.ofMinutes(15));
            fulfil("r1");
            e.advance(Duration.ofMinutes(14));
            e.update("r1", LARGE);
            e.advance(Duration.ofMinutes(1).plusSeconds(30));
            assertThat(e.status("r1").getState()).as("not while the update goes on").isEqualTo(UPDATING);

            e.reportOn("r1", FulfilmentKind.FULFILLED, false);
            e.advance(Duration.ofSeconds(1));

            assertThat(e.status("r1").getState()).isEqualTo(DEPROVISIONING);
            assertThat(e.status("r1").getParameters()).isEqualTo(LARGE);
        }
    }

    @Test
    void day2PolicyDoublesItsWaitUpToItsBound() {
        Day2Policy policy = new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(45), Duration.ofHours(1));

        assertThat(List.of(1, 2, 3, 4, 10).stream().map(policy::resendWait).toList()).containsExactly(Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(45), Duration.ofSeconds(45));
    }
}
