package io.capmarket.topology.core;

import io.capmarket.schemas.OfferConsidered;
import java.util.List;

/** The outcome of matching one request: an offer, or why none could serve; either way, with what was considered. */
public sealed interface Decision {

    /** What matching looked at to decide. */
    Considered considered();

    /**
     * The request goes to this offer.
     *
     * @param offer the chosen offer
     * @param score its score, for operators
     * @param considered every offer looked at, and why each was ruled out or how it scored
     */
    record Matched(Offer offer, double score, Considered considered) implements Decision {
    }

    /**
     * No offer can serve the request now; it waits.
     *
     * @param reason why, in words, naming what ruled each offer out (for the request's status)
     * @param considered every offer looked at, and why each was ruled out
     */
    record NoMatch(String reason, Considered considered) implements Decision {
    }

    /**
     * The offers matching looked at, in the order it met them (not sorted: {@link Explanations} orders them when a
     * decision is recorded).
     *
     * @param offers each offer of the capability, ruled out with its filter and detail, or scored
     * @param note what else decided, or null: that offers which did not answer were tried again
     */
    record Considered(List<OfferConsidered> offers, String note) {

        public Considered {
            offers = List.copyOf(offers);
        }
    }
}
