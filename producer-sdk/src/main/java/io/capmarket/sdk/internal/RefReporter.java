package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.FulfilmentReporter;
import java.util.Map;
import java.util.Objects;

/** A reporter for an assignment known only by its reference (reporting later, from any process). */
public final class RefReporter implements FulfilmentReporter {

    private final AssignmentRef ref;
    private final ReportSink sink;

    public RefReporter(AssignmentRef ref, ReportSink sink) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.sink = sink;
    }

    @Override
    public AssignmentRef ref() {
        return ref;
    }

    @Override
    public void accept() {
        sink.report(ref, FulfilmentKind.ACCEPTED, null, Map.of(), false, false);
    }

    /**
     * A reporter by reference does not know whether the work was accepted (the SDK's auto-accept
     * usually has): a provisioning's rejection is published as a retryable failure, which the
     * marketplace applies before and after acceptance alike (a REJECTED after acceptance would be
     * recorded as out of order and change nothing); an update's or deprovision's as REJECTED.
     */
    @Override
    public void reject(String reason) {
        requireText("reason", reason);
        if (ref.revision() == 0) {
            sink.report(ref, FulfilmentKind.FAILED, "rejected: " + reason, Map.of(), true, false);
        } else {
            sink.report(ref, FulfilmentKind.REJECTED, reason, Map.of(), false, false);
        }
    }

    @Override
    public void progress(String message) {
        sink.report(ref, FulfilmentKind.PROGRESS, requireText("message", message), Map.of(), false, false);
    }

    @Override
    public void fulfil(Map<String, String> outputs) {
        sink.report(ref, FulfilmentKind.FULFILLED, null, requireOutputs(outputs), false, false);
    }

    @Override
    public void fail(String message, boolean retryable) {
        sink.report(ref, FulfilmentKind.FAILED, requireText("message", message), Map.of(), retryable, false);
    }

    static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must say what happened, but was " + (value == null ? "null" : "blank"));
        }
        return value;
    }

    static Map<String, String> requireOutputs(Map<String, String> outputs) {
        if (outputs == null) {
            throw new IllegalArgumentException("outputs must be a map (empty for none), but was null");
        }
        outputs.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("outputs must map non-blank names to values, but had " + k + "=" + v);
            }
        });
        return Map.copyOf(outputs);
    }
}
