package io.capmarket.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The unmeasured start of a pre-produced backlog, counted in the records a meter has seen: at
 * least {@code least}, then until the JIT compilers of the measured processes have settled
 * (together under {@link ClosedLoop.WarmUp#SETTLED} of one core over the last {@code window}),
 * and at most {@code most}, the records written for it. The rule of {@link ClosedLoop.WarmUp},
 * for a load that is a backlog rather than a clock: a process still compiling what the load asks
 * of it measures its warm-up, not its steady state, and the passthrough copies records so fast
 * that a fixed count of them ends its warm-up while its compilers are still busy.
 *
 * @param compilerSeconds the CPU seconds the measured processes' compilers have used so far
 */
record BacklogWarmUp(long least, long most, Duration window, DoubleSupplier compilerSeconds) {

    static final Duration WINDOW = Duration.ofSeconds(5);
    /** How often the count is looked at (as {@link OutputMeter#await} does). */
    private static final Duration TICK = Duration.ofMillis(20);
    /** How often the compilers' time is read ({@code /proc}, a file per thread). */
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);

    BacklogWarmUp {
        if (least < 0 || most < least || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a backlog warm-up of " + least + " to " + most + " records over windows of " + window);
        }
    }

    /** At least {@code least} records, at most {@code most}, judged over windows of {@link #WINDOW}. */
    static BacklogWarmUp settling(long least, long most, DoubleSupplier compilerSeconds) {
        return new BacklogWarmUp(least, most, WINDOW, compilerSeconds);
    }

    /** Exactly {@code records}, whatever the compilers do: for runs compared only with each other. */
    static BacklogWarmUp fixed(long records) {
        return new BacklogWarmUp(records, records, WINDOW, () -> 0);
    }

    /**
     * Where a warm-up ended: the records it took (at most {@code most}: the records a meter had
     * already counted past it belong to the measured part, which is timed from the meter's next
     * poll), and the compilers' share of a core over its last window.
     */
    record Reached(long records, double compilersShare) {
    }

    /**
     * Waits while {@code counted} grows until the warm-up is over, or {@code limit} passed, or
     * {@code counted} stood still for {@code idle} (the measured process stopped).
     */
    Reached await(LongSupplier counted, Duration limit, Duration idle) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        ArrayDeque<Sample> samples = new ArrayDeque<>();
        samples.addLast(new Sample(start, compilerSeconds.getAsDouble()));
        long lastCount = -1;
        long lastGrowth = start;
        while (true) {
            long now = System.nanoTime();
            long records = counted.getAsLong();
            if (now - samples.peekLast().nanos() >= SAMPLE_EVERY.toNanos()) {
                samples.addLast(new Sample(now, compilerSeconds.getAsDouble()));
                // the oldest sample kept is the newest one at least a window old
                while (samples.size() > 2 && now - secondOldest(samples).nanos() >= window.toNanos()) {
                    samples.removeFirst();
                }
            }
            Sample oldest = samples.peekFirst();
            Sample newest = samples.peekLast();
            double share = newest.nanos() > oldest.nanos()
                    ? Math.max(0, newest.seconds() - oldest.seconds()) * 1e9 / (newest.nanos() - oldest.nanos())
                    : 0;
            boolean judged = newest.nanos() - oldest.nanos() >= window.toNanos();
            if (records != lastCount) {
                lastCount = records;
                lastGrowth = now;
            }
            if (records >= most || now >= deadline || (records > 0 && now - lastGrowth >= idle.toNanos())
                    || (records >= least && judged && share < ClosedLoop.WarmUp.SETTLED)) {
                return new Reached(Math.min(records, most), share);
            }
            Pause.briefly(TICK);
        }
    }

    private static Sample secondOldest(ArrayDeque<Sample> samples) {
        var it = samples.iterator();
        it.next();
        return it.next();
    }

    private record Sample(long nanos, double seconds) {
    }
}
