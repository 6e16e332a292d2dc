package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A request as the API shows it (fields may be added, never renamed). Also what one gateway
 * instance answers another with when a read is forwarded.
 */
public record RequestView(
        String id,
        String team,
        String capability,
        int version,
        JsonNode parameters,
        Map<String, List<String>> constraints,
        Map<String, String> preferences,
        String priority,
        String idempotencyKey,
        String state,
        String offerId,
        String producerId,
        int attempt,
        Map<String, String> outputs,
        String reason,
        boolean sloBreached,
        RequestedBy requestedBy,
        String submittedAt,
        String updatedAt,
        List<Transition> history) {

    /** One step of the history. */
    public record Transition(String state, String at, String detail, int attempt, String offerId) {
    }

    /** Who submitted. */
    public record RequestedBy(String kind, String name) {
    }

    /** Whether the request is finished. */
    public boolean terminal() {
        return RequestViews.TERMINAL.contains(state);
    }
}
