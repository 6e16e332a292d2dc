package io.capmarket.schemas.topics;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a topic must be set up: name, partitions, replication and configs.
 *
 * @param name the full topic name, prefix included
 * @param partitions the number of partitions
 * @param replicationFactor the replication factor, or empty for the broker's {@code default.replication.factor}
 * @param cleanupPolicy delete or compact
 * @param configs further topic configs that must hold (cleanup.policy is added from {@code cleanupPolicy})
 */
public record TopicSpec(String name, int partitions, Optional<Short> replicationFactor, CleanupPolicy cleanupPolicy,
        Map<String, String> configs) {

    public TopicSpec {
        TopicNames.requireLegal("topic name", name);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " must be at least 1, but was " + partitions);
        }
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException("replication factor of " + name + " must be at least 1, but was " + rf);
            }
        });
        Map<String, String> all = new TreeMap<>(configs);
        all.put("cleanup.policy", cleanupPolicy.configValue());
        configs = Map.copyOf(all);
    }
}
