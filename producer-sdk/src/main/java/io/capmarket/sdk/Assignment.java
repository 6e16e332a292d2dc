package io.capmarket.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One piece of work the marketplace routed to this producer: fulfil request {@code requestId}
 * through offer {@code offerId}. Immutable.
 *
 * <p>{@code requestId} is the idempotency key for the producer's side effects: delivery is
 * at-least-once, so the same assignment (same requestId and attempt) can arrive again after a
 * crash, and a request re-matched after a failure arrives with a higher attempt. Create resources
 * named after the requestId, or look them up by it, and a repeat does no harm.
 *
 * @param requestId the request, and the idempotency key
 * @param offerId the offer the request was matched to
 * @param capability the capability requested
 * @param capabilityVersion the major version of the capability's contract
 * @param consumerTeam the team the work is for
 * @param attempt the matching attempt, from 1; reports carry it back
 * @param parameters the request's parameters, a JSON object valid against the offer's parameter schema
 * @param assignedAt when the marketplace made the assignment
 * @param acceptDeadline accept (or reject) before this, or the request is matched elsewhere
 * @param leadTimeSlo the offer's lead-time promise
 */
public record Assignment(String requestId, String offerId, String capability, int capabilityVersion, String consumerTeam,
        int attempt, String parameters, Instant assignedAt, Instant acceptDeadline, Duration leadTimeSlo) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Requires the identifying fields; {@code attempt} is at least 1. */
    public Assignment {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(offerId, "offerId");
        Objects.requireNonNull(capability, "capability");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
        }
        parameters = parameters == null || parameters.isBlank() ? "{}" : parameters;
    }

    /** The parameters as a map of JSON values (strings, numbers, booleans, lists, maps). */
    public Map<String, Object> parameterMap() {
        try {
            return JSON.readValue(parameters, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parameters of request " + requestId + " are not a JSON object: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** What a report about this assignment is keyed by. */
    public AssignmentRef ref() {
        return new AssignmentRef(requestId, attempt, offerId, capability);
    }
}
