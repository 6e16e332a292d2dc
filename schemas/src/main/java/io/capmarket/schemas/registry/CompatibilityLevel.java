package io.capmarket.schemas.registry;

/**
 * A subject's compatibility rule, as Confluent names it. BACKWARD: a new schema reads data written
 * with the latest one; FORWARD: the latest reads data written with the new one; FULL: both;
 * the {@code _TRANSITIVE} variants hold against every earlier version, not only the latest.
 */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
}
