package io.capmarket.gateway;

import java.util.List;
import java.util.Map;

/** The body exceeds the configured limit ({@code http.max-request-size}). Send less. */
public class PayloadTooLargeException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public PayloadTooLargeException(String detail) {
        this(detail, List.of());
    }

    public PayloadTooLargeException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    /** The rest of the body is never read, so the connection is not reused: the client need not send it. */
    @Override
    public Map<String, String> headers() {
        return Map.of("Connection", "close");
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String type() {
        return "payload-too-large";
    }

    @Override
    public String title() {
        return "The request body is too large";
    }
}
