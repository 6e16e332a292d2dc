package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway answered with a problem, or could not be reached. {@link #retryable()} says whether
 * trying again may help (503, connection failures); {@link #errors()} names each invalid field.
 */
public class CapmarketException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final transient List<FieldError> errors;

    /** One invalid field as the gateway named it. */
    public record FieldError(String field, String value, String rule) {
    }

    CapmarketException(int status, String type, String detail, List<FieldError> errors, Throwable cause) {
        super(status == 0 ? detail : "HTTP " + status + " " + type + ": " + detail, cause);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    static CapmarketException fromProblem(int status, JsonNode problem) {
        List<FieldError> errors = new ArrayList<>();
        if (problem != null && problem.has("errors")) {
            problem.get("errors").forEach(e -> errors.add(new FieldError(e.path("field").asText(null), e.path("value").asText(null),
                    e.path("rule").asText(null))));
        }
        String type = problem == null ? "/problems/http-" + status : problem.path("type").asText("/problems/http-" + status);
        String detail = problem == null ? "no problem document" : problem.path("detail").asText("");
        return new CapmarketException(status, type, detail, errors, null);
    }

    /** The HTTP status; 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The problem type, for example {@code /problems/rejected-request}. */
    public String type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** Whether the same call may succeed later (the gateway was unavailable or rebalancing). */
    public boolean retryable() {
        return status == 0 || status == 503;
    }
}
