package io.capmarket.gateway.internal;

import java.time.Duration;

/**
 * What a read of one request waits for.
 *
 * @param waitFor a state to wait for (a terminal state also ends the wait), or null for any
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
        return view != null && satisfiedBy(view.state(), view.history().size());
    }

    /** Whether a request in {@code state} with {@code historySize} transitions ends the wait. */
    public boolean satisfiedBy(String state, int historySize) {
        return RequestViews.TERMINAL.contains(state) || ((waitFor == null || waitFor.equals(state)) && historySize >= minHistory);
    }
}
