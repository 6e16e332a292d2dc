package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.topics.CapabilityPartitions;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes request commands with an idempotent, acknowledged producer ({@code acks=all}): a
 * future completes only once the brokers have the command, so a 202 is never answered for a
 * command that could still be lost. A command is keyed by its requestId and written on the
 * partition of its capability ({@link CapabilityPartitions}), the one the topology matches that
 * capability on, so it reaches the matching engine without a repartition. Futures complete on the
 * {@code callbacks} executor, never on the producer's network thread. A failure, or no acknowledgement within the ack timeout (the
 * brokers are unreachable), becomes a {@link RetryLaterException}; a command not acknowledged in
 * time may still be written later, which a retry with the same Idempotency-Key then finds.
 */
public final class Publisher implements AutoCloseable {

    private final Topic<String, RequestCommand> requests;
    private final KafkaProducer<String, RequestCommand> producer;
    private final Duration ackTimeout;
    private final Executor callbacks;

    /**
     * @param deliveryTimeout how long a caller waits for the acknowledgement of a command
     * @param callbacks completes the futures (what follows an acknowledgement runs there)
     */
    public Publisher(Topic<String, RequestCommand> requests, Map<String, Object> clientConfig, Duration deliveryTimeout,
            Executor callbacks) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(deliveryTimeout.toMillis(), 30_000));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(deliveryTimeout.toMillis(), 30_000));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeout.toMillis());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "capmarket-gateway-commands");
        this.requests = requests;
        this.ackTimeout = deliveryTimeout;
        this.callbacks = callbacks;
        this.producer = new KafkaProducer<>(config, requests.keySerde().serializer(), requests.valueSerde().serializer());
    }

    /**
     * Sends a command keyed by its requestId on the partition of {@code capability}, carrying
     * {@code span} (W3C trace context headers); completes with the acknowledged record's position.
     */
    public CompletableFuture<RecordMetadata> send(String requestId, String capability, RequestCommand command, Span span) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            int partition = CapabilityPartitions.of(capability, producer.partitionsFor(requests.name()).size());
            ProducerRecord<String, RequestCommand> record = new ProducerRecord<>(requests.name(), partition, requestId, command);
            RecordTracing.inject(Context.root().with(span), record.headers());
            producer.send(record, (metadata, error) -> callbacks.execute(() -> {
                if (error != null) {
                    acked.completeExceptionally(new RetryLaterException("Kafka did not acknowledge the command: " + error.getMessage(),
                            Duration.ofSeconds(2), error));
                } else {
                    acked.complete(metadata);
                }
            }));
        } catch (RuntimeException e) {
            acked.completeExceptionally(new RetryLaterException("the command could not be sent: " + e.getMessage(), Duration.ofSeconds(2), e));
        }
        // Kafka's own delivery timeout is longer (30 s at least): the caller is answered within its budget instead
        return acked.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error -> CompletableFuture.failedFuture(
                error instanceof TimeoutException
                        ? new RetryLaterException("Kafka did not acknowledge the command within " + ackTimeout
                                + "; it may still be written: retry with the same Idempotency-Key", Duration.ofSeconds(2), error)
                        : error));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
