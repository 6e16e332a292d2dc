package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param json the whole answer, for fields this client does not model
 */
public record Request(String id, String capability, int version, String state, Map<String, String> outputs, String reason,
        List<String> history, JsonNode json) {

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
        return new Request(json.path("id").asText(), json.path("capability").asText(), json.path("version").asInt(),
                json.path("state").asText(), Map.copyOf(outputs), json.path("reason").isNull() ? null : json.path("reason").asText(null),
                List.copyOf(history), json);
    }
}
