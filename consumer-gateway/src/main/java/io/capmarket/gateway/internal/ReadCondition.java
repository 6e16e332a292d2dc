package io.capmarket.gateway.internal;

import java.time.Duration;
import java.util.List;

/**
 * What a read of one request waits for.
 *
 * @param waitFor a state to wait for, reached now or passed through (a terminal state also ends the wait, and so does a
 *     live resource when the state is one of provisioning, which can no longer come), or null for any; PENDING_APPROVAL
 *     is one of provisioning, neither final nor live: a wait for FULFILLED goes on through it
 * @param minHistory wait until the history has at least this many entries (or the request is finished)
 * @param awaitExistence wait for the request to appear instead of answering "not found" at once
 * @param timeout how long to wait; zero answers at once
 */
public record ReadCondition(String waitFor, int minHistory, boolean awaitExistence, Duration timeout) {

    /** Answer with what there is now. */
    public static ReadCondition now() {
        return new ReadCondition(null, 0, false, Duration.ZERO);
    }

    /** Whether a view (null: none) ends the wait. */
    public boolean satisfiedBy(RequestView view) {
        return view != null && satisfiedBy(view.state(), view.history().stream().map(RequestView.Transition::state).toList());
    }

    /**
     * Whether a request in {@code state} with the history of these states ends the wait: it is
     * finished; or its resource is live while the state waited for is one of provisioning, which
     * can no longer come; or it is in the state waited for or has passed through it (a status
     * holds every transition of a step, so a state such as REJECTED re-matched in the same step is
     * never a status's current state), with at least {@code minHistory} transitions.
     */
    public boolean satisfiedBy(String state, List<String> historyStates) {
        if (RequestViews.TERMINAL.contains(state) || RequestViews.LIVE.contains(state) && waitsForProvisioning()) {
            return true;
        }
        return (waitFor == null || waitFor.equals(state) || historyStates.contains(waitFor)) && historyStates.size() >= minHistory;
    }

    private boolean waitsForProvisioning() {
        return waitFor != null && !RequestViews.LIVE.contains(waitFor) && !RequestViews.TERMINAL.contains(waitFor);
    }
}
