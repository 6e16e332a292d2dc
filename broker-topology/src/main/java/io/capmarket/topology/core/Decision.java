package io.capmarket.topology.core;

/** The outcome of matching one request: an offer, or why none could serve. */
public sealed interface Decision {

    /**
     * The request goes to this offer.
     *
     * @param offer the chosen offer
     * @param score its score, for operators
     */
    record Matched(Offer offer, double score) implements Decision {
    }

    /**
     * No offer can serve the request now; it waits.
     *
     * @param reason why, in words, naming what ruled each offer out (for the request's status)
     */
    record NoMatch(String reason) implements Decision {
    }
}
