package io.capmarket.client;

import java.util.Locale;

/**
 * The states of a request's lifecycle, as the gateway names them. A state this client does not
 * know yet (a newer gateway may add some) reads as {@link #UNKNOWN}; {@link Request#state()}
 * keeps its name.
 */
public enum RequestState {
    /** Accepted by the gateway, not matched yet. */
    SUBMITTED,
    /** No live offer with capacity: matched when one appears or frees up. */
    WAITING,
    /** Assigned to an offer; its producer has not accepted yet. */
    MATCHED,
    /** The producer turned the assignment down; the request is matched again. */
    REJECTED,
    /** The producer accepted the work. */
    ACCEPTED,
    /** The producer is working on it. */
    IN_PROGRESS,
    /** Done: the outputs are there, and the resource lives until it is deprovisioned. */
    FULFILLED,
    /** Gave up: attempts exhausted, waited too long, or the work failed for good. */
    FAILED,
    /** Cancelled before it finished. */
    CANCELLED,
    /** A fulfilled resource being changed to new parameters; FULFILLED again when done (or failed). */
    UPDATING,
    /** A fulfilled resource being given back to its producer. */
    DEPROVISIONING,
    /** The resource was given back: the request is finished. */
    DEPROVISIONED,
    /**
     * Submitted, and waiting for the approvals its capability's policies ask for before it is
     * matched ({@link Request#approvals()}); FAILED when an approver rejects it or the approvals
     * are not all given by {@link Request#approvalExpiresAt()}. Neither live nor finished.
     */
    PENDING_APPROVAL,
    /** A state this version of the client does not know. */
    UNKNOWN;

    /** Whether a request in this state is finished (nothing more will happen to it). */
    public boolean terminal() {
        return this == DEPROVISIONED || this == FAILED || this == CANCELLED;
    }

    /** Whether a request in this state has a live resource: FULFILLED, UPDATING or DEPROVISIONING. */
    public boolean live() {
        return this == FULFILLED || this == UPDATING || this == DEPROVISIONING;
    }

    /** Whether a request in this state is still being provisioned (a state before FULFILLED, PENDING_APPROVAL included). */
    public boolean provisioning() {
        return this != UNKNOWN && !terminal() && !live();
    }

    /** The state named {@code name} (as the gateway spells it), or {@link #UNKNOWN} for any other name, null included. */
    public static RequestState of(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
