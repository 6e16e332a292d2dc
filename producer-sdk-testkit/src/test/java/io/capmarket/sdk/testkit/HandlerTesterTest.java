package io.capmarket.sdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.sdk.InvalidConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandlerTesterTest {

    /** The longest a test waits for what it expects; nothing waits this long when the tester works. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void recordsEveryReportInOrderWithAutoAccept() {
        Recording run = HandlerTester.of((assignment, context) -> {
            context.progress("creating");
            context.fulfil(Map.of("host", context.requestId() + ".db"));
        }).run(HandlerTester.assignment("r-1").build());

        assertThat(run.reports()).containsExactly(Report.accepted(), Report.progress("creating"),
                Report.fulfilled(Map.of("host", "r-1.db")));
        assertThat(run.outcome()).contains(Report.fulfilled(Map.of("host", "r-1.db")));
        assertThat(run.ref()).isEqualTo(new AssignmentRef("r-1", 1, "test-offer", "test-capability"));
    }

    @Test
    void progressInAQuickLoopIsRecordedAsTheSdkSendsIt() {
        AssignmentHandler chatty = (assignment, context) -> {
            for (int step = 1; step <= 5; step++) {
                context.progress("step " + step);
            }
            context.fulfil(Map.of());
        };

        assertThat(HandlerTester.of(chatty).run(HandlerTester.assignment("r-1").build()).reports())
                .as("one PROGRESS per second at most: the held one is dropped by the final report")
                .containsExactly(Report.accepted(), Report.progress("step 1"), Report.fulfilled(Map.of()));
        assertThat(HandlerTester.of(chatty).progressInterval(Duration.ZERO).run(HandlerTester.assignment("r-1").build()).reports())
                .hasSize(7);
    }

    @Test
    void aSynchronousHandlerThatNeverReturnsFailsTheTestAfterTheTimeout() {
        CountDownLatch never = new CountDownLatch(1);
        HandlerTester tester = HandlerTester.of((assignment, context) -> {
            context.progress("waiting for a database that never comes");
            never.await();
        }).timeout(Duration.ofMillis(300));
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> tester.run(
                    HandlerTester.assignment("r-9").build())).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("the handler did not settle assignment r-9 within PT0.3S; reports so far: "));
        } finally {
            never.countDown();
        }
    }

    @Test
    void aSynchronousHandlerOutlastingItsHandlerTimeoutIsInterruptedAndRecordedAsTheSdkFailsIt() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        HandlerTester tester = HandlerTester.of((assignment, context) -> {
            try {
                never.await(); // a cloud API that never answers
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }).handlerTimeout(Duration.ofMillis(200)).timeout(WAIT);

        Recording run = tester.run(HandlerTester.assignment("r-5").build());

        assertThat(run.reports()).containsExactly(Report.accepted(), Report.failed(
                "handler did not finish within handlerTimeout 200ms; its thread was interrupted and its slot freed", true));
        assertThat(interrupted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the handler's thread was interrupted").isTrue();
        assertThat(run.thrownByHandler()).as("the failure is the SDK's, named in the report").isEmpty();
    }

    @Test
    void anAsyncHandlersStageOutlastingItsHandlerTimeoutIsCancelledAndRecordedAsTheSdkFailsIt() throws Exception {
        CompletableFuture<Void> never = new CompletableFuture<>();
        CountDownLatch stageDone = new CountDownLatch(1);
        never.whenComplete((ignored, error) -> stageDone.countDown());

        Recording run = HandlerTester.ofAsync((assignment, context) -> never).handlerTimeout(Duration.ofMillis(200)).timeout(WAIT)
                .run(HandlerTester.assignment("r-6").build());

        assertThat(run.reports()).containsExactly(Report.accepted(), Report.failed(
                "handler did not finish within handlerTimeout 200ms; the stage it returned was cancelled and its slot freed", true));
        assertThat(stageDone.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the stage was completed").isTrue();
        assertThat(never).isCancelled();
    }

    @Test
    void aHandlerFinishingWithinItsHandlerTimeoutIsRecordedAsWithoutOne() {
        CompletableFuture<Boolean> interruptedOnReturn = new CompletableFuture<>();
        CountDownLatch go = new CountDownLatch(1);
        HandlerTester sync = HandlerTester.of((assignment, context) -> {
            go.await();
            context.fulfil(Map.of("host", "r-7.db"));
            interruptedOnReturn.complete(Thread.currentThread().isInterrupted());
        }).handlerTimeout(WAIT).timeout(WAIT.multipliedBy(2));
        HandlerTester.Running running = sync.start(HandlerTester.assignment("r-7").build());
        go.countDown();

        assertThat(running.await().reports()).containsExactly(Report.accepted(), Report.fulfilled(Map.of("host", "r-7.db")));
        assertThat(interruptedOnReturn).isCompletedWithValue(false);

        CompletableFuture<Void> answer = new CompletableFuture<>();
        HandlerTester.Running async = HandlerTester.ofAsync((assignment, context) -> answer.thenRun(() -> context.fulfil(Map.of())))
                .handlerTimeout(WAIT).timeout(WAIT.multipliedBy(2)).start(HandlerTester.assignment("r-8").build());
        answer.complete(null);

        assertThat(async.await().reports()).containsExactly(Report.accepted(), Report.fulfilled(Map.of()));
    }

    @Test
    void aHandlerTimeoutTheSdkWouldRefuseIsRefusedWithTheSdksMessage() {
        HandlerTester tester = HandlerTester.of((assignment, context) -> context.fulfil(Map.of()));

        assertThatThrownBy(() -> tester.handlerTimeout(Duration.ZERO)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be greater than 0, but was PT0S");
        assertThatThrownBy(() -> tester.handlerTimeout(Duration.ofMillis(-1))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be greater than 0, but was PT-0.001S");
        assertThatThrownBy(() -> tester.handlerTimeout(null)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be greater than 0, but was null");
        assertThatThrownBy(() -> tester.handlerTimeout(Duration.ofDays(366))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be at most 365 days, but was PT8784H");
        assertThat(tester.handlerTimeout(Duration.ofDays(365))).isSameAs(tester);
    }

    @Test
    void aThrowingHandlerIsRecordedAsTheSdkWouldReportIt() {
        Recording run = HandlerTester.of((assignment, context) -> {
            throw new IllegalArgumentException("size 'huge' is not offered");
        }).autoAccept(false).run(HandlerTester.assignment("r-2").build());

        assertThat(run.reports()).containsExactly(Report.failed("size 'huge' is not offered", true));
        assertThat(run.thrownByHandler()).get().isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHandlersOwnFailureIsToldFromOneTheSdkMadeOfAnException() {
        Recording run = HandlerTester.of((assignment, context) -> context.fail("size 'huge' is not offered", true))
                .autoAccept(false).run(HandlerTester.assignment("r-3").build());

        assertThat(run.reports()).containsExactly(Report.failed("size 'huge' is not offered", true));
        assertThat(run.thrownByHandler()).isEmpty();
    }

    @Test
    void anAssertionFailingInsideTheHandlerFailsTheTest() {
        HandlerTester tester = HandlerTester.of((assignment, context) -> {
            throw new AssertionError("the fake database was never asked");
        });

        assertThatThrownBy(() -> tester.run(HandlerTester.assignment("r-4").build()))
                .isInstanceOf(AssertionError.class).hasMessage("the fake database was never asked");
    }

    @Test
    void anAsyncHandlerCanBeCancelledWhileItRuns() {
        CompletableFuture<Void> work = new CompletableFuture<>();
        AsyncAssignmentHandler handler = new AsyncAssignmentHandler() {
            @Override
            public CompletableFuture<Void> onAssignment(io.capmarket.sdk.Assignment assignment, FulfilmentContext context) {
                return work;
            }

            @Override
            public void onCancel(io.capmarket.sdk.Assignment assignment, FulfilmentContext context) {
                context.fail("cancelled, cleaned up", false);
                work.complete(null);
            }
        };

        HandlerTester.Running running = HandlerTester.ofAsync(handler).start(HandlerTester.assignment("r-3").attempt(2).build());
        assertThat(running.settled()).isFalse();
        Recording run = running.cancel().await();

        assertThat(run.cancelled()).isTrue();
        assertThat(run.kinds()).containsExactly(io.capmarket.schemas.FulfilmentKind.ACCEPTED,
                io.capmarket.schemas.FulfilmentKind.FAILED);
        assertThat(run.ref().attempt()).isEqualTo(2);
    }

    @Test
    void anUpdateAndADeprovisionRunThroughTheirMethodsWithTheirRevision() {
        java.util.List<String> calls = new java.util.ArrayList<>();
        HandlerTester tester = HandlerTester.of(new AssignmentHandler() {
            @Override
            public void onAssignment(Assignment assignment, FulfilmentContext context) {
                calls.add("provision");
                context.fulfil(Map.of());
            }

            @Override
            public void onUpdate(Assignment assignment, FulfilmentContext context) {
                calls.add("update " + assignment.changedParameters() + " from " + assignment.previousParameterMap().get("size"));
                context.progress("resizing");
                context.fulfil(Map.of("host", "r-1.db"));
            }

            @Override
            public void onDeprovision(Assignment assignment, FulfilmentContext context) {
                calls.add("deprovision");
                context.fulfil(Map.of());
            }
        });

        Recording updated = tester.run(HandlerTester.update("r-1").previousParameters("{\"size\": \"small\"}")
                .parameters("{\"size\": \"large\"}").build());
        Recording removed = tester.run(HandlerTester.deprovision("r-1").revision(2).attempt(3).build());

        assertThat(calls).containsExactly("update [size] from small", "deprovision");
        // never auto-accepted: nothing to accept in time for work that is never matched elsewhere
        assertThat(updated.reports()).containsExactly(Report.progress("resizing"), Report.fulfilled(Map.of("host", "r-1.db")));
        assertThat(updated.revision()).isEqualTo(1);
        assertThat(updated.ref()).isEqualTo(new AssignmentRef("r-1", 1, "test-offer", "test-capability", 1));
        assertThat(removed.reports()).containsExactly(Report.fulfilled(Map.of()));
        assertThat(removed.ref()).isEqualTo(new AssignmentRef("r-1", 3, "test-offer", "test-capability", 2));
    }

    @Test
    void aHandlerWithoutUpdateOrDeprovisionRejectsThemAsNotSupported() {
        HandlerTester tester = HandlerTester.of((assignment, context) -> context.fulfil(Map.of()));

        assertThat(tester.run(HandlerTester.update("r-1").build()).reports())
                .containsExactly(Report.rejected("update not supported by this producer"));
        assertThat(tester.run(HandlerTester.deprovision("r-1").build()).reports())
                .containsExactly(Report.rejected("deprovision not supported by this producer"));
    }

    @Test
    void anAssignmentBuiltWithAWrongRevisionIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HandlerTester.update("r-1").revision(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("revision of an UPDATE must be at least 1 (0 is the provisioning), but was 0");
    }
}
