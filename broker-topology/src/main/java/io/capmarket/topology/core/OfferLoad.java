package io.capmarket.topology.core;

import io.capmarket.schemas.ProducerProbation;

/**
 * What matching knows of an offer's current load and recent record.
 *
 * @param inFlight requests assigned to the offer and not finished
 * @param observedP95Ms observed p95 lead time in milliseconds, or null before the first fulfilment
 * @param recentFailureRate failures (failed, rejected or deadline missed) over recent finished attempts, 0 to 1
 * @param probation its producer's probation for the capability, or null when it is in good standing
 */
public record OfferLoad(int inFlight, Long observedP95Ms, double recentFailureRate, ProducerProbation probation) {

    /** An offer nobody has been assigned to yet. */
    public static final OfferLoad IDLE = new OfferLoad(0, null, 0.0);

    /** The load of an offer whose producer is in good standing. */
    public OfferLoad(int inFlight, Long observedP95Ms, double recentFailureRate) {
        this(inFlight, observedP95Ms, recentFailureRate, null);
    }
}
