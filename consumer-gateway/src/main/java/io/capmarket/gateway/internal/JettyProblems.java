package io.capmarket.gateway.internal;

import io.capmarket.gateway.GatewayException.FieldError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers by itself, before any route runs (a request line or header it cannot parse,
 * an ambiguous path, a URI or header block over {@code headerLimit}), in the one problem shape
 * instead of Jetty's HTML page.
 */
final class JettyProblems extends ErrorHandler {

    private final int headerLimit;

    JettyProblems(int headerLimit) {
        this.headerLimit = headerLimit;
    }

    /**
     * Every error Jetty answers itself. A request Jetty could not parse arrives with the parser's
     * {@link HttpException} and has no trustworthy path, so its {@code instance} is null; there is
     * no request id yet either, so the id is new.
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
        if (cause instanceof HttpException http) {
            status = http.getCode();
            response.setStatus(status);
            if (reason == null) {
                reason = http.getReason();
            }
        }
        if (HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        String requestId = HttpInput.newRequestId();
        String instance = null;
        if (!(cause instanceof HttpException)) {
            instance = request.getHttpURI().getPath();
            generateCacheControl(response);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.getHeaders().put(HttpInput.REQUEST_ID_HEADER, requestId);
        response.write(true, ByteBuffer.wrap(document(status, reason, instance, requestId).getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private String document(int status, String reason, String instance, String requestId) {
        String why = reason == null || reason.isBlank() ? "HTTP " + status : reason;
        FieldError error = switch (status) {
            case 414 -> new FieldError("URI", null, "a request line of at most " + headerLimit + " bytes");
            case 431 -> new FieldError("headers", null, "a request line and headers of at most " + headerLimit + " bytes in all");
            default -> new FieldError("request", null, "HTTP/1.1 message syntax, RFC 9112, and an unambiguous path (" + why + ")");
        };
        return Problems.document(status, Problems.slug(status), Problems.title(status), "the request was refused before it reached a route: "
                + why, instance, requestId, List.of(error));
    }
}
