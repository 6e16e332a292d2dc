package io.capmarket.sdk.testkit;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.internal.HandlerRun;
import io.capmarket.sdk.internal.HandlerTimeouts;
import io.capmarket.sdk.internal.ProgressThrottle;
import io.capmarket.sdk.internal.ReportingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Unit-tests an {@link AssignmentHandler} without Kafka: feed it an assignment, get back every
 * report it made, in order. The handler runs exactly as in production — the same code accepts
 * first (auto-accept, on by default as in the SDK), turns an exception or a missing outcome into
 * a retryable failure, and turns a rejection after acceptance into a retryable failure.
 *
 * <pre>{@code
 * HandlerTester tester = HandlerTester.of(new PostgresHandler(fakeProvisioner));
 *
 * Recording run = tester.run(HandlerTester.assignment("r-1").parameters("{\"size\": \"small\"}").build());
 *
 * assertThat(run.reports()).containsExactly(
 *         Report.accepted(),
 *         Report.progress("database created"),
 *         Report.fulfilled(Map.of("host", "r-1.db.internal")));
 * }</pre>
 *
 * <p>Updates and deprovisions of a fulfilled resource go through the same {@link #run}: build them
 * with {@link #update} and {@link #deprovision}, and the handler's {@code onUpdate} or
 * {@code onDeprovision} runs (never auto-accepted, as in the SDK); the recording's
 * {@link Recording#revision()} is the revision every report carries.
 *
 * <pre>{@code
 * Recording resized = tester.run(HandlerTester.update("r-1").revision(1)
 *         .previousParameters("{\"size\": \"small\"}").parameters("{\"size\": \"large\"}").build());
 *
 * assertThat(resized.reports()).containsExactly(Report.fulfilled(Map.of()));
 * assertThat(resized.revision()).isEqualTo(1);
 * }</pre>
 *
 * <p>Asynchronous handlers: {@link #start} returns a {@link Running} assignment to cancel or await.
 * Not thread-safe; one tester per test.
 *
 * <p>As in the SDK, a synchronous handler runs on a thread of its own, so that one that never
 * returns fails {@link #run} after the {@link #timeout} instead of hanging the test, and its
 * PROGRESS reports are throttled to one per {@link #progressInterval} (1 s, the SDK's default): one
 * that comes sooner is held, and dropped when the final report comes first. A handler that reports
 * progress in a quick loop is therefore recorded with its first progress only, as the marketplace
 * would see it; {@code progressInterval(Duration.ZERO)} records every one.
 *
 * <p>Two bounds on time, kept apart. {@link #timeout} (30 s) is the test's own: a handler that has
 * not settled by then fails the test, and nothing is reported for it. {@link #handlerTimeout} is the
 * SDK's ({@code CapmarketProducerBuilder#handlerTimeout}), unset unless asked for: then the SDK's own
 * timer bounds the handler, and one still running when it has passed has its thread interrupted (or its
 * stage cancelled) and is recorded as the marketplace would see it, a retryable FAILED naming the bound.
 *
 * <pre>{@code
 * Recording run = HandlerTester.of(new PostgresHandler(hangingProvisioner)).handlerTimeout(Duration.ofMillis(200))
 *         .run(HandlerTester.assignment("r-1").build());
 *
 * assertThat(run.reports()).containsExactly(Report.accepted(), Report.failed(
 *         "handler did not finish within handlerTimeout 200ms; its thread was interrupted and its slot freed", true));
 * }</pre>
 */
public final class HandlerTester {

    /** The instant of the default clock and of assignments built here. */
    public static final Instant NOW = Instant.parse("2025-01-01T09:00:00Z");

    private final AsyncAssignmentHandler handler;
    private final boolean synchronous;
    private boolean autoAccept = true;
    private Duration progressInterval = CapmarketProducer.DEFAULT_PROGRESS_INTERVAL;
    private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private Duration timeout = Duration.ofSeconds(30);
    /** The SDK's bound on the handler's time, or null for none. */
    private Duration handlerTimeout;

    private HandlerTester(AsyncAssignmentHandler handler, boolean synchronous) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.synchronous = synchronous;
    }

    /** A tester for a synchronous handler. */
    public static HandlerTester of(AssignmentHandler handler) {
        return new HandlerTester(HandlerRun.async(Objects.requireNonNull(handler, "handler")), true);
    }

    /** A tester for an asynchronous handler. */
    public static HandlerTester ofAsync(AsyncAssignmentHandler handler) {
        return new HandlerTester(handler, false);
    }

    /** Whether the SDK accepts before calling the handler, as {@code CapmarketProducerBuilder#autoAccept}; default true. */
    public HandlerTester autoAccept(boolean autoAccept) {
        this.autoAccept = autoAccept;
        return this;
    }

    /**
     * The clock the SDK times the handler's run on, as it does for a {@code ProducerListener}
     * (handlers are given no clock); default fixed at {@link #NOW}.
     */
    public HandlerTester clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * The least time between two PROGRESS reports of one assignment, as
     * {@code CapmarketProducerBuilder#progressInterval}; default 1 s, zero records every one.
     */
    public HandlerTester progressInterval(Duration progressInterval) {
        if (progressInterval == null || progressInterval.isNegative()) {
            throw new IllegalArgumentException("progressInterval must be 0 or more, but was " + progressInterval);
        }
        this.progressInterval = progressInterval;
        return this;
    }

    /**
     * How long {@link #run} and {@link Running#await()} wait for a handler to settle before they fail
     * the test, default 30 s: the test's own bound, so that a handler that never settles fails the test
     * instead of hanging it. Nothing is reported when it passes, and the handler is left running; to see
     * what the SDK does when a handler's time is up, set {@link #handlerTimeout} (shorter than this).
     */
    public HandlerTester timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Bounds the handler's time as {@code CapmarketProducerBuilder#handlerTimeout} does, with the SDK's
     * own timer: when it has passed, the thread still in a synchronous handler's method is interrupted
     * (or an asynchronous handler's stage cancelled) and the work is recorded as the SDK reports it,
     * {@code FAILED(retryable)} naming the bound, unless the handler had reported its outcome; what the
     * handler reports after it is dropped. Greater than 0 and at most 365 days, as in the SDK. Unset by
     * default: the SDK's default of 1 h could never pass within the test's {@link #timeout}.
     *
     * @throws io.capmarket.sdk.InvalidConfigurationException as the builder's, naming {@code handlerTimeout},
     *     the value and the rule
     */
    public HandlerTester handlerTimeout(Duration handlerTimeout) {
        this.handlerTimeout = HandlerTimeouts.requireValid(handlerTimeout);
        return this;
    }

    /** Starts an assignment like the one the marketplace sends: offer {@code test-offer}, capability {@code test-capability}, attempt 1. */
    public static AssignmentBuilder assignment(String requestId) {
        return new AssignmentBuilder(requestId, AssignmentAction.FULFIL, 0);
    }

    /**
     * Starts an UPDATE of the resource fulfilled for {@code requestId}, as {@link #assignment} with
     * revision 1 and previous parameters {@code {}}: set the parameters asked for and those it has now.
     */
    public static AssignmentBuilder update(String requestId) {
        return new AssignmentBuilder(requestId, AssignmentAction.UPDATE, 1).previousParameters("{}");
    }

    /** Starts a DEPROVISION of the resource fulfilled for {@code requestId}, as {@link #assignment} with revision 1. */
    public static AssignmentBuilder deprovision(String requestId) {
        return new AssignmentBuilder(requestId, AssignmentAction.DEPROVISION, 1);
    }

    /** Runs the handler's method for the assignment's action on it and waits until it is settled. */
    public Recording run(Assignment assignment) {
        return start(assignment).await();
    }

    /**
     * Starts the handler on an assignment without waiting for the outcome: an asynchronous handler on
     * this thread until it returns its stage, a synchronous one on a thread of its own.
     */
    public Running start(Assignment assignment) {
        List<Report> reports = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        // the SDK turns what the handler throws into a retryable FAILED; the test is told what it was
        ProducerListener listener = new ProducerListener() {
            @Override
            public void handlerCompleted(Assignment completed, Duration took, Throwable error) {
                if (!(error instanceof HandlerTimeouts.TimedOut)) { // the SDK's, not the handler's: the FAILED names it
                    thrown.set(error);
                }
            }
        };
        ProgressThrottle throttle = ProgressThrottle.withTimer((ref, kind, message, outputs, retryable, mustNotLose) ->
                reports.add(new Report(kind, message, outputs, retryable)), progressInterval, clock, listener, "handler-tester-progress");
        ReportingContext context = new ReportingContext(assignment, throttle);
        HandlerTimeouts timeouts = handlerTimeout == null ? HandlerTimeouts.NONE
                : HandlerTimeouts.withTimer(handlerTimeout, "handler-tester-timeout-" + assignment.requestId());
        // under a bound the timer may complete the work's outcome: it is settled on a thread of its own, as the SDK
        // settles on a worker, never on the timer's, whose run closes with the tester's run. Unbounded, settling on the
        // thread that completes the stage records the same (recording never waits for Kafka) and is done once that
        // call returns
        Executor settler = handlerTimeout == null ? Runnable::run : task -> {
            Thread thread = new Thread(task, "handler-tester-settle-" + assignment.requestId());
            thread.setDaemon(true);
            thread.start();
        };
        CompletableFuture<Void> settled = new CompletableFuture<>();
        settled.whenComplete((ignored, error) -> {
            throttle.close();
            timeouts.close();
        });
        Runnable work = () -> HandlerRun.run(handler, context, autoAccept, clock, listener, timeouts, settler,
                HandlerRun.completing(settled));
        if (synchronous) {
            Thread worker = new Thread(() -> {
                try {
                    work.run();
                } catch (RuntimeException | Error e) {
                    settled.completeExceptionally(e);
                }
            }, "handler-tester-" + assignment.requestId());
            worker.setDaemon(true); // a handler that never returns does not keep the test's JVM alive
            worker.start();
        } else {
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                settled.completeExceptionally(e); // stops the timers; the test is told at once
                throw e;
            }
        }
        return new Running(context, reports, settled, thrown);
    }

    /** An assignment being worked on by an asynchronous handler. */
    public final class Running {

        private final ReportingContext context;
        private final List<Report> reports;
        private final CompletableFuture<Void> settled;
        private final AtomicReference<Throwable> thrown;

        private Running(ReportingContext context, List<Report> reports, CompletableFuture<Void> settled,
                AtomicReference<Throwable> thrown) {
            this.context = context;
            this.reports = reports;
            this.settled = settled;
            this.thrown = thrown;
        }

        /** Cancels the assignment as the marketplace would: marks the context cancelled and calls the handler's {@code onCancel}. */
        public Running cancel() {
            context.markCancelled();
            handler.onCancel(context.assignment(), context);
            return this;
        }

        /**
         * Whether the assignment is settled. Under a {@link HandlerTester#handlerTimeout}, the work is settled on a
         * thread of the tester's own, as the SDK settles it on a worker: a moment after the stage completes.
         */
        public boolean settled() {
            return settled.isDone();
        }

        /** The reports so far. */
        public Recording recording() {
            return new Recording(context.ref(), List.copyOf(reports), context.handedOff(), context.cancelled(), thrown.get());
        }

        /**
         * Waits until the assignment is settled and returns what happened. An {@link Error} the
         * handler threw (a failed assertion of the test's own, in a fake the handler called) is
         * thrown again here, after the SDK reported it as a retryable failure, so that the test fails.
         */
        public Recording await() {
            try {
                settled.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the handler did not settle assignment " + context.requestId() + " within " + timeout
                        + "; reports so far: " + reports, e);
            } catch (ExecutionException e) {
                throw new AssertionError("settling assignment " + context.requestId() + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            Recording recording = recording();
            if (recording.thrown() instanceof Error error) {
                throw error;
            }
            return recording;
        }
    }

    /** Builds an assignment with test defaults. */
    public static final class AssignmentBuilder {

        private final String requestId;
        private final AssignmentAction action;
        private int revision;
        private String previousParameters;
        private String offerId = "test-offer";
        private String capability = "test-capability";
        private int capabilityVersion = 1;
        private String consumerTeam = "test-team";
        private int attempt = 1;
        private String parameters = "{}";
        private Duration leadTimeSlo = Duration.ofMinutes(10);

        private AssignmentBuilder(String requestId, AssignmentAction action, int revision) {
            this.requestId = requestId;
            this.action = action;
            this.revision = revision;
        }

        public AssignmentBuilder offerId(String offerId) {
            this.offerId = offerId;
            return this;
        }

        public AssignmentBuilder capability(String capability) {
            this.capability = capability;
            return this;
        }

        public AssignmentBuilder capabilityVersion(int capabilityVersion) {
            this.capabilityVersion = capabilityVersion;
            return this;
        }

        public AssignmentBuilder consumerTeam(String consumerTeam) {
            this.consumerTeam = consumerTeam;
            return this;
        }

        public AssignmentBuilder attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        /** The parameters as a JSON object. */
        public AssignmentBuilder parameters(String parameters) {
            this.parameters = parameters;
            return this;
        }

        public AssignmentBuilder leadTimeSlo(Duration leadTimeSlo) {
            this.leadTimeSlo = leadTimeSlo;
            return this;
        }

        /** The operation on the resource: 0 for a FULFIL (the default), from 1 (the default) for an update or deprovision. */
        public AssignmentBuilder revision(int revision) {
            this.revision = revision;
            return this;
        }

        /** For an update: the parameters the resource has now, as a JSON object. */
        public AssignmentBuilder previousParameters(String previousParameters) {
            this.previousParameters = previousParameters;
            return this;
        }

        /** @throws IllegalArgumentException when the values break the rules of {@link Assignment} */
        public Assignment build() {
            return new Assignment(requestId, offerId, capability, capabilityVersion, consumerTeam, attempt, parameters, NOW,
                    NOW.plusSeconds(30), leadTimeSlo, action, revision, previousParameters);
        }
    }
}
