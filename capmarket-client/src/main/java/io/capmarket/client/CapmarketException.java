package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway answered with a problem, could not be reached, or an event stream broke. The
 * message names the call that failed (method and URL) and, when the client gave up retrying,
 * after how many tries and why. {@link #retryable()} says whether trying again later may help;
 * {@link #errors()} names each invalid field.
 */
public class CapmarketException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 502, 503, 504);
    /** The problem type of a submit past its team's quota (a 429 that time alone does not end). */
    static final String QUOTA_EXCEEDED = "/problems/quota-exceeded";

    private final int status;
    private final String type;
    private final transient List<FieldError> errors;
    private final Duration retryAfter;
    private final boolean retryable;
    private final int attempts;

    /**
     * One invalid field as the gateway named it.
     *
     * @param field the field, for example {@code parameters.sizeGb}
     * @param value the value it had
     * @param rule the rule it broke
     */
    public record FieldError(String field, String value, String rule) {
    }

    CapmarketException(int status, String type, String detail, List<FieldError> errors, Throwable cause) {
        this(status == 0 ? detail : "HTTP " + status + " " + type + ": " + detail, status, type, errors, null,
                status == 0 || RETRYABLE_STATUSES.contains(status), 1, cause);
    }

    private CapmarketException(String message, int status, String type, List<FieldError> errors, Duration retryAfter,
            boolean retryable, int attempts, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
        this.retryable = retryable;
        this.attempts = attempts;
    }

    /** A problem document (or none) answered with {@code status}, and the pause its {@code Retry-After} asked for, if any. */
    static CapmarketException fromProblem(int status, JsonNode problem, Duration retryAfter) {
        List<FieldError> errors = new ArrayList<>();
        if (problem != null && problem.has("errors")) {
            problem.get("errors").forEach(e -> errors.add(new FieldError(e.path("field").asText(null), e.path("value").asText(null),
                    e.path("rule").asText(null))));
        }
        String type = problem == null ? "/problems/http-" + status : problem.path("type").asText("/problems/http-" + status);
        String detail = problem == null ? "no problem document" : problem.path("detail").asText("");
        // a quota frees when something is deprovisioned, not with time: the gateway sends no Retry-After for it
        boolean retryable = RETRYABLE_STATUSES.contains(status) && !QUOTA_EXCEEDED.equals(type);
        return new CapmarketException("HTTP " + status + " " + type + ": " + detail, status, type, errors, retryAfter,
                retryable, 1, null);
    }

    /** A failure that is never retried (for example an {@code error} event of a stream). */
    static CapmarketException notRetryable(String type, String detail) {
        return new CapmarketException(detail, 0, type, List.of(), null, false, 1, null);
    }

    /** The calling thread was interrupted during {@code call}. */
    static CapmarketException interrupted(String call, InterruptedException cause) {
        return new CapmarketException(call + ": interrupted", 0, "/problems/interrupted", List.of(), null, false, 1, cause);
    }

    /** This failure, its message led by the call that failed, after {@code attempts} tries and why the client stopped there. */
    CapmarketException during(String call, int attempts, String stop) {
        String why = stop == null ? "" : " (gave up after " + attempts + (attempts == 1 ? " try: " : " tries: ") + stop + ")";
        return new CapmarketException(call + why + ": " + getMessage(), status, type, errors, retryAfter, retryable, attempts, this);
    }

    /** The HTTP status; 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The problem type, for example {@code /problems/rejected-request}. */
    public String type() {
        return type;
    }

    /** Each invalid field the gateway named; empty when it named none. */
    public List<FieldError> errors() {
        return errors;
    }

    /** When the gateway asked to be tried again ({@code Retry-After}), as a pause from when it answered. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** How many tries the client made before giving up (1 when it did not retry). */
    public int attempts() {
        return attempts;
    }

    /**
     * Whether the same call may succeed later: the gateway was unavailable, rebalancing, overloaded
     * (429, 502, 503, 504), did not answer, or a stream dropped. A submit past its team's quota
     * ({@code /problems/quota-exceeded}, a 429) is not: it succeeds only once the team holds less.
     */
    public boolean retryable() {
        return retryable;
    }
}
