package io.capmarket.topology.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread that dies is replaced: its tasks move to the new thread, which resumes from
 * the last commit. This is how a schema-registry outage, or its refusal of the topology's
 * credentials (which fail the thread rather than dead-letter a good record), is retried. A thread
 * that dies again soon after the last replacement is replaced after a pause, doubling from
 * {@link #FIRST_PAUSE} to {@link #LONGEST_PAUSE}, so that a failure that lasts does not spin.
 */
final class ReplaceThreadHandler implements StreamsUncaughtExceptionHandler {

    /** The pause before a replacement that follows another within {@link #CALM}. */
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);
    /** A failure this long after the last replacement starts the pauses over. */
    static final Duration CALM = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(ReplaceThreadHandler.class);

    /** Waits for a while on the failed thread; interrupted, it returns at once. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final TopologyMetrics metrics;
    private final Clock clock;
    private final Pause pause;
    private Instant lastReplaced;
    private int soonAfter;

    ReplaceThreadHandler(TopologyMetrics metrics) {
        this(metrics, Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()));
    }

    ReplaceThreadHandler(TopologyMetrics metrics, Clock clock, Pause pause) {
        this.metrics = metrics;
        this.clock = clock;
        this.pause = pause;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        Duration wait = nextPause();
        LOG.error("stream thread failed; replacing it{}", wait.isZero() ? "" : " in " + wait.toMillis() + " ms", exception);
        metrics.threadReplaced(rootCause(exception));
        if (!wait.isZero()) {
            try {
                pause.pause(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            lastReplaced = clock.instant();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** No pause for a failure after a calm spell; else one that doubles with each failure soon after the last. */
    synchronized Duration nextPause() {
        Instant now = clock.instant();
        if (lastReplaced == null || !now.isBefore(lastReplaced.plus(CALM))) {
            soonAfter = 0;
            return Duration.ZERO;
        }
        Duration wait = FIRST_PAUSE.multipliedBy(1L << Math.min(soonAfter, 10));
        soonAfter++;
        return wait.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : wait;
    }

    /** The innermost cause: Kafka wraps the real failure in one or two StreamsExceptions. */
    static Throwable rootCause(Throwable exception) {
        Throwable t = exception;
        int depth = 0;
        while (t.getCause() != null && t.getCause() != t && depth++ < 20) {
            t = t.getCause();
        }
        return t;
    }
}
