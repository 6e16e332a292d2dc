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
 * exactly-once only committed results count), without decoding them, and times a window of them:
 * from the meter's start, or from {@link #startWindow} once the warm-up's records are counted.
 * The rate is taken between the window's first poll that returned records and its last one, the
 * records of that first poll excluded.
 */
final class OutputMeter implements AutoCloseable {

    /** How often a wait looks at the count. */
    static final Duration POLL = Duration.ofMillis(20);

    private final AtomicLong count = new AtomicLong();
    private final PollLoop loop;
    private volatile long windowBase;
    private volatile boolean windowPending = true;
    /** The window's first poll that returned records (null until there is one). */
    private volatile Progress first;
    /** The last poll that returned records. */
    private volatile Progress last;

    /** A poll that returned records: the count after it, and when. */
    private record Progress(long count, long nanos) {
    }

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
            Progress progress = new Progress(count.addAndGet(records.count()), System.nanoTime());
            if (windowPending) {
                windowPending = false;
                first = progress;
            }
            last = progress;
        }, consumer::close);
    }

    /** Counts one topic. */
    OutputMeter(Cluster cluster, String group, String topic) {
        this(cluster, group, Pattern.compile(Pattern.quote(topic)));
    }

    /**
     * Starts a new window once the first {@code before} records (a warm-up's) are counted: it
     * counts every record after them and is timed from the next poll that returns records.
     */
    void startWindow(long before) {
        windowBase = before;
        first = null;
        windowPending = true;
    }

    /**
     * Waits until {@code expected} records were counted in the window, or {@code limit} passed, or
     * nothing new arrived for {@code idle} once the window had records.
     */
    Throughput await(long expected, Duration limit, Duration idle) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (count.get() - windowBase < expected && System.nanoTime() < deadline) {
            Progress latest = last;
            if (first != null && latest != null && System.nanoTime() - latest.nanos() > idle.toNanos()) {
                break;
            }
            Pause.briefly(POLL);
        }
        return throughput();
    }

    /**
     * Records counted since the meter started: taken with a process's CPU time, it tells which
     * records that CPU time was spent on (the same lag, one commit at most, at both ends).
     */
    long counted() {
        return count.get();
    }

    /** What the window has counted so far. */
    Throughput throughput() {
        Progress from = first;
        Progress to = last;
        long total = count.get() - windowBase;
        if (from == null || to == null) {
            return new Throughput(total, 0, 0);
        }
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        double rate = seconds > 0 ? (to.count() - from.count()) / seconds : 0;
        return new Throughput(total, seconds, rate);
    }

    /** Records counted in the window, the seconds between its first and last poll, and the rate between them. */
    record Throughput(long records, double seconds, double perSecond) {
    }

    @Override
    public void close() {
        loop.close();
    }
}
