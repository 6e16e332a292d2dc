package io.capmarket.bench;

import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Submits requests at a fixed rate, whatever the system under test does (an open loop), and
 * measures each request from the moment it was <em>due</em> to be sent until the wanted state is
 * visible on {@code request-status}. Timing from the intended send time rather than the actual
 * one is the coordinated-omission correction: a stall of the sender or of the system shows up in
 * the latency of every request it delayed.
 */
final class OpenLoop {

    private final Workload workload;
    private final Cluster cluster;
    private final RequestState target;

    OpenLoop(Cluster cluster, Workload workload, RequestState target) {
        this.cluster = cluster;
        this.workload = workload;
        this.target = target;
    }

    /** Figures of one run: what was sent, what reached the state, and the latency distribution. */
    record Outcome(long sent, long reached, double achievedRate, Histogram latencyMicros) {

        double percentileMillis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1_000.0;
        }
    }

    /**
     * Runs {@code warmUp} unmeasured at {@code ratePerSecond} and waits (up to {@code drain}) until
     * every warm-up request reached the state, so that the measured part starts on a warm system
     * with nothing queued; then calls {@code measuring}, runs {@code duration} measured and waits
     * up to {@code drain} for the last requests to reach the state.
     */
    Outcome run(String runId, int ratePerSecond, Duration warmUp, Duration duration, Duration drain, Runnable measuring) {
        Map<String, Long> due = new ConcurrentHashMap<>();
        Map<String, Long> warming = new ConcurrentHashMap<>();
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        long[] reached = new long[1];
        long sent;
        double achieved;
        try (StatusWatcher watcher = new StatusWatcher(cluster, workload.topics(), runId, (status, seenNanos) -> {
            if (status.getState() == target) {
                warming.remove(status.getRequestId());
                Long intended = due.remove(status.getRequestId());
                if (intended != null) {
                    histogram.recordValue(Math.max(0, (seenNanos - intended) / 1_000));
                    reached[0]++;
                }
            }
        }).awaitAssigned(Duration.ofSeconds(30));
                KafkaProducer<String, RequestCommand> producer = workload.requestProducer(false)) {
            send(producer, runId + "-warmup-", ratePerSecond, warmUp, warming);
            awaitEmpty(warming, drain);
            measuring.run();
            long started = System.nanoTime();
            sent = send(producer, runId + "-", ratePerSecond, duration, due);
            achieved = sent / ((System.nanoTime() - started) / 1e9);
            awaitEmpty(due, drain);
        }
        // the watcher's thread has ended: its histogram and count are safe to read
        return new Outcome(sent, reached[0], achieved, histogram);
    }

    private static void awaitEmpty(Map<String, Long> pending, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            Pause.briefly(Duration.ofMillis(20));
        }
    }

    private long send(KafkaProducer<String, RequestCommand> producer, String idPrefix, int ratePerSecond, Duration duration,
            Map<String, Long> due) {
        long periodNanos = 1_000_000_000L / ratePerSecond;
        long count = duration.toNanos() / periodNanos;
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long intended = start + i * periodNanos;
            Pause.until(intended);
            String id = workload.requestId(idPrefix, i);
            due.put(id, intended);
            producer.send(workload.submitRecord(id, i, Instant.now()));
        }
        producer.flush();
        return count;
    }
}
