package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.FulfilmentContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context of one running assignment: reports through a sink and remembers what was reported. Thread-safe. */
public final class ReportingContext implements FulfilmentContext {

    private static final Logger LOG = LoggerFactory.getLogger(ReportingContext.class);

    private final Assignment assignment;
    private final ReportSink sink;
    private volatile boolean accepted;
    private volatile boolean settled;
    private volatile boolean handedOff;
    private volatile boolean cancelled;
    private volatile Context trace;
    private volatile boolean failedBySdk;

    public ReportingContext(Assignment assignment, ReportSink sink) {
        this.assignment = assignment;
        this.sink = sink;
    }

    /** Reports from now on are published in {@code trace} (the handler's span), whichever thread makes them. */
    public void traceWith(Context trace) {
        this.trace = trace;
    }

    private void send(AssignmentRef ref, FulfilmentKind kind, String message, Map<String, String> outputs, boolean retryable,
            boolean mustNotLose) {
        Context current = trace;
        if (current == null) {
            sink.report(ref, kind, message, outputs, retryable, mustNotLose);
            return;
        }
        try (Scope ignored = current.makeCurrent()) {
            sink.report(ref, kind, message, outputs, retryable, mustNotLose);
        }
    }

    @Override
    public Assignment assignment() {
        return assignment;
    }

    @Override
    public AssignmentRef ref() {
        return assignment.ref();
    }

    @Override
    public synchronized void accept() {
        if (accepted) {
            return; // the marketplace would record a second ACCEPTED as out of order
        }
        send(ref(), FulfilmentKind.ACCEPTED, null, Map.of(), false, false);
        accepted = true;
    }

    @Override
    public synchronized void reject(String reason) {
        RefReporter.requireText("reason", reason);
        if (afterSdkFailure(FulfilmentKind.REJECTED)) {
            return;
        }
        if (accepted && !assignment.isOperation()) {
            // REJECTED applies only before acceptance; a retryable failure gives the work back just the same.
            // An update or deprovision is never matched elsewhere: its rejection applies whenever it comes
            send(ref(), FulfilmentKind.FAILED, "rejected after acceptance: " + reason, Map.of(), true, false);
        } else {
            send(ref(), FulfilmentKind.REJECTED, reason, Map.of(), false, false);
        }
        settled = true;
    }

    @Override
    public synchronized void progress(String message) {
        if (afterSdkFailure(FulfilmentKind.PROGRESS)) {
            return;
        }
        send(ref(), FulfilmentKind.PROGRESS, RefReporter.requireText("message", message), Map.of(), false, false);
        accepted = true;
    }

    @Override
    public synchronized void fulfil(Map<String, String> outputs) {
        if (afterSdkFailure(FulfilmentKind.FULFILLED)) {
            return;
        }
        send(ref(), FulfilmentKind.FULFILLED, null, RefReporter.requireOutputs(outputs), false, false);
        settled = true;
    }

    @Override
    public synchronized void fail(String message, boolean retryable) {
        if (afterSdkFailure(FulfilmentKind.FAILED)) {
            return;
        }
        send(ref(), FulfilmentKind.FAILED, RefReporter.requireText("message", message), Map.of(), retryable, false);
        settled = true;
    }

    /**
     * The SDK's own settlement: a retryable failure that must not be lost, unless the handler's own
     * outcome came first (a handler that timed out may still be reporting while it is interrupted).
     * Reports the handler makes after it are dropped: they would contradict the failure.
     */
    synchronized void failForSdk(String message) {
        if (settled || handedOff) {
            return;
        }
        send(ref(), FulfilmentKind.FAILED, message, Map.of(), true, true);
        settled = true;
        failedBySdk = true;
    }

    /** Whether a report of the handler's comes after the SDK's own failure, and is dropped: logged, with what it would have been. */
    private boolean afterSdkFailure(FulfilmentKind kind) {
        if (failedBySdk) {
            LOG.warn("{} of request {} (attempt {}) dropped: the SDK already reported the work as failed", kind,
                    assignment.requestId(), assignment.attempt());
        }
        return failedBySdk;
    }

    /** The work was cancelled and the handler stopped without an outcome: settled, with nothing to report. */
    synchronized void settleCancelled() {
        settled = true;
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    /** The marketplace cancelled the assignment. */
    public void markCancelled() {
        cancelled = true;
    }

    @Override
    public boolean settled() {
        return settled;
    }

    /** Whether ACCEPTED (or PROGRESS) was reported. */
    public boolean accepted() {
        return accepted;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when the SDK already reported the work as failed (its handler
     *     timed out): the work is no longer this handler's to hand off
     */
    @Override
    public synchronized AssignmentRef handOff() {
        if (failedBySdk) {
            throw new IllegalStateException("request " + assignment.requestId() + " (attempt " + assignment.attempt()
                    + ") cannot be handed off: the SDK already reported it as failed, its handler having timed out");
        }
        handedOff = true;
        return ref();
    }

    /**
     * Interrupts {@code handler}, the thread still inside the handler's method when its time bound
     * passed, unless the handler reported its outcome: taking this lock, it waits for a report being
     * sent, which an interrupt would cut off after the record was handed to Kafka (the handler would
     * see a failure of a report the marketplace applies). The SDK's own failure, which may be
     * settled before this runs, is no outcome of the handler's: the handler is interrupted after it.
     */
    synchronized void interruptForTimeout(Thread handler) {
        if (!settled || failedBySdk) {
            handler.interrupt();
        }
    }

    /** Whether the handler handed the work off. */
    public boolean handedOff() {
        return handedOff;
    }
}
