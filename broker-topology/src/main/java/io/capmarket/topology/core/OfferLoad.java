package io.capmarket.topology.core;

/**
 * What matching knows of an offer's current load and recent record.
 *
 * @param inFlight requests assigned to the offer and not finished
 * @param observedP95Ms observed p95 lead time in milliseconds, or null before the first fulfilment
 * @param recentFailureRate failures (failed, rejected or deadline missed) over recent finished attempts, 0 to 1
 */
public record OfferLoad(int inFlight, Long observedP95Ms, double recentFailureRate) {

    /** An offer nobody has been assigned to yet. */
    public static final OfferLoad IDLE = new OfferLoad(0, null, 0.0);
}
