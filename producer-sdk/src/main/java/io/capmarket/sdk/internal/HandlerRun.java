package io.capmarket.sdk.internal;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.ProducerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a handler on one assignment and settles it, without Kafka: accept first (when auto-accept is
 * on and the assignment is a FULFIL), call the handler's method for the assignment's action
 * ({@code onAssignment}, {@code onUpdate} or {@code onDeprovision}), and when it returns or its
 * stage completes, report a retryable failure if it threw or left no outcome, or did neither within
 * its {@link HandlerTimeouts time bound}. The test kit runs
 * handlers through this very class, so a handler's unit test sees what production does.
 */
public final class HandlerRun {

    /** The failure message when a handler returns without an outcome and without handing off. */
    public static final String NO_OUTCOME = "handler returned without reporting an outcome (fulfil, fail or reject)";

    private static final Logger LOG = LoggerFactory.getLogger(HandlerRun.class);

    private HandlerRun() {
    }

    /** A synchronous handler as an asynchronous one (runs on the calling thread). */
    public static AsyncAssignmentHandler async(AssignmentHandler handler) {
        return new AsyncAssignmentHandler() {
            @Override
            public CompletionStage<?> onAssignment(Assignment assignment, io.capmarket.sdk.FulfilmentContext context) {
                return call(() -> handler.onAssignment(assignment, context));
            }

            @Override
            public CompletionStage<?> onUpdate(Assignment assignment, io.capmarket.sdk.FulfilmentContext context) {
                return call(() -> handler.onUpdate(assignment, context));
            }

            @Override
            public CompletionStage<?> onDeprovision(Assignment assignment, io.capmarket.sdk.FulfilmentContext context) {
                return call(() -> handler.onDeprovision(assignment, context));
            }

            @Override
            public void onCancel(Assignment assignment, io.capmarket.sdk.FulfilmentContext context) {
                handler.onCancel(assignment, context);
            }
        };
    }

    /** A handler method's work. */
    private interface Work {
        void run() throws Exception;
    }

    private static CompletionStage<?> call(Work work) {
        try {
            work.run();
            return CompletableFuture.completedFuture(null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs and settles on the thread that completes the handler's stage, without a time bound (a
     * test's run, which bounds itself). The returned future completes once the assignment is
     * settled (its outcome durable, or handed off); exceptionally when even the settlement could not be published.
     */
    public static CompletableFuture<Void> run(AsyncAssignmentHandler handler, ReportingContext context, boolean autoAccept,
            Clock clock, ProducerListener listener) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        run(handler, context, autoAccept, clock, listener, HandlerTimeouts.NONE, Runnable::run, completing(settled));
        return settled;
    }

    /** What tells {@code settled} that the assignment is settled: completes it, or with the settlement's error. */
    public static Consumer<Throwable> completing(CompletableFuture<Void> settled) {
        return error -> {
            if (error == null) {
                settled.complete(null);
            } else {
                settled.completeExceptionally(error);
            }
        };
    }

    /**
     * Runs under {@code timeouts} and settles on {@code settler}, never on the thread that completes
     * the handler's stage (the handler's own thread, or the timer's), which a settlement publishing
     * and awaiting its report would hold up. {@code whenSettled} is told once the assignment is settled,
     * with null or the error that kept its settlement from being published, even while the method of a
     * handler that timed out has not returned (and this call with it).
     */
    public static void run(AsyncAssignmentHandler handler, ReportingContext context, boolean autoAccept, Clock clock,
            ProducerListener listener, HandlerTimeouts timeouts, Executor settler, Consumer<Throwable> whenSettled) {
        Assignment assignment = context.assignment();
        Instant start = clock.instant();
        HandlerTimeouts.Watch watch = timeouts.watch(settler, context::interruptForTimeout);
        watch.outcome().handleAsync((ignored, error) -> {
            Throwable cause = unwrap(error);
            safely(() -> listener.handlerCompleted(assignment, Duration.between(start, clock.instant()), cause));
            if (cause instanceof HandlerTimeouts.TimedOut timedOut) {
                safely(() -> listener.handlerTimedOut(assignment, timedOut.timeout()));
            }
            settle(context, cause);
            return (Void) null;
        }, settler).whenComplete((ignored, error) -> whenSettled.accept(error));
        CompletionStage<?> stage;
        watch.calling();
        try {
            if (autoAccept && assignment.action() == AssignmentAction.FULFIL) {
                context.accept();
            }
            stage = switch (assignment.action()) {
                case UPDATE -> handler.onUpdate(assignment, context);
                case DEPROVISION -> handler.onDeprovision(assignment, context);
                case FULFIL -> handler.onAssignment(assignment, context);
                case CANCEL -> throw new IllegalArgumentException("a CANCEL is no work to run; it goes to onCancel of the running work");
            };
            if (stage == null) {
                stage = CompletableFuture.completedFuture(null);
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        watch.returned(stage);
    }

    private static void settle(ReportingContext context, Throwable error) {
        String request = context.requestId() + " (attempt " + context.attempt() + ", revision " + context.revision() + ")";
        if (error instanceof HandlerTimeouts.TimedOut) {
            LOG.warn("handler for request {} timed out: {}", request, error.getMessage());
        }
        if (context.settled() || context.handedOff()) {
            if (error != null && !(error instanceof HandlerTimeouts.TimedOut)) {
                LOG.warn("handler for request {} threw after reporting its outcome: {}", request, error.toString());
            }
            return;
        }
        if (context.cancelled()) {
            // the marketplace took the work back: a failure reported now would be on an attempt no longer held
            LOG.info("handler for request {} stopped after its cancellation{}", request, error == null ? "" : ": " + error);
            context.settleCancelled();
            return;
        }
        if (error instanceof HandlerTimeouts.TimedOut) {
            context.failForSdk(error.getMessage());
        } else if (error != null) {
            LOG.warn("handler for request {} failed; reporting a retryable failure", request, error);
            context.failForSdk(message(error));
        } else {
            LOG.warn("handler for request {} returned without an outcome; reporting a retryable failure", request);
            context.failForSdk(NO_OUTCOME);
        }
    }

    private static String message(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("producer listener threw; ignored", e);
        }
    }
}
