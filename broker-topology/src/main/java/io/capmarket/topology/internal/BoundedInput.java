package io.capmarket.topology.internal;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Refuses input values larger than the topology takes, before they are read. A record as large as
 * the broker accepts would grow past the broker's limit on its way through (a status carries the
 * request's parameters and its history), and an output the broker refuses cannot be skipped: the
 * task would fail on it again after every restart. Refused here, it is dead-lettered instead.
 */
final class BoundedInput {

    /** The largest input value taken, in bytes: the gateway's own request limit, with room to grow into outputs. */
    static final int MAX_VALUE_BYTES = 256 * 1024;

    private BoundedInput() {
    }

    static <V> Serde<V> bounded(Serde<V> serde) {
        Deserializer<V> inner = serde.deserializer();
        return Serdes.serdeFrom(serde.serializer(), new Deserializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
                inner.configure(configs, isKey);
            }

            @Override
            public V deserialize(String topic, byte[] data) {
                check(topic, data);
                return inner.deserialize(topic, data);
            }

            @Override
            public V deserialize(String topic, Headers headers, byte[] data) {
                check(topic, data);
                return inner.deserialize(topic, headers, data);
            }

            @Override
            public void close() {
                inner.close();
            }
        });
    }

    private static void check(String topic, byte[] data) {
        if (data != null && data.length > MAX_VALUE_BYTES) {
            throw new SerializationException("value of " + data.length + " bytes on " + topic + " is larger than the "
                    + MAX_VALUE_BYTES + " bytes the topology takes");
        }
    }
}
