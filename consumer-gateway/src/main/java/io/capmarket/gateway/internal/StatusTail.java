package io.capmarket.gateway.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a task of the gateway's views has still to read of its partition of {@code request-status}
 * when it starts: the last status past the position its group committed, up to where a
 * read_committed reader ends. Kafka gives that end as the last stable offset, which may follow
 * transaction markers and aborted records that no reader is handed, so the tail is read (a few
 * records, further back only when those hold no committed record, never before the committed
 * position). One consumer in no group (it reads the views' group's committed positions, never
 * joins it or commits), used from one thread at a time; each question ends within {@code timeout}.
 */
public final class StatusTail implements LocalViews.LastStatuses, AutoCloseable {

    /** Records read back from the end first; widened sixteenfold while they hold no committed record. */
    static final int FIRST_WINDOW = 64;

    private final String topic;
    private final Map<String, Object> config;
    private final Duration timeout;
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param groupId the views' group (the gateway's {@code application.id}), whose committed positions are read
     * @param clientConfig the gateway's Kafka connection settings
     * @param timeout how long one question may take
     */
    public StatusTail(String topic, String groupId, Map<String, Object> clientConfig, Duration timeout) {
        this.topic = topic;
        this.config = observing(groupId, "capmarket-gateway-status-tail", clientConfig);
        this.timeout = timeout;
    }

    /**
     * The settings of a read_committed consumer that reads {@code groupId}'s committed positions
     * without ever joining the group or committing (it is assigned its partitions).
     */
    static Map<String, Object> observing(String groupId, String clientId, Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    @Override
    public synchronized OptionalLong lastOffset(int partition) {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicPartition tp = new TopicPartition(topic, partition);
        List<TopicPartition> only = List.of(tp);
        consumer.assign(only);
        OffsetAndMetadata committed = consumer.committed(Set.of(tp), timeout).get(tp);
        long begin = Math.max(consumer.beginningOffsets(only, timeout).get(tp), committed == null ? 0 : committed.offset());
        long end = consumer.endOffsets(only, timeout).get(tp);
        if (begin >= end) {
            return OptionalLong.empty();
        }
        for (long window = FIRST_WINDOW; ; window *= 16) {
            long from = Math.max(begin, end - window);
            consumer.seek(tp, from);
            long last = -1;
            while (consumer.position(tp, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the end of " + tp + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.offset() < end) {
                        last = Math.max(last, record.offset());
                    }
                }
            }
            if (last >= 0) {
                return OptionalLong.of(last);
            }
            if (from == begin) {
                return OptionalLong.empty();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
