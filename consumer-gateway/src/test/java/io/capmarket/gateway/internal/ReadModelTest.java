package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pure rules of the read model: folding, waiting conditions, watchers, paging and cursors. */
class ReadModelTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static SubmitRequest submit(String id) {
        return SubmitRequest.newBuilder().setRequestId(id).setConsumerTeam("alpha").setRequestedBy(new Requester(RequesterKind.BOT, "ci"))
                .setCapability("postgres-database").setCapabilityVersion(1).setParameters("{\"sizeGb\":1}").setConstraints(Map.of())
                .setPreferences(Map.of()).setPriority(Priority.LOW).setSubmittedAt(T0).build();
    }

    private static RequestStatus advance(RequestStatus status, RequestState state) {
        List<StatusTransition> history = new ArrayList<>(status.getHistory());
        history.add(new StatusTransition(state, T0.plusSeconds(history.size()), 1, "o1", null));
        return RequestStatus.newBuilder(status).setState(state).setHistory(history).build();
    }

    @Test
    void aNewerStatusReplacesTheViewAndAnOlderOneDoesNot() {
        RequestStatus created = RequestViews.submitted(submit("r1"));
        RequestStatus matched = advance(created, RequestState.MATCHED);
        RequestStatus accepted = advance(matched, RequestState.ACCEPTED);

        assertThat(created.getState()).isEqualTo(RequestState.SUBMITTED);
        assertThat(created.getHistory()).extracting(StatusTransition::getAt).containsExactly(T0);
        assertThat(RequestViews.apply(null, created)).isSameAs(created);
        assertThat(RequestViews.apply(created, matched)).isSameAs(matched);
        assertThat(RequestViews.apply(accepted, matched)).as("a status older than the view changes nothing").isSameAs(accepted);
        assertThat(RequestViews.view(matched).history()).extracting(RequestView.Transition::state).containsExactly("SUBMITTED", "MATCHED");
    }

    @Test
    void anAcceptedRequestIsReadOnceAcknowledgedUntilStoredOrTooOldAndTheBoundIsAClearError() {
        long[] now = {0};
        AcceptedRequests accepted = new AcceptedRequests(() -> now[0]);
        accepted.reserve(RequestViews.submitted(submit("r1")), 0);
        accepted.reserve(RequestViews.submitted(submit("r2")), 0);
        accepted.reserve(RequestViews.submitted(submit("r3")), 0);
        assertThat(accepted.get("r1")).as("not read before Kafka has it").isEmpty();

        accepted.acknowledged("r1");
        accepted.acknowledged("r2");
        assertThat(accepted.get("r1")).map(RequestStatus::getRequestId).contains("r1");
        accepted.stored("r1");
        assertThat(accepted.get("r1")).isEmpty();
        accepted.release("r3");
        accepted.release("r2");
        assertThat(accepted.get("r2")).as("an acknowledged request is never released").isPresent();
        accepted.reserve(RequestViews.submitted(submit("r4")), 0);
        accepted.stored("r4");
        accepted.acknowledged("r4");
        assertThat(accepted.get("r4")).as("stored before its acknowledgement: read from the store").isEmpty();
        assertThat(accepted.size()).isEqualTo(1);

        now[0] = AcceptedRequests.MAX_AGE.toNanos();
        assertThat(accepted.expire()).as("not older than the bound yet").isZero();
        now[0] = AcceptedRequests.MAX_AGE.toNanos() + 1;
        assertThat(accepted.expire()).isEqualTo(1);
        assertThat(accepted.all(partition -> true)).isEmpty();

        for (int i = 0; i < AcceptedRequests.MAX_HELD; i++) {
            accepted.reserve(RequestViews.submitted(submit("r" + i)), 0);
        }
        assertThatThrownBy(() -> accepted.reserve(RequestViews.submitted(submit("one-more")), 0))
                .isInstanceOf(RetryLaterException.class).hasMessageContaining(AcceptedRequests.MAX_HELD + " accepted requests");
        assertThat(accepted.get("one-more")).isEmpty();
    }

    @Test
    void aReservedRequestIsBeingWrittenUntilKafkaSettlesIt() {
        AcceptedRequests accepted = new AcceptedRequests(System::nanoTime);
        RequestStatus first = RequestViews.submitted(submit("r1"));
        RequestStatus second = RequestViews.submitted(submit("r2"));
        accepted.reserve(first, 0);
        accepted.reserve(second, 0);
        assertThat(accepted.writing("r1")).isTrue();
        assertThat(accepted.get("r1")).as("not read before Kafka has it").isEmpty();

        accepted.acknowledged("r1");
        accepted.release("r2");

        assertThat(accepted.writing("r1")).isFalse();
        assertThat(accepted.get("r1")).contains(first);
        assertThat(accepted.writing("r2")).as("Kafka did not write it: a retry writes it").isFalse();
        assertThat(accepted.get("r2")).isEmpty();
        assertThat(accepted.writing("never-reserved")).isFalse();
    }

    @Test
    void aSubmitReadBackAtAStartIsHeldFromWhenItWasAcceptedAndNeverReplacesOneHeldAlready() {
        long[] now = {AcceptedRequests.MAX_AGE.toNanos()};
        AcceptedRequests accepted = new AcceptedRequests(() -> now[0]);
        accepted.reserve(RequestViews.submitted(submit("live")), 0);

        assertThat(accepted.holdPending(RequestViews.submitted(submit("p1")), 0, Duration.ofMinutes(10))).isTrue();
        assertThat(accepted.get("p1")).as("read at once: Kafka had it").map(RequestStatus::getRequestId).contains("p1");
        assertThat(accepted.holdPending(RequestViews.submitted(submit("p1")), 0, Duration.ofMinutes(1))).as("held already").isFalse();
        assertThat(accepted.holdPending(RequestViews.submitted(submit("live")), 0, Duration.ZERO)).as("this instance's own").isFalse();
        assertThat(accepted.get("live")).as("still waiting for its acknowledgement").isEmpty();
        assertThat(accepted.holdPending(RequestViews.submitted(submit("old")), 0, AcceptedRequests.MAX_AGE)).as("older than the hold")
                .isFalse();

        now[0] += Duration.ofMinutes(5).toNanos() + 1;
        assertThat(accepted.expire()).as("15 minutes after it was accepted, not after it was read back").isEqualTo(1);
        assertThat(accepted.get("p1")).isEmpty();

        for (int i = accepted.size(); i < AcceptedRequests.MAX_HELD; i++) {
            accepted.reserve(RequestViews.submitted(submit("r" + i)), 0);
        }
        assertThat(accepted.holdPending(RequestViews.submitted(submit("beyond")), 0, Duration.ZERO)).as("the bound").isFalse();
        assertThat(accepted.size()).isEqualTo(AcceptedRequests.MAX_HELD);
    }

    @Test
    void aPartitionClosedHereForgetsItsAcknowledgedRequestsAndListsShowOnlyThePartitionsServedHere() {
        AcceptedRequests accepted = new AcceptedRequests(() -> 0);
        accepted.reserve(RequestViews.submitted(submit("moved")), 1);
        accepted.acknowledged("moved");
        accepted.reserve(RequestViews.submitted(submit("in-flight")), 1);
        accepted.holdPending(RequestViews.submitted(submit("read-back")), 1, Duration.ZERO);
        accepted.reserve(RequestViews.submitted(submit("stays")), 0);
        accepted.acknowledged("stays");
        assertThat(accepted.heldOf(1)).containsExactlyInAnyOrder("moved", "in-flight", "read-back");
        assertThat(accepted.all(partition -> partition == 0)).extracting(RequestStatus::getRequestId).containsExactly("stays");

        assertThat(accepted.forget(1)).isEqualTo(2);

        assertThat(accepted.get("moved")).isEmpty();
        assertThat(accepted.get("read-back")).isEmpty();
        assertThat(accepted.get("stays")).isPresent();
        assertThat(accepted.heldOf(1)).as("waits for its acknowledgement").containsExactly("in-flight");
        accepted.acknowledged("in-flight");
        assertThat(accepted.all(partition -> partition == 0)).as("partition 1 is not served here any more")
                .extracting(RequestStatus::getRequestId).containsExactly("stays");
        assertThat(accepted.all(partition -> true)).extracting(RequestStatus::getRequestId).containsExactlyInAnyOrder("stays", "in-flight");
    }

    @Test
    void tasksOfOneKeyRunOneAfterTheOtherAndOfOtherKeysAtOnce() {
        KeyedSequence sequence = new KeyedSequence();
        CompletableFuture<String> firstWrite = new CompletableFuture<>();
        List<String> started = new ArrayList<>();

        CompletableFuture<String> first = sequence.run("k", () -> {
            started.add("first");
            return firstWrite;
        });
        CompletableFuture<String> second = sequence.run("k", () -> {
            started.add("second");
            return CompletableFuture.completedFuture("second");
        });
        CompletableFuture<String> other = sequence.run("other", () -> {
            started.add("other");
            return CompletableFuture.failedFuture(new IllegalStateException("boom"));
        });

        assertThat(started).containsExactly("first", "other");
        assertThat(second).isNotDone();
        assertThat(other).isCompletedExceptionally();
        firstWrite.completeExceptionally(new IllegalStateException("the first failed"));
        assertThat(first).isCompletedExceptionally();
        assertThat(second).as("a failed task does not stop the next of its key").isCompletedWithValue("second");
        assertThat(started).containsExactly("first", "other", "second");
        assertThat(sequence.keys()).as("nothing is kept once a key's tasks are done").isZero();
    }

    @Test
    void tasksPastTheBoundAreRefusedBeforeTheyStartAndTheirPlacesComeBack() {
        KeyedSequence sequence = new KeyedSequence(2);
        CompletableFuture<String> firstWrite = new CompletableFuture<>();
        List<String> started = new ArrayList<>();
        sequence.run("k", () -> {
            started.add("first");
            return firstWrite;
        });
        CompletableFuture<String> waiting = sequence.run("k", () -> {
            started.add("waiting");
            return CompletableFuture.completedFuture("waiting");
        });
        assertThat(sequence.tasks()).isEqualTo(2);

        assertThatThrownBy(() -> sequence.run("other", () -> {
            started.add("refused");
            return CompletableFuture.completedFuture("refused");
        })).isInstanceOf(RetryLaterException.class).hasMessageContaining("deciding 2 submits with an Idempotency-Key");
        assertThat(started).containsExactly("first");
        assertThat(sequence.tasks()).as("a refused task takes no place").isEqualTo(2);

        firstWrite.complete("first");
        assertThat(waiting).isCompletedWithValue("waiting");
        assertThat(sequence.tasks()).isZero();
        assertThat(sequence.run("other", () -> CompletableFuture.completedFuture("again"))).isCompletedWithValue("again");
    }

    @Test
    void aWaitEndsAtTheAwaitedStateAtATerminalStateOrWithEnoughHistory() {
        ReadCondition fulfilled = new ReadCondition("FULFILLED", 0, false, Duration.ofSeconds(5));
        ReadCondition moreThanTwo = new ReadCondition(null, 3, false, Duration.ofSeconds(5));

        assertThat(fulfilled.satisfiedBy("MATCHED", List.of("SUBMITTED", "MATCHED"))).isFalse();
        assertThat(fulfilled.satisfiedBy("FULFILLED", List.of("SUBMITTED", "MATCHED", "ACCEPTED", "FULFILLED"))).isTrue();
        assertThat(fulfilled.satisfiedBy("CANCELLED", List.of("SUBMITTED", "CANCELLED"))).isTrue();
        assertThat(moreThanTwo.satisfiedBy("MATCHED", List.of("SUBMITTED", "MATCHED"))).isFalse();
        assertThat(moreThanTwo.satisfiedBy("ACCEPTED", List.of("SUBMITTED", "MATCHED", "ACCEPTED"))).isTrue();
        assertThat(moreThanTwo.satisfiedBy("FAILED", List.of("SUBMITTED", "FAILED"))).isTrue();
        ReadCondition rejected = new ReadCondition("REJECTED", 0, false, Duration.ofSeconds(5));
        assertThat(rejected.satisfiedBy("MATCHED", List.of("SUBMITTED", "MATCHED", "REJECTED", "MATCHED")))
                .as("a rejection re-matched in the same step is passed through, never a current state").isTrue();
        assertThat(rejected.satisfiedBy("MATCHED", List.of("SUBMITTED", "MATCHED"))).isFalse();
        assertThat(ReadCondition.now().satisfiedBy((RequestView) null)).isFalse();
    }

    @Test
    void aRequestWaitingForApprovalsIsNeitherFinalNorLiveNorAtRest() {
        List<String> pending = List.of("SUBMITTED", "PENDING_APPROVAL");
        ReadCondition fulfilled = new ReadCondition("FULFILLED", 0, false, Duration.ofSeconds(5));
        ReadCondition waiting = new ReadCondition("PENDING_APPROVAL", 0, false, Duration.ofSeconds(5));
        RequestView view = RequestViews.view(advance(RequestViews.submitted(submit("r1")), RequestState.PENDING_APPROVAL));

        assertThat(fulfilled.satisfiedBy("PENDING_APPROVAL", pending)).as("a wait for FULFILLED goes on").isFalse();
        assertThat(waiting.satisfiedBy("PENDING_APPROVAL", pending)).isTrue();
        assertThat(waiting.satisfiedBy("FULFILLED", List.of("SUBMITTED", "PENDING_APPROVAL", "MATCHED", "FULFILLED"))).isTrue();
        assertThat(waiting.satisfiedBy("FULFILLED", List.of("SUBMITTED", "MATCHED", "FULFILLED")))
                .as("a live resource: the approval can no longer come").isTrue();
        assertThat(fulfilled.satisfiedBy("FAILED", List.of("SUBMITTED", "PENDING_APPROVAL", "FAILED"))).as("rejected").isTrue();
        assertThat(view.terminal()).isFalse();
        assertThat(view.live()).isFalse();
        assertThat(view.atRest()).as("an event stream goes on").isFalse();
    }

    @Test
    void aViewShowsTheApprovalsAndWhenTheyExpire() {
        RequestStatus status = RequestStatus.newBuilder(advance(RequestViews.submitted(submit("r1")), RequestState.PENDING_APPROVAL))
                .setApprovals(List.of(io.capmarket.schemas.ApprovalGate.newBuilder().setSource("platform").setApprovers(List.of("role:admin"))
                        .setApprovedBy("root (team platform, role admin)").setApprovedAt(T0).build(),
                        io.capmarket.schemas.ApprovalGate.newBuilder().setSource("producer db-team").setApprovers(List.of("team:dba")).build()))
                .setApprovalExpiresAt(T0.plusSeconds(60)).build();

        RequestView view = RequestViews.view(status);

        assertThat(view.approvals()).containsExactly(
                new RequestView.Approval("platform", List.of("role:admin"), "root (team platform, role admin)", T0.toString()),
                new RequestView.Approval("producer db-team", List.of("team:dba"), null, null));
        assertThat(view.approvalExpiresAt()).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(RequestViews.view(RequestViews.submitted(submit("r2"))).approvals()).isEmpty();
    }

    @Test
    void anInboxListsThePendingRequestsTheCallerMayDecideOldestFirst() {
        Principal root = new Principal("platform", Principal.Role.ADMIN, "root", false);
        RequestStatus pending = RequestStatus.newBuilder(advance(RequestViews.submitted(submit("r1")), RequestState.PENDING_APPROVAL))
                .setApprovals(List.of(io.capmarket.schemas.ApprovalGate.newBuilder().setSource("platform").setApprovers(List.of("role:admin"))
                        .build())).build();
        ListQuery inbox = ListQuery.inbox(root, null, 10);

        assertThat(inbox.matches(pending)).isTrue();
        assertThat(inbox.matches(RequestViews.view(pending))).isTrue();
        assertThat(ListQuery.inbox(new Principal("beta", Principal.Role.CONSUMER, "bob", false), null, 10).matches(pending)).isFalse();
        assertThat(inbox.matches(RequestViews.submitted(submit("r2")))).isFalse();
        assertThat(inbox.team()).as("every team's").isNull();
        Page<RequestView> page = Page.merge(List.of(List.of(view("b", T0.plusSeconds(60))), List.of(view("a", T0), view("c", T0))), 2,
                ListQuery.Order.OLDEST);
        assertThat(page.items()).extracting(RequestView::id).containsExactly("a", "c");
        assertThat(Cursors.decode(page.next())).isEqualTo(ListQuery.Order.OLDEST.key("c", T0));
    }

    @Test
    void aLiveResourceEndsAWaitForAProvisioningStateButNotForWhatComesAfterIt() {
        List<String> fulfilled = List.of("SUBMITTED", "MATCHED", "FULFILLED");
        ReadCondition inProgress = new ReadCondition("IN_PROGRESS", 0, false, Duration.ofSeconds(5));
        ReadCondition deprovisioned = new ReadCondition("DEPROVISIONED", 0, false, Duration.ofSeconds(5));
        ReadCondition updating = new ReadCondition("UPDATING", 0, false, Duration.ofSeconds(5));

        assertThat(inProgress.satisfiedBy("FULFILLED", fulfilled)).as("IN_PROGRESS can no longer come").isTrue();
        assertThat(deprovisioned.satisfiedBy("FULFILLED", fulfilled)).as("FULFILLED is no longer the end").isFalse();
        assertThat(updating.satisfiedBy("FULFILLED", fulfilled)).isFalse();
        assertThat(deprovisioned.satisfiedBy("DEPROVISIONING", List.of("SUBMITTED", "MATCHED", "FULFILLED", "DEPROVISIONING")))
                .isFalse();
        assertThat(updating.satisfiedBy("DEPROVISIONED", List.of("SUBMITTED", "MATCHED", "FULFILLED", "DEPROVISIONING",
                "DEPROVISIONED"))).as("a finished request ends every wait").isTrue();
    }

    @Test
    void watchersAreCompletedByTheChangeTheyWaitForAndOnlyOnce() {
        RequestWatchers watchers = new RequestWatchers();
        RequestStatus submitted = RequestViews.submitted(submit("r1"));
        RequestWatchers.Watch untilMatched = watchers.watch("r1", s -> s.getState() == RequestState.MATCHED);
        RequestWatchers.Watch other = watchers.watch("r2", s -> true);
        CompletableFuture<RequestStatus> future = untilMatched.future();

        watchers.publish(submitted);
        assertThat(future).isNotDone();
        assertThat(watchers.waiting()).isEqualTo(2);
        watchers.publish(advance(submitted, RequestState.MATCHED));

        assertThat(future).isCompletedWithValueMatching(s -> s.getState() == RequestState.MATCHED);
        assertThat(watchers.cancel(untilMatched)).as("already completed").isFalse();
        assertThat(watchers.cancel(other)).isTrue();
        assertThat(watchers.waiting()).isZero();
    }

    @Test
    void aWaiterAddedWhileAnotherOfTheSameRequestIsCancelledIsStillFoundByAChange() throws InterruptedException {
        RequestWatchers watchers = new RequestWatchers();
        RequestStatus matched = advance(RequestViews.submitted(submit("r1")), RequestState.MATCHED);
        int rounds = 200_000;
        AtomicInteger lost = new AtomicInteger();
        // two callers of one request, each waiting and giving up at once (a long-poll's instant read):
        // the last waiter's cancel drops the request's entry, which must not take a new waiter with it
        Runnable caller = () -> {
            for (int i = 0; i < rounds; i++) {
                RequestWatchers.Watch watch = watchers.watch("r1", s -> false);
                if (!watchers.cancel(watch)) {
                    lost.incrementAndGet();
                }
            }
        };
        Thread other = new Thread(caller);
        other.start();
        caller.run();
        other.join();

        assertThat(lost).as("waiters no change or cancel could find any more").hasValue(0);
        assertThat(watchers.waiting()).isZero();
        RequestWatchers.Watch last = watchers.watch("r1", s -> s.getState() == RequestState.MATCHED);
        watchers.publish(matched);
        assertThat(last.future()).isCompletedWithValue(matched);
    }

    @Test
    void pagesMergePartsByIdWithACursorWhenMoreRemain() {
        RequestView a = RequestViews.view(RequestViews.submitted(submit("a")));
        RequestView b = RequestViews.view(RequestViews.submitted(submit("b")));
        RequestView c = RequestViews.view(RequestViews.submitted(submit("c")));

        Page<RequestView> first = Page.merge(List.of(List.of(c), List.of(a, b)), 2);
        Page<RequestView> last = Page.merge(List.of(List.of(c)), 2);

        assertThat(first.items()).extracting(RequestView::id).containsExactly("a", "b");
        assertThat(Cursors.decode(first.next())).isEqualTo("b");
        assertThat(last.next()).isNull();
        assertThat(Cursors.decode(null)).isNull();
        assertThatThrownBy(() -> Cursors.decode("***")).isInstanceOf(MalformedRequestException.class);
    }

    @Test
    void newestFirstOrdersBySubmissionTimeThenIdAndItsCursorResumesAfterTheLastItem() {
        RequestView old = view("a", T0);
        RequestView recentB = view("b", T0.plusSeconds(60));
        RequestView recentC = view("c", T0.plusSeconds(60));
        RequestView newest = view("d", T0.plusSeconds(120));

        Page<RequestView> first = Page.merge(List.of(List.of(old, recentC), List.of(newest, recentB)), 2, ListQuery.Order.NEWEST);
        ListQuery next = new ListQuery(null, null, null, Cursors.decode(first.next()), 2, ListQuery.Order.NEWEST);

        assertThat(first.items()).extracting(RequestView::id).containsExactly("d", "b");
        assertThat(List.of(old, recentB, recentC, newest)).filteredOn(next::afterCursor).extracting(RequestView::id)
                .containsExactlyInAnyOrder("a", "c");
        assertThat(ListQuery.Order.of(null)).isEqualTo(ListQuery.Order.ID);
        assertThat(ListQuery.Order.NAMES).containsExactly("id", "newest");
    }

    private static RequestView view(String id, Instant submittedAt) {
        SubmitRequest submit = submit(id);
        submit.setSubmittedAt(submittedAt);
        return RequestViews.view(RequestViews.submitted(submit));
    }

    @Test
    void aListQueryMatchesTeamStateAndCapability() {
        RequestView view = RequestViews.view(RequestViews.submitted(submit("r1")));

        assertThat(new ListQuery("alpha", null, null, null, 10).matches(view)).isTrue();
        assertThat(new ListQuery(null, "SUBMITTED", "postgres-database", null, 10).matches(view)).isTrue();
        assertThat(new ListQuery("beta", null, null, null, 10).matches(view)).isFalse();
        assertThat(new ListQuery(null, "WAITING", null, null, 10).matches(view)).isFalse();
    }
}
