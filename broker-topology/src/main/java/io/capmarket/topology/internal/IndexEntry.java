package io.capmarket.topology.internal;

/**
 * What the intake's indexes remember of an offer or a request: its capability, and who it belongs
 * to (the offer's producer, the request's team). Stored as {@code capability/owner}: '/' never
 * occurs in a kebab-case capability. An entry written before owners were recorded holds the
 * capability alone; its owner is null. An offer its owner withdrew keeps its owner and no
 * capability ({@link #withdrawn(String)}, stored as {@code /owner}): its offerId stays the owner's.
 *
 * @param capability the capability, routing key of everything about the offer or request, or null
 *     for an offer withdrawn
 * @param owner the producer or team it belongs to, or null when unknown
 */
record IndexEntry(String capability, String owner) {

    private static final char SEPARATOR = '/';

    IndexEntry {
        if (capability == null && owner == null) {
            throw new IllegalArgumentException("an index entry names a capability, an owner or both, but named neither");
        }
    }

    /** The entry of an offer {@code owner} withdrew: nothing to route to, an owner to keep. */
    static IndexEntry withdrawn(String owner) {
        return new IndexEntry(null, owner);
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
        return (capability == null ? "" : capability) + SEPARATOR + owner;
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
        return new IndexEntry(slash == 0 ? null : stored.substring(0, slash), stored.substring(slash + 1));
    }
}
