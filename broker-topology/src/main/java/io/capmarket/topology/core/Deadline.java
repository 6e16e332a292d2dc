package io.capmarket.topology.core;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A due check for one attempt of one request, kept until it is due or its attempt is over.
 *
 * @param due when the check runs
 * @param kind what is checked
 * @param attempt the attempt it belongs to; a check for an earlier attempt does nothing
 * @param requestId the request
 */
public record Deadline(Instant due, Kind kind, int attempt, String requestId) {

    public Deadline {
        Objects.requireNonNull(due, "due");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(requestId, "requestId");
    }

    /**
     * The check a request in {@code status} waits for next, or null when it waits for none: a
     * waiting request fails {@code maxWait} after its submission; an assigned one must be accepted
     * {@code acceptDeadline} after it was matched (while MATCHED) and be done within the lead
     * time its offer promised (until breached), the earlier of the two first (each check
     * schedules the next one). The desk schedules by this rule, and a task rebuilds its deadlines
     * from its kept requests by it.
     *
     * @param promise the lead time, in milliseconds, the request's offer promises
     */
    public static Deadline next(RequestStatus status, Duration maxWait, Duration acceptDeadline, ToLongFunction<RequestStatus> promise) {
        if (status.getState() == RequestState.WAITING) {
            return new Deadline(status.getSubmittedAt().plus(maxWait), Kind.WAIT, status.getAttempt(), status.getRequestId());
        }
        if (!Lifecycle.isAssigned(status)) {
            return null;
        }
        Instant matchedAt = Lifecycle.matchedAt(status);
        Deadline accept = status.getState() == RequestState.MATCHED
                ? new Deadline(matchedAt.plus(acceptDeadline), Kind.ACCEPT, status.getAttempt(), status.getRequestId())
                : null;
        Deadline slo = status.getSloBreached() ? null
                : new Deadline(matchedAt.plusMillis(promise.applyAsLong(status)), Kind.SLO, status.getAttempt(), status.getRequestId());
        if (accept == null || slo == null) {
            return accept == null ? slo : accept;
        }
        return slo.due().isBefore(accept.due()) ? slo : accept;
    }

    /** What a deadline checks. */
    public enum Kind {
        /** The producer must accept by now. */
        ACCEPT,
        /** The offer's lead-time promise runs out now. */
        SLO,
        /** A request still waiting for an offer now fails ({@code matching.max-wait} after its submission). */
        WAIT
    }
}
