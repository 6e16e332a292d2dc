package io.capmarket.schemas.topics;

/**
 * An existing topic whose setup differs from its spec.
 *
 * @param topic the topic
 * @param setting {@code partitions} or a config name such as {@code cleanup.policy}
 * @param expected what the spec requires
 * @param actual what the cluster has
 */
public record Mismatch(String topic, String setting, String expected, String actual) {

    /** One line for logs and error messages. */
    public String message() {
        return "topic " + topic + ": " + setting + " is " + actual + ", expected " + expected;
    }
}
