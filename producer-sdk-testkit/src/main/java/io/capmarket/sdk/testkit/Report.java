package io.capmarket.sdk.testkit;

import io.capmarket.schemas.FulfilmentKind;
import java.util.Map;

/**
 * One report a handler made (or the SDK made for it), as the marketplace would receive it.
 * Compare with the factories: {@code assertThat(run.reports()).containsExactly(Report.accepted(), Report.fulfilled(outputs))}.
 *
 * @param kind ACCEPTED, REJECTED, PROGRESS, FULFILLED or FAILED
 * @param message the reason, progress note or failure message (null for ACCEPTED and FULFILLED)
 * @param outputs the outputs of a FULFILLED report, else empty
 * @param retryable for FAILED, whether the request may be matched again
 */
public record Report(FulfilmentKind kind, String message, Map<String, String> outputs, boolean retryable) {

    /** Copies the outputs. */
    public Report {
        outputs = Map.copyOf(outputs);
    }

    public static Report accepted() {
        return new Report(FulfilmentKind.ACCEPTED, null, Map.of(), false);
    }

    public static Report rejected(String reason) {
        return new Report(FulfilmentKind.REJECTED, reason, Map.of(), false);
    }

    public static Report progress(String message) {
        return new Report(FulfilmentKind.PROGRESS, message, Map.of(), false);
    }

    public static Report fulfilled(Map<String, String> outputs) {
        return new Report(FulfilmentKind.FULFILLED, null, outputs, false);
    }

    public static Report failed(String message, boolean retryable) {
        return new Report(FulfilmentKind.FAILED, message, Map.of(), retryable);
    }
}
