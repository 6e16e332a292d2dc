package io.capmarket.schemas.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C Trace Context ({@code traceparent}, {@code tracestate}) carried in Kafka record headers and
 * HTTP headers, so that one trace follows a request from its {@code POST} through matching, the
 * producer's handler and back. Always W3C, whatever propagators the process configured; with no
 * OpenTelemetry SDK installed spans are not recorded, but a trace context that arrives is passed on
 * unchanged.
 */
public final class RecordTracing {

    /** The W3C header naming the trace and the parent span. */
    public static final String TRACEPARENT = "traceparent";
    /** The W3C header with vendors' trace state. */
    public static final String TRACESTATE = "tracestate";
    /** The instrumentation scope of capmarket's spans. */
    public static final String SCOPE = "io.capmarket";

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Headers> RECORD_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapGetter<UnaryOperator<String>> LOOKUP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(UnaryOperator<String> lookup) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(UnaryOperator<String> lookup, String key) {
            return lookup == null ? null : lookup.apply(key);
        }
    };

    private RecordTracing() {
    }

    /** capmarket's tracer, from the process's OpenTelemetry (a no-op one unless an SDK is installed). */
    public static Tracer tracer() {
        return GlobalOpenTelemetry.getTracer(SCOPE);
    }

    /** The trace context a record carries, or the root context when it carries none (or an invalid one). */
    public static Context extract(Headers headers) {
        return W3C.extract(Context.root(), headers, RECORD_HEADERS);
    }

    /** The trace context of headers read by name, such as an HTTP request's. */
    public static Context extract(UnaryOperator<String> header) {
        return W3C.extract(Context.root(), header, LOOKUP);
    }

    /** The trace context a {@code traceparent} value names; the root context for null or an invalid one. */
    public static Context fromTraceParent(String traceParent) {
        return traceParent == null ? Context.root() : extract(name -> TRACEPARENT.equals(name) ? traceParent : null);
    }

    /**
     * Puts the context's span into the headers, replacing a trace context they held; puts nothing
     * (and removes nothing) when the context has no valid span.
     */
    public static void inject(Context context, Headers headers) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return;
        }
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        W3C.inject(context, headers, (carrier, key, value) -> carrier.add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@code traceparent} value of the context's span, when it has a valid one. */
    public static Optional<String> traceParent(Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (!span.isValid()) {
            return Optional.empty();
        }
        Map<String, String> carrier = new java.util.HashMap<>();
        W3C.inject(context, carrier, Map::put);
        return Optional.ofNullable(carrier.get(TRACEPARENT));
    }
}
