package io.capmarket.topology.core;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What matching needs to know of a request.
 *
 * @param requestId the request
 * @param capability the capability requested
 * @param version the major version requested
 * @param constraints hard constraints: for each key, the offer's attribute must be one of the values
 * @param preferences soft preferences: offers whose attribute equals the value score higher
 * @param excludedOffers offers already tried for this request (rejected, deadline missed, failed)
 * @param retriableOffers of the excluded offers, those that may be tried again when no other offer
 *     qualifies (their accept deadline passed without an answer)
 * @param ttlMs how long the resource is to live once fulfilled, or null for as long as the offer allows
 * @param gatedOffers the offers whose producer's approval policy applies to the request, which was not given
 *     that approval: by offerId, the approval it lacks in words ({@code [role:admin] (producer db-team)})
 */
public record MatchRequest(String requestId, String capability, int version, Map<String, List<String>> constraints,
        Map<String, String> preferences, Set<String> excludedOffers, Set<String> retriableOffers, Long ttlMs,
        Map<String, String> gatedOffers) {

    public MatchRequest {
        constraints = Map.copyOf(constraints);
        preferences = Map.copyOf(preferences);
        excludedOffers = Set.copyOf(excludedOffers);
        retriableOffers = Set.copyOf(retriableOffers);
        gatedOffers = Map.copyOf(gatedOffers);
    }

    /** A request no approval policy keeps from any offer. */
    public MatchRequest(String requestId, String capability, int version, Map<String, List<String>> constraints,
            Map<String, String> preferences, Set<String> excludedOffers, Set<String> retriableOffers, Long ttlMs) {
        this(requestId, capability, version, constraints, preferences, excludedOffers, retriableOffers, ttlMs, Map.of());
    }

    /** A request without a ttl. */
    public MatchRequest(String requestId, String capability, int version, Map<String, List<String>> constraints,
            Map<String, String> preferences, Set<String> excludedOffers, Set<String> retriableOffers) {
        this(requestId, capability, version, constraints, preferences, excludedOffers, retriableOffers, null);
    }

    /** A request whose excluded offers are all excluded for good. */
    public MatchRequest(String requestId, String capability, int version, Map<String, List<String>> constraints,
            Map<String, String> preferences, Set<String> excludedOffers) {
        this(requestId, capability, version, constraints, preferences, excludedOffers, Set.of());
    }

    /** The same request with its retriable offers no longer excluded. */
    public MatchRequest withRetriableOffersAllowed() {
        Set<String> excluded = new java.util.HashSet<>(excludedOffers);
        excluded.removeAll(retriableOffers);
        return new MatchRequest(requestId, capability, version, constraints, preferences, excluded, Set.of(), ttlMs, gatedOffers);
    }
}
