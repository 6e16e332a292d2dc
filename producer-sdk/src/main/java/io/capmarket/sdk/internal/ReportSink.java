package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import java.util.Map;

/**
 * Where reports go: the client publishes them to the fulfilment topic; the handler test kit
 * records them. {@code report} returns once the report is durable, or throws; a
 * {@link ProgressThrottle} is the exception for the PROGRESS reports it holds, which it sends later
 * and logs if they fail.
 */
public interface ReportSink {

    /**
     * Publishes one report.
     *
     * @param mustNotLose the SDK's own settlement of an assignment: retried until acknowledged or the client closes
     */
    void report(AssignmentRef ref, FulfilmentKind kind, String message, Map<String, String> outputs, boolean retryable,
            boolean mustNotLose);
}
