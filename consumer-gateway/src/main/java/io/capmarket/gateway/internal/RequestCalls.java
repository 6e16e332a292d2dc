package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.tracing.RecordTracing;
import io.javalin.http.Context;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the routes acting on one request share: the span of the request's trace each call that
 * publishes a command begins, and the answer with the request's view (its {@code Location}, and
 * the deprecation headers of its capability version).
 */
final class RequestCalls {

    private final Catalog catalog;
    private final Tracer tracer = RecordTracing.tracer();

    /** @param catalog says whether a request's capability version is deprecated */
    RequestCalls(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * A span of a request's trace for this call: a child of the caller's {@code traceparent} when it
     * sent one, else the first span of a new trace. The records it publishes carry it.
     */
    Span span(String name, Context ctx, String requestId) {
        Span span = tracer.spanBuilder(name).setParent(RecordTracing.extract(ctx::header)).setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", ctx.method().name()).setAttribute("capmarket.request_id", requestId)
                .startSpan();
        if (span.getSpanContext().isValid()) {
            ctx.attribute(HttpInput.TRACE_ID, span.getSpanContext().getTraceId());
        }
        return span;
    }

    /** Ends the span when the answer is decided, marking it an error when the call failed. */
    static <T> CompletableFuture<T> traced(Span span, CompletableFuture<T> answer) {
        return answer.whenComplete((result, error) -> {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            }
            span.end();
        });
    }

    /** Answers with the view of a request, its {@code Location}, and {@code Deprecation}, {@code Link} and {@code Sunset} when due. */
    void respond(Context ctx, int status, RequestView view) {
        ctx.status(status);
        ctx.header("Location", "/v1/requests/" + view.id());
        deprecation(view).ifPresent(version -> {
            ctx.header("Deprecation", "true");
            ctx.header("Link", "</v1/capabilities/" + view.capability() + ">; rel=\"deprecation\"");
            if (version.getSunsetAt() != null) {
                ctx.header("Sunset", DateTimeFormatter.RFC_1123_DATE_TIME.format(version.getSunsetAt().atOffset(ZoneOffset.UTC)));
            }
        });
        ctx.json(view);
    }

    private Optional<CapabilityVersionView> deprecation(RequestView view) {
        try {
            return catalog.capability(view.capability()).flatMap(c -> c.getVersions().stream()
                    .filter(v -> v.getVersion() == view.version() && v.getDeprecated()).findFirst());
        } catch (RetryLaterException e) {
            return Optional.empty();
        }
    }
}
