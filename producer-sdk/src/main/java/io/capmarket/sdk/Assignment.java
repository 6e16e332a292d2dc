package io.capmarket.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.schemas.AssignmentAction;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One piece of work the marketplace routed to this producer about request {@code requestId},
 * matched to offer {@code offerId}: {@linkplain AssignmentAction#FULFIL fulfil} it (provision the
 * resource), or, once it is fulfilled, {@linkplain AssignmentAction#UPDATE update} the resource to
 * new parameters or {@linkplain AssignmentAction#DEPROVISION deprovision} it. Immutable.
 *
 * <p>{@code requestId} is the idempotency key for the producer's side effects: delivery is
 * at-least-once, so the same assignment (same requestId, attempt and revision) can arrive again
 * after a crash, and a request re-matched after a failure arrives with a higher attempt. Create
 * resources named after the requestId, or look them up by it, and a repeat does no harm.
 *
 * <p>Each operation on a fulfilled resource counts one more {@code revision}: 0 is the
 * provisioning, 1 the first update or deprovision after it, and so on. Reports carry it back, so
 * that the marketplace never takes a late report on an earlier operation for the current one.
 *
 * @param requestId the request, and the idempotency key
 * @param offerId the offer the request was matched to
 * @param capability the capability requested
 * @param capabilityVersion the major version of the capability's contract
 * @param consumerTeam the team the work is for
 * @param attempt the matching attempt, from 1; reports carry it back
 * @param parameters the request's parameters, a JSON object valid against the offer's parameter
 *     schema; for an UPDATE, the parameters asked for (all of them, not only those that change)
 * @param assignedAt when the marketplace made the assignment
 * @param acceptDeadline accept (or reject) before this, or the request is matched elsewhere; for an
 *     UPDATE or DEPROVISION, when the marketplace gives the operation up
 * @param leadTimeSlo the offer's lead-time promise
 * @param action FULFIL, UPDATE or DEPROVISION for a handler; CANCEL only where a listener sees a
 *     cancellation of work that does not run here
 * @param revision 0 for the provisioning (FULFIL); from 1 for each UPDATE or DEPROVISION after it
 * @param previousParameters for an UPDATE, the parameters the resource has now (a JSON object); else null
 */
public record Assignment(String requestId, String offerId, String capability, int capabilityVersion, String consumerTeam,
        int attempt, String parameters, Instant assignedAt, Instant acceptDeadline, Duration leadTimeSlo,
        AssignmentAction action, int revision, String previousParameters) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Requires the identifying fields; {@code attempt} is at least 1; a FULFIL has revision 0, an
     * UPDATE or DEPROVISION a revision of at least 1, and only an UPDATE has previous parameters.
     */
    public Assignment {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(offerId, "offerId");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(action, "action");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
        }
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be 0 or more, but was " + revision);
        }
        if (action == AssignmentAction.FULFIL && revision != 0) {
            throw new IllegalArgumentException("revision of a FULFIL must be 0 (the provisioning), but was " + revision);
        }
        if (isOperation(action) && revision < 1) {
            throw new IllegalArgumentException("revision of an " + action + " must be at least 1 (0 is the provisioning), but was "
                    + revision);
        }
        parameters = parameters == null || parameters.isBlank() ? "{}" : parameters;
        if (action == AssignmentAction.UPDATE) {
            previousParameters = previousParameters == null || previousParameters.isBlank() ? "{}" : previousParameters;
        } else if (previousParameters != null) {
            throw new IllegalArgumentException("previousParameters must only be given for an UPDATE, but the action was " + action);
        }
    }

    /** A FULFIL assignment (revision 0), as before resources could be updated or deprovisioned. */
    public Assignment(String requestId, String offerId, String capability, int capabilityVersion, String consumerTeam,
            int attempt, String parameters, Instant assignedAt, Instant acceptDeadline, Duration leadTimeSlo) {
        this(requestId, offerId, capability, capabilityVersion, consumerTeam, attempt, parameters, assignedAt, acceptDeadline,
                leadTimeSlo, AssignmentAction.FULFIL, 0, null);
    }

    /** Whether this is an operation on a fulfilled request's resource: an UPDATE or a DEPROVISION. */
    public boolean isOperation() {
        return isOperation(action);
    }

    private static boolean isOperation(AssignmentAction action) {
        return action == AssignmentAction.UPDATE || action == AssignmentAction.DEPROVISION;
    }

    /** The parameters as a map of JSON values (strings, numbers, booleans, lists, maps). */
    public Map<String, Object> parameterMap() {
        return map("parameters", parameters);
    }

    /** For an UPDATE, the parameters the resource has now, as {@link #parameterMap()}; else empty. */
    public Map<String, Object> previousParameterMap() {
        return previousParameters == null ? Map.of() : map("previousParameters", previousParameters);
    }

    /**
     * For an UPDATE, the top-level parameters that differ between {@link #previousParameters()} and
     * {@link #parameters()} (added, removed or changed), in name order; else empty.
     */
    public Set<String> changedParameters() {
        if (previousParameters == null) {
            return Set.of();
        }
        Map<String, Object> before = previousParameterMap();
        Map<String, Object> after = parameterMap();
        Set<String> names = new HashSet<>(before.keySet());
        names.addAll(after.keySet());
        names.removeIf(name -> Objects.equals(before.get(name), after.get(name)));
        return java.util.Collections.unmodifiableSet(new TreeSet<>(names));
    }

    /** What a report about this assignment is keyed by. */
    public AssignmentRef ref() {
        return new AssignmentRef(requestId, attempt, offerId, capability, revision);
    }

    private Map<String, Object> map(String field, String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(field + " of request " + requestId + " are not a JSON object: "
                    + e.getOriginalMessage(), e);
        }
    }
}
