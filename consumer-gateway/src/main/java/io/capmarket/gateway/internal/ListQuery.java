package io.capmarket.gateway.internal;

/**
 * A page of requests: ordered by request id, after a cursor.
 *
 * @param team only this team's requests, or null for every team (admins)
 * @param state only requests in this state, or null
 * @param capability only requests for this capability, or null
 * @param after only ids greater than this one, or null from the start
 * @param limit at most this many items
 */
public record ListQuery(String team, String state, String capability, String after, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** Whether a view belongs in the answer (the cursor aside). */
    public boolean matches(RequestView view) {
        return (team == null || team.equals(view.team()))
                && (state == null || state.equals(view.state()))
                && (capability == null || capability.equals(view.capability()));
    }
}
