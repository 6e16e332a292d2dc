package io.capmarket.topology.core;

import io.capmarket.schemas.OfferStatus;
import java.util.Map;

/**
 * An offer as matching sees it.
 *
 * @param offerId the offer
 * @param producerId the producer publishing it
 * @param capability the capability offered
 * @param version the capability major version served
 * @param attributes attributes requests can constrain on (region, tier, cost…)
 * @param capacity requests in flight at most
 * @param leadTimeSloMs the promised p95 lead time in milliseconds
 * @param status the offer's status; only ACTIVE offers are matched
 * @param maxTtlMs the longest its resources live once fulfilled, or null for no bound
 */
public record Offer(String offerId, String producerId, String capability, int version, Map<String, String> attributes,
        int capacity, long leadTimeSloMs, OfferStatus status, Long maxTtlMs) {

    public Offer {
        attributes = Map.copyOf(attributes);
    }

    /** An offer whose resources may live for ever. */
    public Offer(String offerId, String producerId, String capability, int version, Map<String, String> attributes,
            int capacity, long leadTimeSloMs, OfferStatus status) {
        this(offerId, producerId, capability, version, attributes, capacity, leadTimeSloMs, status, null);
    }
}
