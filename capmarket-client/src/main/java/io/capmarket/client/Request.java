package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request as the gateway showed it.
 *
 * @param id the request id
 * @param capability the capability requested
 * @param version its major version
 * @param state the current state, as the gateway names it (typed: {@link #requestState()})
 * @param outputs what the fulfilment returned (references, never secrets)
 * @param reason why the request is WAITING, FAILED or CANCELLED
 * @param history the states entered, oldest first
 * @param approvals the approvals the request waits or waited for, one per approval policy that applied to it when it
 *     was submitted (a platform admins' policy, a producer's); empty when none applied
 * @param approvalExpiresAt while PENDING_APPROVAL: when the request fails unless every approval was given; else null
 * @param json the whole answer, for fields this client does not model
 */
public record Request(String id, String capability, int version, String state, Map<String, String> outputs, String reason,
        List<String> history, List<Approval> approvals, Instant approvalExpiresAt, JsonNode json) {

    /**
     * One approval a request waits or waited for: a policy that applied to it and, once given,
     * who gave it. A request is matched only when every one of its approvals is given; one
     * approver's decision gives every open approval that names them.
     *
     * @param source whose policy it is: {@code platform} (the admins' policy of the capability version) or
     *     {@code producer <producerId>}
     * @param approvers who may give it, any one of them: {@code role:<role>} or {@code team:<team>}
     * @param approvedBy who gave it, as the gateway names them (for example {@code alice (team platform, role admin)}), or
     *     null while it is open
     * @param approvedAt when it was given, or null while it is open
     */
    public record Approval(String source, List<String> approvers, String approvedBy, Instant approvedAt) {

        /** An approval; the approvers are copied. */
        public Approval {
            approvers = List.copyOf(Objects.requireNonNull(approvers, "approvers"));
        }

        /** Whether it was not given (yet): neither who nor when is known. */
        public boolean open() {
            return approvedAt == null && approvedBy == null;
        }
    }

    /** Whether the request is finished: DEPROVISIONED, FAILED or CANCELLED. */
    public boolean terminal() {
        return requestState().terminal();
    }

    /** Whether the request's resource lives: FULFILLED, UPDATING or DEPROVISIONING. */
    public boolean live() {
        return requestState().live();
    }

    /**
     * Whether a wait for the state named {@code awaited} ends with the request as it is: it is in
     * that state or has passed through it, it is finished, or its resource is live while the
     * state awaited is one of provisioning, which can no longer come. The gateway ends a
     * long-poll by the same rule.
     */
    public boolean ends(String awaited) {
        return state.equals(awaited) || history.contains(awaited) || terminal()
                || live() && RequestState.of(awaited).provisioning();
    }

    /**
     * The approvals not given, in {@link #approvals()}'s order: while PENDING_APPROVAL, those the
     * request still waits for; empty when every one was given or none applied.
     */
    public List<Approval> openApprovals() {
        return approvals.stream().filter(Approval::open).toList();
    }

    /** The current state, typed; {@link RequestState#UNKNOWN} for a state this client does not know ({@link #state()} names it). */
    public RequestState requestState() {
        return RequestState.of(state);
    }

    /** Whether the request is in {@code state}. */
    public boolean is(RequestState state) {
        return requestState() == state;
    }

    static Request from(JsonNode json) {
        Map<String, String> outputs = new LinkedHashMap<>();
        json.path("outputs").fields().forEachRemaining(e -> outputs.put(e.getKey(), e.getValue().asText()));
        List<String> history = new ArrayList<>();
        json.path("history").forEach(t -> history.add(t.path("state").asText()));
        List<Approval> approvals = new ArrayList<>();
        json.path("approvals").forEach(gate -> {
            List<String> approvers = new ArrayList<>();
            gate.path("approvers").forEach(approver -> approvers.add(approver.asText()));
            approvals.add(new Approval(gate.path("source").asText(), approvers, text(gate.path("approvedBy")),
                    Capability.instant(gate.path("approvedAt"))));
        });
        return new Request(json.path("id").asText(), json.path("capability").asText(), json.path("version").asInt(),
                json.path("state").asText(), Map.copyOf(outputs), text(json.path("reason")), List.copyOf(history),
                List.copyOf(approvals), Capability.instant(json.path("approvalExpiresAt")), json);
    }

    private static String text(JsonNode json) {
        return json.isNull() ? null : json.asText(null);
    }
}
