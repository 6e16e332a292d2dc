package io.capmarket.topology.core;

/**
 * What one team holds of one capability at a time, as the desk counts it: its requests waiting for
 * approvals, waiting for an offer (or for its quota), being provisioned, and its live resources.
 * Derived from the kept requests ({@link LoadTally}) and moved with every change of them.
 *
 * @param pendingApproval requests in PENDING_APPROVAL
 * @param waiting requests in WAITING
 * @param inFlight requests MATCHED, ACCEPTED or IN_PROGRESS
 * @param live resources FULFILLED and not yet DEPROVISIONED
 */
public record TeamLoad(int pendingApproval, int waiting, int inFlight, int live) {

    /** Nothing held. */
    public static final TeamLoad NONE = new TeamLoad(0, 0, 0, 0);

    /** This load moved by the deltas; no count goes below zero. */
    public TeamLoad plus(int pendingApprovalDelta, int waitingDelta, int inFlightDelta, int liveDelta) {
        return new TeamLoad(Math.max(0, pendingApproval + pendingApprovalDelta), Math.max(0, waiting + waitingDelta),
                Math.max(0, inFlight + inFlightDelta), Math.max(0, live + liveDelta));
    }

    /** The load one kept request adds, by its state. */
    static TeamLoad of(io.capmarket.schemas.RequestStatus status) {
        return switch (status.getState()) {
            case PENDING_APPROVAL -> new TeamLoad(1, 0, 0, 0);
            case WAITING -> new TeamLoad(0, 1, 0, 0);
            case MATCHED, ACCEPTED, IN_PROGRESS -> new TeamLoad(0, 0, 1, 0);
            case FULFILLED, UPDATING, DEPROVISIONING -> new TeamLoad(0, 0, 0, 1);
            default -> NONE;
        };
    }

    /** Whether nothing is held. */
    public boolean isEmpty() {
        return pendingApproval == 0 && waiting == 0 && inFlight == 0 && live == 0;
    }
}
