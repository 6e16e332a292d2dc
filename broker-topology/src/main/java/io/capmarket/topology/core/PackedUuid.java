package io.capmarket.topology.core;

import java.util.UUID;

/**
 * A request id in the canonical text of a UUID (36 characters: lower-case hex digits in groups of
 * 8, 4, 4, 4 and 12, joined by hyphens), held as its two 64-bit halves ({@link UUID#fromString}
 * reads them). Only an id whose text {@link #text} gives back exactly is packed, so packing never
 * changes an id; {@link UUID#fromString} alone also takes upper case and short groups. Pure.
 */
final class PackedUuid {

    private static final int LENGTH = 36;

    private PackedUuid() {
    }

    /** Whether {@code id} is a UUID in canonical text, whose two halves give it back exactly. */
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

    /** The canonical text of the UUID with these halves. */
    static String text(long high, long low) {
        return new UUID(high, low).toString();
    }
}
