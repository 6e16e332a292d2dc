package io.capmarket.topology.internal;

/**
 * What the intake's indexes remember of an offer or a request: its capability, and who it belongs
 * to (the offer's producer, the request's team). Stored as {@code capability/owner}: '/' never
 * occurs in a kebab-case capability. An entry written before owners were recorded holds the
 * capability alone; its owner is null.
 *
 * @param capability the capability, routing key of everything about the offer or request
 * @param owner the producer or team it belongs to, or null when unknown
 */
record IndexEntry(String capability, String owner) {

    private static final char SEPARATOR = '/';

    /** The stored form. */
    String encode() {
        return owner == null ? capability : capability + SEPARATOR + owner;
    }

    /** Reads a stored entry; null for null (nothing indexed). */
    static IndexEntry decode(String stored) {
        if (stored == null) {
            return null;
        }
        int slash = stored.indexOf(SEPARATOR);
        return slash < 0 ? new IndexEntry(stored, null) : new IndexEntry(stored.substring(0, slash), stored.substring(slash + 1));
    }
}
