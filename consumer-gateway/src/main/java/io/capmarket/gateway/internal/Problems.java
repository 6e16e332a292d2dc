package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.gateway.GatewayException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception mapper: every error leaves as one {@code application/problem+json} shape
 * (RFC 9457): {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance},
 * {@code requestId} and {@code errors[]} ({@code field}, {@code value}, {@code rule}), and the
 * members a problem adds ({@link GatewayException#members()}).
 * Unexpected exceptions are logged with the request id and answered 500 without internals.
 */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /** Renders any exception that reached the HTTP layer. */
    public static void handle(Exception exception, Context ctx) {
        Throwable error = Futures.unwrap(exception);
        if (error instanceof GatewayException gateway) {
            gateway.headers().forEach(ctx::header);
            ObjectNode body = body(gateway.status(), gateway.type(), gateway.title(), gateway.getMessage(), ctx.path(),
                    HttpInput.requestId(ctx), gateway.errors());
            gateway.members().forEach((name, value) -> body.set(name, Json.MAPPER.valueToTree(value)));
            send(ctx, gateway.status(), body);
        } else if (error instanceof HttpResponseException http) {
            render(ctx, http.getStatus(), slug(http.getStatus()), title(http.getStatus()), detail(ctx, http), List.of());
        } else {
            LOG.error("request {} {} {} failed", HttpInput.requestId(ctx), ctx.method(), ctx.path(), error);
            render(ctx, 500, "internal-error", "Internal error",
                    "the gateway failed unexpectedly; the error is logged with request id " + HttpInput.requestId(ctx), List.of());
        }
    }

    /** A status Javalin set without an exception (no route): rendered unless a problem is already there. */
    public static void unmatched(Context ctx) {
        String contentType = ctx.res().getContentType();
        if (contentType == null || !contentType.startsWith(CONTENT_TYPE)) {
            int status = ctx.statusCode();
            render(ctx, status, slug(status), title(status), detail(ctx, new HttpResponseException(status, "")), List.of());
        }
    }

    static void render(Context ctx, int status, String type, String title, String detail, List<FieldError> errors) {
        send(ctx, status, body(status, type, title, detail, ctx.path(), HttpInput.requestId(ctx), errors));
    }

    private static void send(Context ctx, int status, ObjectNode body) {
        ctx.status(status);
        ctx.contentType(CONTENT_TYPE);
        ctx.result(body.toString());
    }

    /** The problem document; {@code instance} is null when the request could not even be parsed. */
    static String document(int status, String type, String title, String detail, String instance, String requestId,
            List<FieldError> errors) {
        return body(status, type, title, detail, instance, requestId, errors).toString();
    }

    private static ObjectNode body(int status, String type, String title, String detail, String instance, String requestId,
            List<FieldError> errors) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", "/problems/" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        body.put("requestId", requestId);
        ArrayNode list = body.putArray("errors");
        errors.forEach(e -> list.addObject().put("field", e.field()).put("value", e.value()).put("rule", e.rule()));
        return body;
    }

    private static String detail(Context ctx, HttpResponseException http) {
        return switch (http.getStatus()) {
            case 404 -> "there is no route " + ctx.method() + " " + ctx.path() + "; see /openapi.json";
            case 405 -> "the route " + ctx.path() + " does not take " + ctx.method() + "; see /openapi.json";
            case 413 -> "the body is larger than accepted";
            default -> http.getMessage();
        };
    }

    static String slug(int status) {
        return switch (status) {
            case 400 -> "malformed-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "payload-too-large";
            case 414 -> "uri-too-long";
            case 431 -> "header-fields-too-large";
            case 503 -> "retry-later";
            default -> "http-" + status;
        };
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "The request is malformed";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "The request body is too large";
            case 414 -> "The request URI is too long";
            case 431 -> "The request header fields are too large";
            case 503 -> "Temporarily unavailable; retry later";
            default -> "HTTP " + status;
        };
    }
}
