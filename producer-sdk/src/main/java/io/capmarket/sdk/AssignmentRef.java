package io.capmarket.sdk;

/**
 * What a fulfilment report is keyed by: the request, the attempt and the offer it was assigned
 * through (the marketplace records a report for another attempt or offer as stale, and does not
 * apply it), plus the capability the report is routed by. Keep it (for example in your own job
 * table) to report later, from any process, through {@link CapmarketProducer#reporter(AssignmentRef)}.
 *
 * @param requestId the request
 * @param attempt the assignment's attempt
 * @param offerId the offer it was assigned through
 * @param capability the capability of the offer
 */
public record AssignmentRef(String requestId, int attempt, String offerId, String capability) {

    /** Requires every field; {@code attempt} is at least 1. */
    public AssignmentRef {
        requireText("requestId", requestId);
        requireText("offerId", offerId);
        requireText("capability", capability);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
        }
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, but was " + (value == null ? "null" : "'" + value + "'"));
        }
    }
}
