package io.capmarket.sdk.internal;

import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.tracing.RecordTracing;
import io.capmarket.sdk.ClientClosedException;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.PublishFailedException;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records durably: serializes with the topic's serdes, sends on an idempotent
 * {@code acks=all} producer, waits for the acknowledgement and retries retriable failures with
 * exponential back-off (100 ms doubling to 5 s) until the deadline — or, for outcomes the SDK
 * must not lose, until the client closes. Writes only to the producer's own topics, once
 * {@link OwnTopics} found them: a send never creates a topic.
 */
public final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Producer<String, byte[]> producer;
    private final OwnTopics ownTopics;
    private final Duration timeout;
    private final ProducerListener listener;
    private volatile boolean closed;

    public Publisher(Producer<String, byte[]> producer, OwnTopics ownTopics, Duration timeout, ProducerListener listener) {
        this.producer = producer;
        this.ownTopics = ownTopics;
        this.timeout = timeout;
        this.listener = listener;
    }

    /** Publishes and waits, retrying until the publish timeout. */
    public <V> RecordMetadata publish(Topic<String, V> topic, String key, V value, String what) {
        return publish(topic, key, value, what, false);
    }

    /** Publishes and waits, retrying until acknowledged or the client closes. */
    public <V> RecordMetadata publishUntilClosed(Topic<String, V> topic, String key, V value, String what) {
        return publish(topic, key, value, what, true);
    }

    /**
     * Sends without waiting (heartbeats: the next one replaces a lost one).
     *
     * @throws io.capmarket.sdk.ProducerNotOnboardedException when the topic does not exist
     */
    public <V> void fireAndForget(Topic<String, V> topic, String key, V value, org.apache.kafka.clients.producer.Callback callback) {
        requireOpen("heartbeat");
        ownTopics.require(topic.name());
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        producer.send(new ProducerRecord<>(topic.name(), key, bytes), callback);
    }

    private <V> RecordMetadata publish(Topic<String, V> topic, String key, V value, String what, boolean untilClosed) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            requireOpen(what);
            ownTopics.require(topic.name());
            try {
                byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
                long left = Math.max(1, deadline - System.nanoTime());
                long waitMs = untilClosed ? timeout.toMillis() : TimeUnit.NANOSECONDS.toMillis(left) + 1;
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), key, bytes);
                RecordTracing.inject(Context.current(), record.headers());
                return producer.send(record).get(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishFailedException(what + " was interrupted before Kafka acknowledged it", e);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (closed) {
                    throw new ClientClosedException(what);
                }
                if (cause instanceof AuthorizationException) {
                    throw ownTopics.refused(topic.name(), cause);
                }
                if (!retriable(cause)) {
                    throw new PublishFailedException(what + " was refused: " + cause, cause);
                }
                listener.publishRetried(topic.name(), attempt, cause);
                if (!untilClosed && System.nanoTime() + backoff.toNanos() > deadline) {
                    throw new PublishFailedException(what + " was not acknowledged within " + timeout + " (" + attempt
                            + " tries): " + cause, cause);
                }
                LOG.warn("{} not acknowledged (try {}), retrying in {} ms: {}", what, attempt, backoff.toMillis(), cause.toString());
                LockSupport.parkNanos(backoff.toNanos());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static boolean retriable(Throwable cause) {
        if (cause instanceof org.apache.kafka.common.errors.SerializationException && cause.getCause() != null) {
            cause = cause.getCause(); // the serializer wraps an unreachable registry
        }
        return cause instanceof RetriableException || cause instanceof TimeoutException
                || cause instanceof SchemaRegistryUnavailableException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException;
    }

    private void requireOpen(String what) {
        if (closed) {
            throw new ClientClosedException(what);
        }
    }

    /** Refuses further publishing from now on; records already sent may still be acknowledged. */
    public void refuse() {
        closed = true;
    }

    /** Refuses further publishing; waits for records in flight up to {@code timeout}. */
    public void close(Duration timeout) {
        closed = true;
        producer.close(timeout);
    }
}
