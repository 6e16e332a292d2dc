package io.capmarket.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The unmeasured start of a pre-produced backlog, counted in the records a meter has seen: at
 * least {@code least}, then until the JIT compilers of the measured processes have settled
 * ({@link CompilerShare}: together under 5 % of one core over the last {@code window}), and at most
 * {@code most}, the records written for it. The rule of {@link ClosedLoop.WarmUp}, for a load that
 * is a backlog rather than a clock: a process still compiling what the load asks of it measures its
 * warm-up, not its steady state, and the passthrough copies records so fast that a fixed count of
 * them ended its warm-up while its compilers were still busy.
 *
 * @param compilerSeconds the CPU seconds the measured processes' compilers have used so far
 */
record BacklogWarmUp(long least, long most, Duration window, DoubleSupplier compilerSeconds) {

    /** How often the count is looked at (as {@link OutputMeter#await} does). */
    private static final Duration TICK = OutputMeter.POLL;
    /** How often the compilers' time is read ({@code /proc}, a file per thread). */
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);

    BacklogWarmUp {
        if (least < 0 || most < least || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a backlog warm-up of " + least + " to " + most + " records over windows of " + window);
        }
    }

    /**
     * At least {@code least} records (no more than {@code most}), at most {@code most}, judged over
     * windows of {@link CompilerShare#WINDOW}.
     */
    static BacklogWarmUp settling(long least, long most, DoubleSupplier compilerSeconds) {
        return new BacklogWarmUp(Math.min(least, most), most, CompilerShare.WINDOW, compilerSeconds);
    }

    /** Exactly {@code records}, whatever the compilers do: for runs compared only with each other. */
    static BacklogWarmUp fixed(long records) {
        return new BacklogWarmUp(records, records, CompilerShare.WINDOW, () -> 0);
    }

    /** Why a warm-up ended. */
    enum End {
        /** Its compilers settled after its least. */
        SETTLED,
        /** It reached its most. */
        MOST,
        /** Its time limit passed first. */
        LIMIT,
        /** The count stood still (the measured process stopped). */
        IDLE;

        /** How a result shows it. */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a warm-up ended.
     *
     * @param records the records it took, at most {@code most}: those a meter had already counted
     *     past it belong to the measured part, which is timed from the meter's next poll
     * @param compilersShare the compilers' share of one core over its last window (or what of one it sampled)
     * @param end why it ended
     */
    record Reached(long records, double compilersShare, End end) {
    }

    /**
     * Waits while {@code counted} grows until the warm-up is over, or {@code limit} passed, or
     * {@code counted}, once it started, stood still for {@code idle}.
     */
    Reached await(LongSupplier counted, Duration limit, Duration idle) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        CompilerShare compilers = new CompilerShare(compilerSeconds, window);
        compilers.sample(start);
        long lastCount = 0;
        long lastGrowth = start;
        while (true) {
            long now = System.nanoTime();
            long records = counted.getAsLong();
            if (now - compilers.newestNanos() >= SAMPLE_EVERY.toNanos()) {
                compilers.sample(now);
            }
            if (records != lastCount) {
                lastCount = records;
                lastGrowth = now;
            }
            End end = records >= most ? End.MOST
                    : records >= least && compilers.settled() ? End.SETTLED
                    : now >= deadline ? End.LIMIT
                    : records > 0 && now - lastGrowth >= idle.toNanos() ? End.IDLE
                    : null;
            if (end != null) {
                return new Reached(Math.min(records, most), compilers.share(), end);
            }
            Pause.briefly(TICK);
        }
    }
}
