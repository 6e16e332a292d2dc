package io.capmarket.topology.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The value serde of a global table the engine reads for every request (producers' liveness and
 * approvals): a value is decoded once per distinct encoding and the decoded record handed out
 * again while the store holds the same bytes, instead of being decoded on every read. Exact: a
 * changed value is a new encoding. Bounded by {@link #MAX_KEPT} encodings (emptied when full).
 *
 * <p>Readers share the decoded records, so they must not change them (the engine only reads
 * these tables).
 */
final class DecodedOnce {

    /** The most encodings kept decoded. */
    static final int MAX_KEPT = 10_000;

    private DecodedOnce() {
    }

    /** The serde around {@code serde}: its serializer, and its deserializer behind the cache. */
    static <V> Serde<V> around(Serde<V> serde) {
        Deserializer<V> decoder = serde.deserializer();
        ConcurrentHashMap<ByteBuffer, V> decoded = new ConcurrentHashMap<>();
        Deserializer<V> cached = new Deserializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
                decoder.configure(configs, isKey);
            }

            @Override
            public V deserialize(String topic, byte[] data) {
                if (data == null) {
                    return null;
                }
                ByteBuffer key = ByteBuffer.wrap(data);
                V value = decoded.get(key);
                if (value == null) {
                    value = decoder.deserialize(topic, data);
                    if (decoded.size() >= MAX_KEPT) {
                        decoded.clear();
                    }
                    if (value != null) {
                        decoded.put(key, value);
                    }
                }
                return value;
            }
        };
        return Serdes.serdeFrom(serde.serializer(), cached);
    }
}
