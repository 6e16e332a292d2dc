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
 */
public record MatchRequest(String requestId, String capability, int version, Map<String, List<String>> constraints,
        Map<String, String> preferences, Set<String> excludedOffers) {

    public MatchRequest {
        constraints = Map.copyOf(constraints);
        preferences = Map.copyOf(preferences);
        excludedOffers = Set.copyOf(excludedOffers);
    }

    /** The same request with no offer excluded. */
    public MatchRequest withoutExclusions() {
        return new MatchRequest(requestId, capability, version, constraints, preferences, Set.of());
    }
}
