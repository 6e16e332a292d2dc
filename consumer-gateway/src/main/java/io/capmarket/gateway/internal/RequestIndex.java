package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of the gateway's list index ({@value GatewayTopology#REQUEST_INDEX}), beside the views
 * keyed by request id, so that a list reads only the entries it may answer with, in its order:
 *
 * <ul>
 *   <li>{@code t/<team>/i/<id>}: a team's requests by id;</li>
 *   <li>{@code t/<team>/n/<newest-first key>}: a team's requests newest first;</li>
 *   <li>{@code n/<newest-first key>}: every team's requests newest first (admins);</li>
 *   <li>{@code p/<oldest-first key>}: every team's requests in PENDING_APPROVAL, oldest first, only
 *       while they are (approval inboxes).</li>
 * </ul>
 * Every entry's value is the request id. An admin's list by id of every team reads the views
 * themselves, which are in that order already. Team names hold no {@code /} (see the team rule
 * of the API and of topic names), so one team's prefix never covers another's.
 */
final class RequestIndex {

    /** The prefix of the requests waiting for approvals. */
    private static final String PENDING = "p/";

    private RequestIndex() {
    }

    /** The index entries of a request view. */
    static Set<String> keys(RequestStatus status) {
        String id = status.getRequestId();
        String team = status.getConsumerTeam();
        String newest = ListQuery.Order.NEWEST.key(id, status.getSubmittedAt());
        if (pending(status)) {
            return Set.of("t/" + team + "/i/" + id, "t/" + team + "/n/" + newest, "n/" + newest,
                    PENDING + ListQuery.Order.OLDEST.key(id, status.getSubmittedAt()));
        }
        return Set.of("t/" + team + "/i/" + id, "t/" + team + "/n/" + newest, "n/" + newest);
    }

    /**
     * Whether two views of a request have the same entries: the keys depend on the id, the team,
     * the submission time and whether the request waits for approvals alone.
     */
    static boolean sameKeys(RequestStatus previous, RequestStatus next) {
        return previous != null && Objects.equals(previous.getConsumerTeam(), next.getConsumerTeam())
                && Objects.equals(previous.getSubmittedAt(), next.getSubmittedAt()) && pending(previous) == pending(next);
    }

    private static boolean pending(RequestStatus status) {
        return status.getState() == RequestState.PENDING_APPROVAL;
    }

    /**
     * Where a list reads in the index.
     *
     * @param prefix every entry of the list starts with it
     * @param from the first key to read; the entry equal to it is the cursor's and is skipped unless the list starts at the top
     * @param cursor whether {@code from} is a cursor's key (to skip) rather than the bare prefix
     */
    record Range(String prefix, String from, boolean cursor) {
    }

    /** The index range of a query, or empty when the views' own id order serves it (every team, by id). */
    static Optional<Range> range(ListQuery query) {
        String prefix;
        if (query.inbox()) {
            prefix = PENDING;
        } else if (query.team() != null) {
            prefix = "t/" + query.team() + (query.order() == ListQuery.Order.ID ? "/i/" : "/n/");
        } else if (query.order() == ListQuery.Order.NEWEST) {
            prefix = "n/";
        } else {
            return Optional.empty();
        }
        return Optional.of(query.after() == null ? new Range(prefix, prefix, false) : new Range(prefix, prefix + query.after(), true));
    }
}
