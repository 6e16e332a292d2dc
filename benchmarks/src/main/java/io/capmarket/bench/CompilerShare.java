package io.capmarket.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.DoubleSupplier;

/**
 * The JIT compilers' share of one core over the newest window of samples: the measured processes
 * have settled once it is under {@link #SETTLED}. Both warm-up rules judge by it
 * ({@link ClosedLoop.WarmUp} over time, {@link BacklogWarmUp} over a backlog).
 */
final class CompilerShare {

    /** Under this share of one core, over a whole window, the compilers have settled. */
    static final double SETTLED = 0.05;
    /** The window judged by default. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    private final DoubleSupplier compilerSeconds;
    private final long windowNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /**
     * @param compilerSeconds the CPU seconds the measured processes' compilers have used so far
     * @param window the span judged
     */
    CompilerShare(DoubleSupplier compilerSeconds, Duration window) {
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a compilers' share over a window of " + window);
        }
        this.compilerSeconds = compilerSeconds;
        this.windowNanos = window.toNanos();
    }

    /** Reads the compilers' time at {@code nanos} ({@link System#nanoTime()}); keeps one sample at least a window old. */
    void sample(long nanos) {
        samples.addLast(new Sample(nanos, compilerSeconds.getAsDouble()));
        while (samples.size() > 2 && nanos - second().nanos() >= windowNanos) {
            samples.removeFirst();
        }
    }

    /** When the newest sample was taken, or {@code Long.MIN_VALUE} before any. */
    long newestNanos() {
        return samples.isEmpty() ? Long.MIN_VALUE : samples.peekLast().nanos();
    }

    /**
     * The share of one core over the samples kept (up to a window and a sample): the compilers'
     * time added from each sample to the next, over their span; 0 before two samples. A fall (a
     * process or compiler thread gone with its time) adds nothing.
     */
    double share() {
        if (samples.size() < 2) {
            return 0;
        }
        long span = samples.peekLast().nanos() - samples.peekFirst().nanos();
        if (span <= 0) {
            return 0;
        }
        double added = 0;
        Sample previous = null;
        for (Sample sample : samples) {
            if (previous != null) {
                added += Math.max(0, sample.seconds() - previous.seconds());
            }
            previous = sample;
        }
        return added * 1e9 / span;
    }

    /**
     * Whether the samples span a whole window, the compilers' time never fell between two of them,
     * and the share is under {@link #SETTLED}.
     */
    boolean settled() {
        return samples.size() >= 2 && samples.peekLast().nanos() - samples.peekFirst().nanos() >= windowNanos && !fell()
                && share() < SETTLED;
    }

    private boolean fell() {
        Sample previous = null;
        for (Sample sample : samples) {
            if (previous != null && sample.seconds() < previous.seconds()) {
                return true;
            }
            previous = sample;
        }
        return false;
    }

    private Sample second() {
        Iterator<Sample> it = samples.iterator();
        it.next();
        return it.next();
    }

    private record Sample(long nanos, double seconds) {
    }
}
