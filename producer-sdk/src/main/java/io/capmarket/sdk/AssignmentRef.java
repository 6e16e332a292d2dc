package io.capmarket.sdk;

/**
 * What a fulfilment report is keyed by: the request, the attempt, the offer it was assigned
 * through and the revision of the operation reported on (the marketplace records a report for
 * another attempt, offer or revision as stale, and does not apply it), plus the capability the
 * report is routed by. Keep it (for example in your own job table) to report later, from any
 * process, through {@link CapmarketProducer#reporter(AssignmentRef)}.
 *
 * @param requestId the request
 * @param attempt the assignment's attempt
 * @param offerId the offer it was assigned through
 * @param capability the capability of the offer
 * @param revision the operation reported on: 0 for the provisioning, from 1 for an update or
 *     deprovision ({@link Assignment#revision()})
 */
public record AssignmentRef(String requestId, int attempt, String offerId, String capability, int revision) {

    /** Requires every field; {@code attempt} is at least 1 and {@code revision} 0 or more. */
    public AssignmentRef {
        requireText("requestId", requestId);
        requireText("offerId", offerId);
        requireText("capability", capability);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
        }
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be 0 or more, but was " + revision);
        }
    }

    /** A reference to the provisioning of a request (revision 0). */
    public AssignmentRef(String requestId, int attempt, String offerId, String capability) {
        this(requestId, attempt, offerId, capability, 0);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, but was " + (value == null ? "null" : "'" + value + "'"));
        }
    }
}
