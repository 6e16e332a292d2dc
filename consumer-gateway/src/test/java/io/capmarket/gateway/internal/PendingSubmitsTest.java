package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;

/**
 * What the gateway's one timer thread asks of the loads of submits: {@link PendingSubmits#expire}
 * never waits for a load, which may wait on Kafka for as long as its timeout.
 */
class PendingSubmitsTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @Test
    void expiringWhatTheLoadsKeptDoesNotWaitForALoadBlockedOnKafka() {
        Topics topics = Topics.builder().prefix("t.").build();
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        PendingSubmits pending = new PendingSubmits(topics.requests(), topics.requestStatus().name(), Duration.ofSeconds(30),
                new AcceptedRequests(System::nanoTime), Clock.systemUTC(), () -> consumer);
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        Thread loading = new Thread(() -> {
            try {
                pending.load(Map.of());
                loaded.complete(null);
            } catch (RuntimeException e) {
                loaded.completeExceptionally(e);
            }
        }, "loading");

        // every call of a MockConsumer takes its monitor: held here, the load's first call waits as on a broker that does not answer
        synchronized (consumer) {
            loading.start();
            await().atMost(PROMPTLY).until(() -> loading.getState() == Thread.State.BLOCKED && Arrays.stream(loading.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().equals(MockConsumer.class.getName())));

            CompletableFuture<Void> expired = CompletableFuture.runAsync(pending::expire);

            assertThat(expired).as("expire while a load waits on Kafka").succeedsWithin(PROMPTLY);
        }
        await().atMost(PROMPTLY).until(loaded::isDone);
        pending.close();
    }
}
