package io.capmarket.client;

import java.util.Locale;

/**
 * Which requests {@link CapmarketClient#requests(RequestQuery)} lists, in which order, and which
 * page. Immutable; derive variants with the {@code with*} methods.
 *
 * <pre>{@code
 * RequestQuery waiting = RequestQuery.all().withState(RequestState.WAITING).withOrder(RequestQuery.Order.NEWEST);
 * Page<Request> page = client.requests(waiting);
 * while (page.hasNext()) {
 *     page = client.requests(waiting.withCursor(page.next()));
 * }
 * }</pre>
 *
 * @param state only requests in this state, or null for any
 * @param capability only requests for this capability, or null for any
 * @param team only this team's requests (admins; others see their own team's only), or null
 * @param order the order of the list
 * @param limit at most this many requests on a page, from 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link Page#next()} of the page before, or null for the first page
 */
public record RequestQuery(RequestState state, String capability, String team, Order order, int limit, String cursor) {

    /** The gateway's page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page the gateway serves. */
    public static final int MAX_LIMIT = 500;

    /** How a list is sorted. */
    public enum Order {
        /** By request id (the cheapest). */
        ID,
        /** Newest submission first. */
        NEWEST
    }

    /** A query; checks every field. */
    public RequestQuery {
        if (state == RequestState.UNKNOWN) {
            throw new IllegalArgumentException("state must be a state the gateway knows, but was UNKNOWN");
        }
        if (capability != null && !capability.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("capability must be a kebab-case capability name, but was '" + capability + "'");
        }
        if (team != null && !team.matches("[a-zA-Z0-9._@-]{1,100}")) {
            throw new IllegalArgumentException("team must be 1 to 100 characters of a-z, A-Z, 0-9, '.', '_', '@', '-', but was '"
                    + team + "'");
        }
        if (order == null) {
            throw new IllegalArgumentException("order must be ID or NEWEST, but was null");
        }
        checkPage(limit, cursor);
    }

    /** Checks a page's size and cursor as every list of the gateway takes them (also {@link CapmarketClient#approvals(int, String)}'s). */
    static void checkPage(int limit, String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", but was " + limit);
        }
        if (cursor != null && cursor.isEmpty()) {
            throw new IllegalArgumentException("cursor must be a page's next cursor or null, but was empty");
        }
    }

    /** Every request the caller may see, by id, {@value #DEFAULT_LIMIT} a page. */
    public static RequestQuery all() {
        return new RequestQuery(null, null, null, Order.ID, DEFAULT_LIMIT, null);
    }

    /** Only requests in {@code state}; null for any. */
    public RequestQuery withState(RequestState state) {
        return new RequestQuery(state, capability, team, order, limit, null);
    }

    /** Only requests for {@code capability}; null for any. */
    public RequestQuery withCapability(String capability) {
        return new RequestQuery(state, capability, team, order, limit, null);
    }

    /** Only {@code team}'s requests (an admin's token); null for the caller's own. */
    public RequestQuery withTeam(String team) {
        return new RequestQuery(state, capability, team, order, limit, null);
    }

    /** Sorted in {@code order}. */
    public RequestQuery withOrder(Order order) {
        return new RequestQuery(state, capability, team, order, limit, null);
    }

    /** At most {@code limit} requests a page. */
    public RequestQuery withLimit(int limit) {
        return new RequestQuery(state, capability, team, order, limit, cursor);
    }

    /** The page after the one whose {@link Page#next()} this is. */
    public RequestQuery withCursor(String cursor) {
        return new RequestQuery(state, capability, team, order, limit, cursor);
    }

    /** The route and its query string, relative to the base URL. */
    String relative() {
        StringBuilder query = new StringBuilder("v1/requests?limit=").append(limit);
        query.append("&order=").append(order.name().toLowerCase(Locale.ROOT));
        if (state != null) {
            query.append("&state=").append(state.name());
        }
        if (capability != null) {
            query.append("&capability=").append(capability);
        }
        if (team != null) {
            query.append("&team=").append(Transport.encode(team));
        }
        if (cursor != null) {
            query.append("&cursor=").append(Transport.encode(cursor));
        }
        return query.toString();
    }
}
