package io.capmarket.gateway;

import java.util.List;
import java.util.Map;

/**
 * The body did not arrive in full within {@code http.body-read-timeout}, however steadily its bytes
 * trickled in: answered 408 and the connection closed. Send the whole body at once, or a smaller one.
 */
public class RequestTimeoutException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    /** The rest of the body is never read, so the connection is not reused. */
    @Override
    public Map<String, String> headers() {
        return Map.of("Connection", "close");
    }

    @Override
    public int status() {
        return 408;
    }

    @Override
    public String type() {
        return "request-timeout";
    }

    @Override
    public String title() {
        return "The request body took too long to arrive";
    }
}
