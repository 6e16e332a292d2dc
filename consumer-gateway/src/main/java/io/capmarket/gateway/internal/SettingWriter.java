package io.capmarket.gateway.internal;

import io.capmarket.schemas.topics.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes the admins' settings on a compacted topic (approval policies, contract handovers, quotas):
 * a setting replaces the one under its key, a tombstone removes it. Acknowledged like every
 * command the gateway writes ({@link AckedProducer}); writing the same setting again is harmless,
 * so a caller retries a failure as it was.
 *
 * @param <V> the topic's settings
 */
public final class SettingWriter<V> implements AutoCloseable {

    private final AckedProducer<V> producer;

    /**
     * @param settings the compacted topic
     * @param deliveryTimeout how long a caller waits for the acknowledgement
     * @param callbacks completes the futures
     * @param clientId the producer's {@code client.id}
     */
    public SettingWriter(Topic<String, V> settings, Map<String, Object> clientConfig, Duration deliveryTimeout, Executor callbacks,
            String clientId) {
        this.producer = new AckedProducer<>(settings, clientConfig, deliveryTimeout, callbacks, clientId, "retrying is safe");
    }

    /** Sets the setting under {@code key}, replacing any; completes once Kafka has it. */
    public CompletableFuture<RecordMetadata> put(String key, V setting) {
        return producer.send(null, key, setting, null);
    }

    /** Removes the setting under {@code key} (a tombstone), also when there is none; completes once Kafka has it. */
    public CompletableFuture<RecordMetadata> remove(String key) {
        return producer.send(null, key, null, null);
    }

    @Override
    public void close() {
        producer.close();
    }
}
