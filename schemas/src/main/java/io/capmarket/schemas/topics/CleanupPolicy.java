package io.capmarket.schemas.topics;

import java.util.Locale;

/** A topic's {@code cleanup.policy}: compacted topics keep the latest value per key. */
public enum CleanupPolicy {
    COMPACT, DELETE;

    /** The value of Kafka's {@code cleanup.policy} setting. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
