package io.capmarket.topology.core;

import java.time.Instant;
import java.util.Objects;

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
