package io.capmarket.bench;

import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads {@code request-status} as a consumer of the marketplace would ({@code read_committed},
 * decoded with the registry) and hands every status to a listener with the {@link System#nanoTime()}
 * at which it became visible.
 */
final class StatusWatcher implements AutoCloseable {

    private final PollLoop loop;
    private volatile boolean assigned;

    StatusWatcher(Cluster cluster, Topics topics, String group, BiConsumer<RequestStatus, Long> listener) {
        Map<String, Object> config = new HashMap<>(cluster.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        KafkaConsumer<String, RequestStatus> consumer = new KafkaConsumer<>(config,
                topics.requestStatus().keySerde().deserializer(), topics.requestStatus().valueSerde().deserializer());
        consumer.subscribe(List.of(topics.requestStatus().name()));
        loop = new PollLoop("status-watcher-" + group, () -> {
            var records = consumer.poll(Duration.ofMillis(20));
            if (!consumer.assignment().isEmpty()) {
                assigned = true;
            }
            long now = System.nanoTime();
            for (ConsumerRecord<String, RequestStatus> record : records) {
                // a tombstone: a finished request deleted past its retention (a cluster kept from an earlier run)
                if (record.value() != null) {
                    listener.accept(record.value(), now);
                }
            }
        }, consumer::close);
    }

    /** Waits until the consumer has its partitions (and so sees what is written from now on). */
    StatusWatcher awaitAssigned(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!assigned) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the status watcher got no partitions within " + timeout);
            }
            Pause.briefly(Duration.ofMillis(20));
        }
        return this;
    }

    @Override
    public void close() {
        loop.close();
    }
}
