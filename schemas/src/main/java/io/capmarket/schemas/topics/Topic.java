package io.capmarket.schemas.topics;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the catalogue with its key and value types: the only way code names a topic.
 *
 * @param name the full topic name, prefix included
 * @param keySerde how keys are written and read
 * @param valueSerde how values are written and read
 * @param spec how the topic must be set up
 * @param <K> the key type
 * @param <V> the value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicSpec spec) {

    @Override
    public String toString() {
        return name;
    }
}
