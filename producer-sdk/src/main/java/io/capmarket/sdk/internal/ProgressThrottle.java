package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.ProducerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends at most one PROGRESS report per {@code interval} for each assignment (request, attempt and revision):
 * one that comes sooner is held, a later one replaces it (the latest wins), and the held one is
 * sent when the interval has passed. Every other report goes through at once; a FULFILLED,
 * FAILED or REJECTED drops the held progress, which it makes stale, and is never delayed by it.
 * Each report held back and replaced or dropped is told to {@link ProducerListener#progressCoalesced}.
 *
 * <p>Without this a handler reporting progress in a loop would grow the request's history and the
 * fulfilment topic at its own pace. Thread-safe: reports of one assignment are sent in order.
 */
public final class ProgressThrottle implements ReportSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressThrottle.class);

    /** Runs a task after a delay: a scheduled executor, or a test's manual timer. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, Duration delay);
    }

    private final ReportSink delegate;
    private final Duration interval;
    private final Clock clock;
    private final Scheduler scheduler;
    private final ProducerListener listener;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService own;

    /**
     * @param interval the least time between two PROGRESS reports of one assignment; zero sends every one at once
     */
    public ProgressThrottle(ReportSink delegate, Duration interval, Clock clock, Scheduler scheduler, ProducerListener listener) {
        this(delegate, requireInterval(interval), clock, scheduler, listener, null);
    }

    private static Duration requireInterval(Duration interval) {
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("progressInterval must be 0 or more, but was " + interval);
        }
        return interval;
    }

    private ProgressThrottle(ReportSink delegate, Duration interval, Clock clock, Scheduler scheduler, ProducerListener listener,
            ScheduledExecutorService own) {
        this.delegate = delegate;
        this.interval = interval;
        this.clock = clock;
        this.scheduler = scheduler;
        this.listener = listener;
        this.own = own;
    }

    /** A throttle with a timer thread of its own (named {@code threadName}), stopped by {@link #close()}. */
    public static ProgressThrottle withTimer(ReportSink delegate, Duration interval, Clock clock, ProducerListener listener,
            String threadName) {
        if (requireInterval(interval).isZero()) {
            // every report goes at once: nothing is ever scheduled, so no thread is started
            return new ProgressThrottle(delegate, interval, clock, (task, delay) -> {
                throw new IllegalStateException("a progress throttle without an interval schedules nothing");
            }, listener, null);
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return new ProgressThrottle(delegate, interval, clock,
                (task, delay) -> timer.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS), listener, timer);
    }

    /** Stops the timer: progress still held is not sent (the assignment's final report, or its next progress, says more). */
    @Override
    public void close() {
        if (own != null) {
            own.shutdownNow();
        }
    }

    /** One assignment's last PROGRESS sent and the one held, if any. */
    private static final class Entry {
        private Instant lastSent = Instant.MIN;
        private Held held;
        /** Forgotten: by expiry (a later PROGRESS takes a new entry) or by the final report ({@link #settled}). */
        private boolean finished;
        /** The final report was sent: a PROGRESS still coming is stale and dropped. */
        private boolean settled;
    }

    private record Held(AssignmentRef ref, String message) {
    }

    @Override
    public void report(AssignmentRef ref, FulfilmentKind kind, String message, Map<String, String> outputs, boolean retryable,
            boolean mustNotLose) {
        if (interval.isZero() || kind == FulfilmentKind.ACCEPTED) {
            delegate.report(ref, kind, message, outputs, retryable, mustNotLose);
            return;
        }
        String key = ref.requestId() + "#" + ref.attempt() + "#" + ref.revision();
        if (kind != FulfilmentKind.PROGRESS) {
            Entry entry = entries.remove(key);
            if (entry == null) {
                delegate.report(ref, kind, message, outputs, retryable, mustNotLose);
                return;
            }
            synchronized (entry) {
                entry.finished = true;
                entry.settled = true;
                if (entry.held != null) {
                    entry.held = null;
                    listener.progressCoalesced(ref);
                }
                delegate.report(ref, kind, message, outputs, retryable, mustNotLose);
            }
            return;
        }
        while (true) {
            Entry entry = entries.computeIfAbsent(key, k -> new Entry());
            synchronized (entry) {
                if (entry.settled) {
                    listener.progressCoalesced(ref); // the final report went first: this one would say less
                    return;
                }
                if (entry.finished) {
                    continue; // expired meanwhile: take a new entry
                }
                Instant now = clock.instant();
                Instant due = entry.lastSent.equals(Instant.MIN) ? now : entry.lastSent.plus(interval);
                if (entry.held == null && !now.isBefore(due)) {
                    entry.lastSent = now;
                    delegate.report(ref, kind, message, outputs, retryable, mustNotLose);
                    scheduler.schedule(() -> expire(key, entry), interval);
                    return;
                }
                if (entry.held != null) {
                    listener.progressCoalesced(ref);
                } else {
                    scheduler.schedule(() -> flush(key, entry), Duration.between(now, due));
                }
                entry.held = new Held(ref, message);
                return;
            }
        }
    }

    /** Forgets an assignment that holds nothing and sent nothing for an interval: its next PROGRESS goes at once anyway. */
    private void expire(String key, Entry entry) {
        synchronized (entry) {
            if (!entry.finished && entry.held == null && !clock.instant().isBefore(entry.lastSent.plus(interval))) {
                entry.finished = true;
                entries.remove(key, entry);
            }
        }
    }

    /** Sends what an assignment holds, unless a final report came first. */
    private void flush(String key, Entry entry) {
        synchronized (entry) {
            if (entry.finished || entry.held == null) {
                return;
            }
            Held held = entry.held;
            entry.held = null;
            entry.lastSent = clock.instant();
            try {
                delegate.report(held.ref(), FulfilmentKind.PROGRESS, held.message(), Map.of(), false, false);
            } catch (RuntimeException e) {
                // nobody waits for a held report: say so, and forget the entry as after any send
                LOG.warn("a held progress report of request {} (attempt {}) could not be sent: {}", held.ref().requestId(),
                        held.ref().attempt(), e.toString());
            } finally {
                scheduler.schedule(() -> expire(key, entry), interval);
            }
        }
    }

    /** Assignments with a PROGRESS sent within the interval or held (forgotten at the final report, or an interval after the last). */
    int tracked() {
        return entries.size();
    }
}
