package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.FulfilmentContext;
import java.util.Map;

/** The context of one running assignment: reports through a sink and remembers what was reported. Thread-safe. */
public final class ReportingContext implements FulfilmentContext {

    private final Assignment assignment;
    private final ReportSink sink;
    private volatile boolean accepted;
    private volatile boolean settled;
    private volatile boolean handedOff;
    private volatile boolean cancelled;

    public ReportingContext(Assignment assignment, ReportSink sink) {
        this.assignment = assignment;
        this.sink = sink;
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
        sink.report(ref(), FulfilmentKind.ACCEPTED, null, Map.of(), false, false);
        accepted = true;
    }

    @Override
    public synchronized void reject(String reason) {
        RefReporter.requireText("reason", reason);
        if (accepted) {
            // REJECTED applies only before acceptance; a retryable failure gives the work back just the same
            sink.report(ref(), FulfilmentKind.FAILED, "rejected after acceptance: " + reason, Map.of(), true, false);
        } else {
            sink.report(ref(), FulfilmentKind.REJECTED, reason, Map.of(), false, false);
        }
        settled = true;
    }

    @Override
    public synchronized void progress(String message) {
        sink.report(ref(), FulfilmentKind.PROGRESS, RefReporter.requireText("message", message), Map.of(), false, false);
        accepted = true;
    }

    @Override
    public synchronized void fulfil(Map<String, String> outputs) {
        sink.report(ref(), FulfilmentKind.FULFILLED, null, RefReporter.requireOutputs(outputs), false, false);
        settled = true;
    }

    @Override
    public synchronized void fail(String message, boolean retryable) {
        sink.report(ref(), FulfilmentKind.FAILED, RefReporter.requireText("message", message), Map.of(), retryable, false);
        settled = true;
    }

    /** The SDK's own settlement: a retryable failure that must not be lost. */
    synchronized void failForSdk(String message) {
        sink.report(ref(), FulfilmentKind.FAILED, message, Map.of(), true, true);
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

    @Override
    public AssignmentRef handOff() {
        handedOff = true;
        return ref();
    }

    /** Whether the handler handed the work off. */
    public boolean handedOff() {
        return handedOff;
    }
}
