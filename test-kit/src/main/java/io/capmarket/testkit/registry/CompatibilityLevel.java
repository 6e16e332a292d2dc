package io.capmarket.testkit.registry;

import java.util.Locale;

/** Confluent's compatibility levels; the default, as in Confluent Schema Registry, is {@link #BACKWARD}. */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The new schema must read data written with the earlier one(s). */
    boolean backward() {
        return backward;
    }

    /** The earlier schema(s) must read data written with the new one. */
    boolean forward() {
        return forward;
    }

    /** Checked against every earlier version, not only the latest. */
    boolean transitive() {
        return transitive;
    }

    /**
     * Parses a level as sent by clients.
     *
     * @throws RegistryException 42203 when the value is not a level
     */
    static CompatibilityLevel parse(String value) {
        if (value == null) {
            throw RegistryException.invalidCompatibilityLevel("null");
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibilityLevel(value);
        }
    }
}
