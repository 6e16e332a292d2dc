package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestStatus;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of the gateway's list index ({@value GatewayTopology#REQUEST_INDEX}), beside the views
 * keyed by request id, so that a list reads only the entries it may answer with, in its order:
 *
 * <ul>
 *   <li>{@code t/<team>/i/<id>}: a team's requests by id;</li>
 *   <li>{@code t/<team>/n/<newest-first key>}: a team's requests newest first;</li>
 *   <li>{@code n/<newest-first key>}: every team's requests newest first (admins).</li>
 * </ul>
 * Every entry's value is the request id. An admin's list by id of every team reads the views
 * themselves, which are in that order already. Team names hold no {@code /} (see the team rule
 * of the API and of topic names), so one team's prefix never covers another's.
 */
final class RequestIndex {

    private RequestIndex() {
    }

    /** The index entries of a request view. */
    static Set<String> keys(RequestStatus status) {
        String id = status.getRequestId();
        String team = status.getConsumerTeam();
        String newest = ListQuery.Order.NEWEST.key(id, status.getSubmittedAt());
        return Set.of("t/" + team + "/i/" + id, "t/" + team + "/n/" + newest, "n/" + newest);
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
        if (query.team() != null) {
            prefix = "t/" + query.team() + (query.order() == ListQuery.Order.ID ? "/i/" : "/n/");
        } else if (query.order() == ListQuery.Order.NEWEST) {
            prefix = "n/";
        } else {
            return Optional.empty();
        }
        return Optional.of(query.after() == null ? new Range(prefix, prefix, false) : new Range(prefix, prefix + query.after(), true));
    }
}
