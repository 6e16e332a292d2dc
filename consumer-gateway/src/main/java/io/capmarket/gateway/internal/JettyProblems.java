package io.capmarket.gateway.internal;

import io.capmarket.gateway.GatewayException.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

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

    /** A request Jetty could not parse: there is no path and no request id yet, so the id is new. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String requestId = UUID.randomUUID().toString();
        fields.put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        fields.put(HttpInput.REQUEST_ID_HEADER, requestId);
        return ByteBuffer.wrap(document(status, reason, null, requestId).getBytes(StandardCharsets.UTF_8));
    }

    /** An error Jetty sends for a request it parsed but no route handled. */
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code,
            String message) throws IOException {
        baseRequest.setHandled(true);
        String requestId = UUID.randomUUID().toString();
        response.setContentType(Problems.CONTENT_TYPE);
        response.setHeader(HttpInput.REQUEST_ID_HEADER, requestId);
        response.getOutputStream().write(document(code, message, request.getRequestURI(), requestId).getBytes(StandardCharsets.UTF_8));
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
