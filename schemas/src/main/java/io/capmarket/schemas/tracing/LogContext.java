package io.capmarket.schemas.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * A request's id and its trace in the logging context of the current thread while it is worked
 * on, so that every log line written meanwhile names them ({@code requestId}, and Elastic Common
 * Schema's {@code trace.id} and {@code span.id} in JSON logs). Close it when the work is done.
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.of(requestId, span)) {
 *     ...
 * }
 * }</pre>
 */
public final class LogContext implements AutoCloseable {

    /** The thread-context key of the request's id. */
    public static final String REQUEST_ID = "requestId";
    /** The thread-context key of the trace's id. */
    public static final String TRACE_ID = "trace.id";
    /** The thread-context key of the span's id. */
    public static final String SPAN_ID = "span.id";

    private final boolean traced;

    private LogContext(boolean traced) {
        this.traced = traced;
    }

    /** Puts the request's id, and the span's trace and span ids when it is a valid span, into the thread's logging context. */
    public static LogContext of(String requestId, Span span) {
        MDC.put(REQUEST_ID, requestId);
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return new LogContext(false);
        }
        MDC.put(TRACE_ID, context.getTraceId());
        MDC.put(SPAN_ID, context.getSpanId());
        return new LogContext(true);
    }

    /** Removes what {@link #of} put. */
    @Override
    public void close() {
        MDC.remove(REQUEST_ID);
        if (traced) {
            MDC.remove(TRACE_ID);
            MDC.remove(SPAN_ID);
        }
    }
}
