package io.capmarket.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records that become visible on output topics ({@code read_committed}, so under
 * exactly-once only committed results count), without decoding them, and times the first and the
 * last. The rate is taken between the first poll that returned records and the last one, the
 * records of the first poll excluded.
 */
final class OutputMeter implements AutoCloseable {

    private final AtomicLong count = new AtomicLong();
    private final PollLoop loop;
    private volatile long firstNanos;
    private volatile long firstCount;
    private volatile long lastNanos;

    /** Starts counting the topics whose names match {@code topics}, from their beginning. */
    OutputMeter(Cluster cluster, String group, Pattern topics) {
        Map<String, Object> config = new HashMap<>(cluster.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1_000);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        loop = new PollLoop("output-meter-" + group, () -> {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
            if (records.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            long total = count.addAndGet(records.count());
            if (firstNanos == 0) {
                firstCount = total;
                firstNanos = now;
            }
            lastNanos = now;
        }, consumer::close);
    }

    /** Counts one topic. */
    OutputMeter(Cluster cluster, String group, String topic) {
        this(cluster, group, Pattern.compile(Pattern.quote(topic)));
    }

    /**
     * Waits until {@code expected} records were counted, or {@code limit} passed, or nothing new
     * arrived for {@code idle} once something had.
     */
    Throughput await(long expected, Duration limit, Duration idle) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (count.get() < expected && System.nanoTime() < deadline) {
            if (lastNanos != 0 && System.nanoTime() - lastNanos > idle.toNanos()) {
                break;
            }
            Pause.briefly(Duration.ofMillis(20));
        }
        return throughput();
    }

    /** What has been counted so far. */
    Throughput throughput() {
        long total = count.get();
        double seconds = (lastNanos - firstNanos) / 1e9;
        double rate = seconds > 0 ? (total - firstCount) / seconds : 0;
        return new Throughput(total, seconds, rate);
    }

    /** Records counted, the seconds between the first and the last, and the rate between them. */
    record Throughput(long records, double seconds, double perSecond) {
    }

    @Override
    public void close() {
        loop.close();
    }
}
