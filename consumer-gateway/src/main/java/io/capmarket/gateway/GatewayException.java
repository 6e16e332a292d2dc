package io.capmarket.gateway;

import java.util.List;
import java.util.Map;

/**
 * The root of the gateway's exceptions. Each subclass names what the caller should do, and
 * carries what the HTTP layer renders as one {@code application/problem+json} document: a
 * status, a problem type, a title, a detail and the invalid fields.
 */
public abstract class GatewayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    protected GatewayException(String detail, List<FieldError> errors, Throwable cause) {
        super(detail, cause);
        this.errors = List.copyOf(errors);
    }

    /** The HTTP status this problem is answered with. */
    public abstract int status();

    /** A short, stable slug of the problem type ({@code /problems/<slug>}). */
    public abstract String type();

    /** A short, human-readable summary of the problem type. */
    public abstract String title();

    /** Extra response headers (for example {@code Retry-After}). */
    public Map<String, String> headers() {
        return Map.of();
    }

    /**
     * Members of the problem document beyond the standard ones (RFC 9457 extension members), for a
     * client to act on without parsing {@code detail}; none by default. Each value is written as
     * JSON (a string, a number, or a map of them).
     */
    public Map<String, Object> members() {
        return Map.of();
    }

    /** Each invalid input field, with its value and the rule it breaks; empty when no field is at fault. */
    public List<FieldError> errors() {
        return errors;
    }

    /**
     * One invalid field of a request.
     *
     * @param field where the value is: a body path ({@code parameters.size}), a header or a query parameter
     * @param value the value given, as text (null when missing)
     * @param rule what the value must be
     */
    public record FieldError(String field, String value, String rule) {
    }
}
