package io.capmarket.topology.core;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import java.time.Instant;
import java.util.List;

/**
 * Since when a request's waits count, read from its history: its wait for an offer
 * ({@code matching.max-wait}) and for approvals ({@code approval.expires-after}) count from when it
 * last entered the state it waits in, not from its submission.
 */
public final class Waits {

    private Waits() {
    }

    /**
     * Since when {@code matching.max-wait} counts for a WAITING request: since it last began to wait
     * without an offer. That is its submission; or, when it waited for approvals, the last decision
     * on them, so that the time an approver took is not taken from its wait for an offer; or, when
     * an offer gave it up, the end of that attempt, so that the time its producer held it is not.
     */
    public static Instant waitingSince(RequestStatus status) {
        return enteredAt(status);
    }

    /**
     * What {@link #waitingSince} counts from, in words: {@code its submission}, {@code its approval} or
     * {@code the end of attempt 2}.
     */
    public static String waitingSinceDescribed(RequestStatus status) {
        StatusTransition before = enteredAfter(status);
        if (before == null) {
            return "its submission";
        }
        return before.getState() == RequestState.PENDING_APPROVAL ? "its approval" : "the end of attempt " + before.getAttempt();
    }

    /**
     * When the request entered the state it stands in (WAITING, PENDING_APPROVAL...) for the last
     * time: the first of its last entries of that state (a note, or an approval while it waits,
     * adds one of the same state), or its submission when nothing else came before (a submission
     * may be dated before the entry that follows it).
     */
    static Instant enteredAt(RequestStatus status) {
        List<StatusTransition> history = status.getHistory();
        int entered = enteredIndex(status);
        return entered == history.size() || enteredAfter(status) == null ? status.getSubmittedAt() : history.get(entered).getAt();
    }

    /**
     * The entry before the request last entered the state it stands in ({@link #enteredAt}), or null
     * when nothing but its submission came before.
     */
    static StatusTransition enteredAfter(RequestStatus status) {
        int entered = enteredIndex(status);
        StatusTransition before = entered == 0 ? null : status.getHistory().get(entered - 1);
        return before == null || before.getState() == RequestState.SUBMITTED ? null : before;
    }

    private static int enteredIndex(RequestStatus status) {
        List<StatusTransition> history = status.getHistory();
        int entered = history.size();
        while (entered > 0 && history.get(entered - 1).getState() == status.getState()) {
            entered--;
        }
        return entered;
    }
}
