package io.capmarket.topology.internal;

/**
 * What the intake's indexes remember of an offer or a request: its capability, and who it belongs
 * to (the offer's producer, the request's team). Stored as {@code capability/owner}: '/' never
 * occurs in a kebab-case capability nor in a producer's or team's name. An entry written before
 * owners were recorded holds the capability alone; its owner is null. An offer its owner withdrew
 * keeps its owner, no capability and when it was withdrawn ({@link #withdrawn(String, long)},
 * stored as {@code /owner/millis}, or {@code /owner} when written before that time was recorded):
 * its offerId stays the owner's.
 *
 * @param capability the capability, routing key of everything about the offer or request, or null
 *     for an offer withdrawn
 * @param owner the producer or team it belongs to, or null when unknown
 * @param withdrawnAt when the offer was withdrawn, in epoch milliseconds; 0 when it is not, or
 *     when its withdrawal was recorded without a time
 */
record IndexEntry(String capability, String owner, long withdrawnAt) {

    private static final char SEPARATOR = '/';

    IndexEntry {
        if (capability == null && owner == null) {
            throw new IllegalArgumentException("an index entry names a capability, an owner or both, but named neither");
        }
        if (capability != null && withdrawnAt != 0) {
            throw new IllegalArgumentException("only the entry of a withdrawn offer has a withdrawal time, but " + capability
                    + " has " + withdrawnAt);
        }
    }

    /** The entry of an offer or request in {@code capability}, belonging to {@code owner} (null: unknown). */
    IndexEntry(String capability, String owner) {
        this(capability, owner, 0);
    }

    /** The entry of an offer {@code owner} withdrew at {@code at} (epoch milliseconds): nothing to route to, an owner to keep. */
    static IndexEntry withdrawn(String owner, long at) {
        return new IndexEntry(null, owner, Math.max(at, 0));
    }

    /** Whether this is the entry of an offer its owner withdrew. */
    boolean isWithdrawn() {
        return capability == null;
    }

    /** The stored form. */
    String encode() {
        if (owner == null) {
            return capability;
        }
        if (capability == null) {
            return SEPARATOR + owner + (withdrawnAt > 0 ? SEPARATOR + Long.toString(withdrawnAt) : "");
        }
        return capability + SEPARATOR + owner;
    }

    /** Reads a stored entry; null for null (nothing indexed). */
    static IndexEntry decode(String stored) {
        if (stored == null) {
            return null;
        }
        int slash = stored.indexOf(SEPARATOR);
        if (slash < 0) {
            return new IndexEntry(stored, null);
        }
        if (slash > 0) {
            return new IndexEntry(stored.substring(0, slash), stored.substring(slash + 1));
        }
        int time = stored.indexOf(SEPARATOR, 1);
        return time < 0 ? withdrawn(stored.substring(1), 0)
                : withdrawn(stored.substring(1, time), Long.parseLong(stored.substring(time + 1)));
    }
}
