package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.sdk.ProducerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handler's time bound and where its work is settled, through {@link HandlerRun} as the SDK runs it. */
class HandlerTimeoutsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    record Report(FulfilmentKind kind, String message, boolean retryable, boolean mustNotLose) {
    }

    private final List<Report> reports = new CopyOnWriteArrayList<>();
    /** Released to let a FAILED report through; held, it stands for Kafka slow to acknowledge. */
    private final CountDownLatch failedAcknowledged = new CountDownLatch(1);
    private volatile boolean holdFailed;
    /** Released to let a FULFILLED report through; {@link #fulfilSending} counts down as it starts. */
    private final CountDownLatch fulfilAcknowledged = new CountDownLatch(1);
    private final CountDownLatch fulfilSending = new CountDownLatch(1);
    private volatile boolean holdFulfilled;
    private volatile boolean interruptedWhileSending;
    private final ReportSink sink = (ref, kind, message, outputs, retryable, mustNotLose) -> {
        if (kind == FulfilmentKind.FULFILLED && holdFulfilled) {
            fulfilSending.countDown();
            try {
                fulfilAcknowledged.await();
            } catch (InterruptedException e) {
                interruptedWhileSending = true; // a real send would fail here, after its record was handed to Kafka
                Thread.currentThread().interrupt();
            }
        }
        if (kind == FulfilmentKind.FAILED && holdFailed) {
            try {
                failedAcknowledged.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reports.add(new Report(kind, message, retryable, mustNotLose));
    };
    private final List<String> timedOut = new CopyOnWriteArrayList<>();
    private final ProducerListener listener = new ProducerListener() {
        @Override
        public void handlerTimedOut(Assignment assignment, Duration timeout) {
            timedOut.add(assignment.requestId() + " after " + timeout);
        }
    };
    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final Assignment assignment = new Assignment("r1", "pg-eu", "postgres-database", 1, "app-team", 2, "{}",
            clock.instant(), clock.instant().plusSeconds(30), Duration.ofMinutes(10));
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final HandlerTimeouts timeouts = HandlerTimeouts.withTimer(TIMEOUT, "handler-timeout-test");

    @AfterEach
    void stop() {
        failedAcknowledged.countDown();
        fulfilAcknowledged.countDown();
        timeouts.close();
        workers.shutdownNow();
    }

    /** Waits for {@code release} as code that cannot be interrupted does, and keeps the interrupt for its caller. */
    private static void awaitThroughInterrupts(CountDownLatch release) {
        boolean interrupted = false;
        while (true) {
            try {
                if (release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aHandlerSendingItsOutcomeWhenItsTimeIsUpIsNotCutOffAndNoFailureFollowsIt() throws Exception {
        holdFulfilled = true;
        CompletableFuture<Void> settled = run(HandlerRun.async((a, c) -> c.fulfil(Map.of("host", "db-1"))), timeouts);
        assertThat(fulfilSending.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        await().atMost(WAIT).until(() -> !timedOut.isEmpty()); // the time is up while the report awaits its acknowledgement
        fulfilAcknowledged.countDown();
        settled.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(interruptedWhileSending).as("the report's send was not cut off").isFalse();
        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
    }

    @Test
    void aHandlerCannotHandOffWorkTheSdkAlreadyReportedAsFailed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Throwable> handOff = new CompletableFuture<>();
        AssignmentHandler late = (a, c) -> {
            awaitThroughInterrupts(release);
            try {
                c.handOff();
                handOff.complete(null);
            } catch (IllegalStateException e) {
                handOff.complete(e);
            }
        };

        run(HandlerRun.async(late), timeouts).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        release.countDown();

        assertThat(handOff.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the SDK already reported it as failed");
        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FAILED);
    }

    /** Runs the handler on a worker thread, as the SDK does, and returns what completes once the work is settled. */
    private CompletableFuture<Void> run(AsyncAssignmentHandler handler, HandlerTimeouts bound) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        workers.execute(() -> HandlerRun.run(handler, new ReportingContext(assignment, sink), true, clock, listener, bound, workers,
                HandlerRun.completing(settled)));
        return settled;
    }

    @Test
    void aSynchronousHandlerStillRunningWhenTheTimeIsUpIsInterruptedAndItsWorkFailsRetryably() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        AssignmentHandler hanging = (a, c) -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        };
        run(HandlerRun.async(hanging), timeouts).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        // the work is settled by the timer, which interrupts the handler's thread as it does: the handler may see it a moment later
        await().atMost(WAIT).untilTrue(interrupted);
        assertThat(reports).containsExactly(new Report(FulfilmentKind.ACCEPTED, null, false, false),
                new Report(FulfilmentKind.FAILED, "handler did not finish within handlerTimeout 300ms; its thread was interrupted "
                        + "and its slot freed", true, true));
        assertThat(timedOut).containsExactly("r1 after PT0.3S");
    }

    @Test
    void aHandlerIsInterruptedEvenWhenItsWorkIsSettledTheMomentTheTimeIsUp() throws Exception {
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        AssignmentHandler hanging = (a, c) -> {
            try {
                new CountDownLatch(1).await(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
                throw e;
            }
        };
        // settled on the thread that completes the outcome, the timer's: as fast as a worker could ever settle it
        workers.execute(() -> HandlerRun.run(HandlerRun.async(hanging), new ReportingContext(assignment, sink), true, clock, listener,
                timeouts, Runnable::run, error -> { }));

        assertThat(interrupted.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the handler's thread was interrupted").isTrue();
        await().atMost(WAIT).until(() -> reports.size() >= 2);
        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FAILED);
    }

    @Test
    void handlerThreadsIgnoringTheirInterruptAreCountedAsStuckAndAtTheBoundTheProcessTakesNoNewWork() throws Exception {
        List<Integer> told = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (HandlerTimeouts counting = HandlerTimeouts.withTimer(TIMEOUT, "handler-timeout-stuck-test", told::add)) {
            List<CompletableFuture<Void>> settled = new ArrayList<>();
            for (int i = 0; i < HandlerTimeouts.MAX_STUCK_HANDLERS - 1; i++) {
                settled.add(run(HandlerRun.async((a, c) -> awaitThroughInterrupts(release)), counting));
            }
            await().atMost(WAIT).until(() -> counting.stuck() == HandlerTimeouts.MAX_STUCK_HANDLERS - 1);
            assertThat(counting.overStuckBound()).isFalse();

            settled.add(run(HandlerRun.async((a, c) -> awaitThroughInterrupts(release)), counting));
            await().atMost(WAIT).until(counting::overStuckBound);
            for (CompletableFuture<Void> each : settled) {
                each.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // each work is settled (failed) while its thread is stuck
            }

            release.countDown();
            await().atMost(WAIT).until(() -> counting.stuck() == 0);
            assertThat(counting.overStuckBound()).isFalse();
            // told at each change, each count as it was made: 1 to the bound counted in, the bound less one to 0 counted out
            // (threads tell them in whatever order they are scheduled)
            int bound = HandlerTimeouts.MAX_STUCK_HANDLERS;
            await().atMost(WAIT).until(() -> told.size() == 2 * bound);
            assertThat(told).containsExactlyInAnyOrderElementsOf(
                    IntStream.concat(IntStream.rangeClosed(1, bound), IntStream.range(0, bound)).boxed().toList());
        }
    }

    @Test
    void aHandlerStoppingWhenInterruptedIsStuckAMomentOnly() throws Exception {
        List<Integer> told = new CopyOnWriteArrayList<>();
        try (HandlerTimeouts counting = HandlerTimeouts.withTimer(TIMEOUT, "handler-timeout-stuck-test", told::add)) {
            run(HandlerRun.async((a, c) -> new CountDownLatch(1).await()), counting).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            await().atMost(WAIT).until(() -> told.size() == 2);
            assertThat(told).containsExactly(1, 0);
            assertThat(counting.stuck()).isZero();
        }
    }

    @Test
    void anAsynchronousHandlersStageNotCompleteWhenTheTimeIsUpIsCancelledAndItsWorkFailsRetryably() throws Exception {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        AsyncAssignmentHandler never = (a, c) -> stage;

        run(never, timeouts).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        await().atMost(WAIT).until(stage::isCancelled);
        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FAILED);
        assertThat(reports.get(1).message()).isEqualTo("handler did not finish within handlerTimeout 300ms; the stage it returned "
                + "was cancelled and its slot freed");
        assertThat(reports.get(1).retryable()).isTrue();
        assertThat(timedOut).containsExactly("r1 after PT0.3S");
    }

    @Test
    void whatAHandlerReportsAfterItTimedOutIsDroppedAndItsWorkerThreadIsNotLeftInterrupted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AssignmentHandler stubborn = (a, c) -> {
            awaitThroughInterrupts(release);
            c.fulfil(Map.of("host", "late"));
        };
        AsyncAssignmentHandler watched = HandlerRun.async(stubborn);
        CompletableFuture<Void> settled = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        workers.execute(() -> {
            HandlerRun.run(watched, new ReportingContext(assignment, sink), true, clock, listener, timeouts, workers,
                    error -> settled.complete(null));
            // what the worker runs after the handler's method returned, in the same task (the SDK's own bookkeeping)
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });

        settled.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        release.countDown();

        assertThat(interruptedAfter.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .as("the interrupt was the handler's, not the worker's").isFalse();
        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FAILED);
    }

    @Test
    void aHandlerFinishingInTimeIsNotTimedOut() throws Exception {
        run(HandlerRun.async((a, c) -> c.fulfil(Map.of())), timeouts).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
        assertThat(timedOut).isEmpty();
    }

    @Test
    void anAsyncFailureIsReportedWithoutHoldingUpTheThreadThatCompletesTheStage() throws Exception {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        CompletableFuture<Void> settled = run((a, c) -> stage, HandlerTimeouts.NONE);
        await().atMost(WAIT).until(() -> stage.getNumberOfDependents() > 0); // the SDK waits on the stage the handler returned
        holdFailed = true;

        Thread completer = new Thread(() -> stage.completeExceptionally(new IllegalStateException("cloud API said no")), "completer");
        completer.start();

        // the completing thread is free while the failure report still waits for its acknowledgement
        await().atMost(WAIT).until(() -> !completer.isAlive());
        assertThat(settled).isNotDone();
        failedAcknowledged.countDown();
        settled.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(reports).containsExactly(new Report(FulfilmentKind.ACCEPTED, null, false, false),
                new Report(FulfilmentKind.FAILED, "cloud API said no", true, true));
    }
}
