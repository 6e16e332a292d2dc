package io.capmarket.topology.core;

import java.util.UUID;

/**
 * A request id in the canonical text of a UUID (36 characters: lower-case hex digits in groups of
 * 8, 4, 4, 4 and 12, joined by hyphens), held as its two 64-bit halves. Only an id whose text
 * {@link #text} gives back exactly is packed, so packing never changes an id. Pure.
 */
final class PackedUuid {

    private static final int LENGTH = 36;

    private PackedUuid() {
    }

    /** Whether {@code id} is a UUID in canonical text, which {@link #high} and {@link #low} pack without loss. */
    static boolean isCanonical(String id) {
        if (id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
            if (hyphen ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The first 16 hex digits of a canonical id. */
    static long high(String id) {
        return hex(id, 0, 8) << 32 | hex(id, 9, 13) << 16 | hex(id, 14, 18);
    }

    /** The last 16 hex digits of a canonical id. */
    static long low(String id) {
        return hex(id, 19, 23) << 48 | hex(id, 24, 36);
    }

    /** The canonical text of the UUID with these halves. */
    static String text(long high, long low) {
        return new UUID(high, low).toString();
    }

    private static long hex(String id, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = id.charAt(i);
            value = value << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return value;
    }
}
