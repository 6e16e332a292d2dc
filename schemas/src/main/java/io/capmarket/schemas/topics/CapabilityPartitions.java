package io.capmarket.schemas.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a capability: Kafka's default partitioning (murmur2) of the capability's name
 * as a string key, which is how the topology spreads capabilities over its tasks. A command written
 * to the partition of its capability ({@code requests}, {@code team.<team>.requests}) is handled by
 * the task that reads it, without passing {@link Topics#capabilityEvents()} on the way.
 */
public final class CapabilityPartitions {

    private CapabilityPartitions() {
    }

    /**
     * @param capability the capability's name
     * @param partitions the topic's number of partitions, at least 1
     * @return the partition, from 0 to {@code partitions - 1}
     */
    public static int of(String capability, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, but was " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(capability.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
