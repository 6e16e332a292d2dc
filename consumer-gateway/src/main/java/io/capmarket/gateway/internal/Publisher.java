package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.schemas.topics.Topic;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes request commands with an idempotent, acknowledged producer ({@code acks=all}, see
 * {@link AckedProducer}): a future completes only once the brokers have the command, so a 202 is
 * never answered for a command that could still be lost. A command is keyed by its requestId and
 * written on the partition of its capability ({@link CapabilityPartitions}), the one the topology
 * matches that capability on, so it reaches the matching engine without a repartition. A failure,
 * or no acknowledgement within the ack timeout (the brokers are unreachable), becomes a
 * {@link RetryLaterException}; a command not acknowledged in time may still be written later
 * ({@link #send(String, String, RequestCommand, Span, BiConsumer)} learns when Kafka settles it).
 */
public final class Publisher implements AutoCloseable {

    private final AckedProducer<RequestCommand> producer;

    /**
     * @param deliveryTimeout how long a caller waits for the acknowledgement of a command
     * @param callbacks completes the futures (what follows an acknowledgement runs there)
     */
    public Publisher(Topic<String, RequestCommand> requests, Map<String, Object> clientConfig, Duration deliveryTimeout,
            Executor callbacks) {
        this.producer = new AckedProducer<>(requests, clientConfig, deliveryTimeout, callbacks, "capmarket-gateway-commands",
                "retry with the same Idempotency-Key");
    }

    /**
     * Sends a command keyed by its requestId on the partition of {@code capability}, carrying
     * {@code span} (W3C trace context headers); completes with the acknowledged record's position.
     */
    public CompletableFuture<RecordMetadata> send(String requestId, String capability, RequestCommand command, Span span) {
        return send(requestId, capability, command, span, (metadata, error) -> { });
    }

    /**
     * As {@link #send(String, String, RequestCommand, Span)}; {@code settled} learns whether Kafka
     * has the command (a null error) or not, once Kafka knows: before the answer, or after it when
     * the answer gave up waiting.
     */
    public CompletableFuture<RecordMetadata> send(String requestId, String capability, RequestCommand command, Span span,
            BiConsumer<RecordMetadata, Throwable> settled) {
        int partition;
        try {
            partition = CapabilityPartitions.of(capability, producer.partitions());
        } catch (RuntimeException e) {
            settled.accept(null, e);
            return CompletableFuture.failedFuture(new RetryLaterException("the command could not be sent: " + e.getMessage(),
                    Duration.ofSeconds(2), e));
        }
        return producer.send(partition, requestId, command, span, settled);
    }

    @Override
    public void close() {
        producer.close();
    }
}
