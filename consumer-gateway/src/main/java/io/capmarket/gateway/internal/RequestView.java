package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import io.capmarket.schemas.RequestState;

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
        List<Transition> history,
        int revision,
        JsonNode pendingParameters,
        boolean orphaned,
        Long ttlMs,
        String expiresAt,
        List<Approval> approvals,
        String approvalExpiresAt,
        JsonNode submittedParameters) {

    /** One step of the history. */
    public record Transition(String state, String at, String detail, int attempt, String offerId) {
    }

    /** Who submitted. */
    public record RequestedBy(String kind, String name) {
    }

    /**
     * One approval the request waits or waited for.
     *
     * @param source whose policy asked for it: {@code platform} (the admins') or {@code producer <producerId>}
     * @param approvers who may give it: {@code role:<role>} or {@code team:<team>}
     * @param approvedBy who gave it, as {@code alice (team platform, role admin)}, or null while it is open
     * @param approvedAt when it was given (ISO-8601), or null
     */
    public record Approval(String source, List<String> approvers, String approvedBy, String approvedAt) {
    }

    /** Whether the request is finished: DEPROVISIONED, FAILED or CANCELLED. */
    public boolean terminal() {
        return RequestViews.TERMINAL.contains(state);
    }

    /** Whether the request's resource exists: FULFILLED, UPDATING or DEPROVISIONING. */
    public boolean live() {
        return RequestViews.LIVE.contains(state);
    }

    /** Whether nothing is going on for the request: it is finished, or FULFILLED with no operation on its resource. */
    public boolean atRest() {
        return terminal() || RequestState.FULFILLED.name().equals(state);
    }
}
