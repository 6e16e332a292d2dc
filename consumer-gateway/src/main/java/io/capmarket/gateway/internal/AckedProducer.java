package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.tracing.RecordTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes one topic with an idempotent, acknowledged producer ({@code acks=all}, {@code linger.ms=5}): a future
 * completes only once the brokers have the record, so an answer is never given for a record that
 * could still be lost. Futures complete on the {@code callbacks} executor, never on the producer's
 * network thread. A failure, or no acknowledgement within the ack timeout (the brokers are
 * unreachable), becomes a {@link RetryLaterException}.
 *
 * @param <V> the topic's values
 */
final class AckedProducer<V> implements AutoCloseable {

    private final Topic<String, V> topic;
    private final KafkaProducer<String, V> producer;
    private final Duration ackTimeout;
    private final Executor callbacks;
    private final String unacknowledgedHint;

    /**
     * @param deliveryTimeout how long a caller waits for the acknowledgement of a record
     * @param callbacks completes the futures (what follows an acknowledgement runs there)
     * @param clientId the producer's {@code client.id}
     * @param unacknowledgedHint what a caller should do when a record was not acknowledged in time (it may still be written)
     */
    AckedProducer(Topic<String, V> topic, Map<String, Object> clientConfig, Duration deliveryTimeout, Executor callbacks,
            String clientId, String unacknowledgedHint) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Kafka's default: records sent within 5 ms of each other share a produce request, which under
        // load costs the broker and this process less per record than a request each (linger 0)
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(deliveryTimeout.toMillis(), 30_000));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(deliveryTimeout.toMillis(), 30_000));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeout.toMillis());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.topic = topic;
        this.ackTimeout = deliveryTimeout;
        this.callbacks = callbacks;
        this.unacknowledgedHint = unacknowledgedHint;
        this.producer = new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** The number of partitions of the topic (from the producer's metadata; may block up to the delivery timeout). */
    int partitions() {
        return producer.partitionsFor(topic.name()).size();
    }

    /**
     * Sends {@code value} (null: a tombstone) keyed by {@code key}, on {@code partition} or, when
     * null, the key's partition; carrying {@code span}, when given (W3C trace context headers).
     * Completes with the acknowledged record's position.
     */
    CompletableFuture<RecordMetadata> send(Integer partition, String key, V value, Span span) {
        return send(partition, key, value, span, (metadata, error) -> { });
    }

    /**
     * As {@link #send(Integer, String, Object, Span)}; {@code settled} learns Kafka's own outcome (the
     * record's position, or the error) on the {@code callbacks} executor: before the answer completes,
     * or after it, when no acknowledgement came within the ack timeout (Kafka may still write the
     * record then, until its own delivery timeout).
     */
    CompletableFuture<RecordMetadata> send(Integer partition, String key, V value, Span span,
            BiConsumer<RecordMetadata, Throwable> settled) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            ProducerRecord<String, V> record = new ProducerRecord<>(topic.name(), partition, key, value);
            if (span != null) {
                RecordTracing.inject(Context.root().with(span), record.headers());
            }
            producer.send(record, (metadata, error) -> callbacks.execute(() -> {
                try {
                    settled.accept(error == null ? metadata : null, error);
                } finally {
                    answer(acked, metadata, error);
                }
            }));
        } catch (RuntimeException e) {
            try {
                settled.accept(null, e);
            } finally {
                acked.completeExceptionally(new RetryLaterException("the record could not be sent: " + e.getMessage(),
                        Duration.ofSeconds(2), e));
            }
        }
        // Kafka's own delivery timeout is longer (30 s at least): the caller is answered within its budget instead
        return acked.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error -> CompletableFuture.failedFuture(
                error instanceof TimeoutException
                        ? new RetryLaterException("Kafka did not acknowledge the record within " + ackTimeout + "; it may still be "
                                + "written: " + unacknowledgedHint, Duration.ofSeconds(2), error)
                        : error));
    }

    /** Completes the answer with Kafka's outcome (a no-op once the ack timeout has completed it). */
    private static void answer(CompletableFuture<RecordMetadata> acked, RecordMetadata metadata, Exception error) {
        if (error != null) {
            acked.completeExceptionally(new RetryLaterException("Kafka did not acknowledge the record: " + error.getMessage(),
                    Duration.ofSeconds(2), error));
        } else {
            acked.complete(metadata);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
