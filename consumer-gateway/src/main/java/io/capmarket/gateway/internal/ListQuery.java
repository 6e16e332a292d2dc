package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A page of requests, in an {@link Order}, after a cursor.
 *
 * @param team only this team's requests, or null for every team (admins, approval inboxes)
 * @param state only requests in this state, or null
 * @param capability only requests for this capability, or null
 * @param after only requests whose {@linkplain Order#key key} is greater than this one, or null from the start
 * @param limit at most this many items
 * @param order how the list is sorted (and what a cursor holds)
 * @param orphanedOnly only deprovisions flagged as orphans
 * @param approver only requests with an open approval this caller may decide ({@link Approvals#decides}), or null
 */
public record ListQuery(String team, String state, String capability, String after, int limit, Order order, boolean orphanedOnly,
        Principal approver) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** A query in request-id order. */
    public ListQuery(String team, String state, String capability, String after, int limit) {
        this(team, state, capability, after, limit, Order.ID);
    }

    /** A query of orphans and others alike. */
    public ListQuery(String team, String state, String capability, String after, int limit, Order order) {
        this(team, state, capability, after, limit, order, false);
    }

    /** A query that is not an approver's inbox. */
    public ListQuery(String team, String state, String capability, String after, int limit, Order order, boolean orphanedOnly) {
        this(team, state, capability, after, limit, order, orphanedOnly, null);
    }

    /**
     * The approval inbox of {@code approver}: every team's requests in PENDING_APPROVAL with an
     * open approval it may decide, oldest first.
     */
    public static ListQuery inbox(Principal approver, String after, int limit) {
        return new ListQuery(null, RequestState.PENDING_APPROVAL.name(), null, after, limit, Order.OLDEST, false, approver);
    }

    /** Whether this is an approver's inbox. */
    public boolean inbox() {
        return approver != null;
    }

    /** How a list is sorted: each order gives every request a key, and lists ascend by key. */
    public enum Order {
        /** By request id: the store's own order, so a page reads only what it returns. */
        ID,
        /** Newest submission first (ties by id), read from the list index in that order. */
        NEWEST,
        /** Oldest submission first (ties by id): the approval inbox's order, not one a list of requests is asked for. */
        OLDEST;

        /** The values of the {@code order} query parameter of request lists. */
        public static final List<String> NAMES = Stream.of(ID, NEWEST).map(Order::parameter).toList();

        /** This order as the {@code order} query parameter spells it. */
        public String parameter() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The order named by a query parameter (one of {@link #NAMES}), or {@link #ID} for none. */
        public static Order of(String parameter) {
            return parameter == null ? ID : valueOf(parameter.toUpperCase(Locale.ROOT));
        }

        /**
         * The sort key of a request: its id; or its submission time, counted back from the end of
         * time for the newest first, in fixed width, followed by its id.
         */
        public String key(RequestView view) {
            return key(view.id(), Instant.parse(view.submittedAt()));
        }

        /** The sort key of the request {@code id} submitted at {@code submittedAt}. */
        public String key(String id, Instant submittedAt) {
            if (this == ID) {
                return id;
            }
            long millis = this == NEWEST ? Long.MAX_VALUE - submittedAt.toEpochMilli() : submittedAt.toEpochMilli();
            if (millis < 0) { // before 1970: such a key stays as it was
                return String.format(Locale.ROOT, "%019d/%s", millis, id);
            }
            // zero-padded to 19 digits by hand: the index keys every request it views with this, and
            // String.format was a fifth of the gateway's view-keeping thread
            String digits = Long.toString(millis);
            StringBuilder key = new StringBuilder(20 + id.length());
            key.append("0".repeat(19 - digits.length())).append(digits).append('/').append(id);
            return key.toString();
        }

        /** Ascending by {@link #key}. */
        public Comparator<RequestView> comparator() {
            return Comparator.comparing(this::key);
        }
    }

    /** Whether a view belongs in the answer (the cursor aside). */
    public boolean matches(RequestView view) {
        return matches(view.team(), view.state(), view.capability(), view.orphaned())
                && (approver == null || Approvals.decides(approver, view));
    }

    /** Whether a stored status belongs in the answer (the cursor aside). */
    public boolean matches(RequestStatus status) {
        return matches(status.getConsumerTeam(), status.getState().name(), status.getCapability(), status.getOrphaned())
                && (approver == null || Approvals.decides(approver, status));
    }

    /**
     * Whether a request of this team, state and capability, orphaned or not, belongs in the answer
     * (the cursor and the approver aside).
     */
    public boolean matches(String requestTeam, String requestState, String requestCapability, boolean orphaned) {
        return (team == null || team.equals(requestTeam))
                && (state == null || state.equals(requestState))
                && (capability == null || capability.equals(requestCapability))
                && (!orphanedOnly || orphaned);
    }

    /** Whether a view comes after the cursor. */
    public boolean afterCursor(RequestView view) {
        return afterCursor(view.id(), Instant.parse(view.submittedAt()));
    }

    /** Whether the request {@code id} submitted at {@code submittedAt} comes after the cursor. */
    public boolean afterCursor(String id, Instant submittedAt) {
        return after == null || order.key(id, submittedAt).compareTo(after) > 0;
    }
}
