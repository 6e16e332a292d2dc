package io.capmarket.bench;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** Fake JIT compiler clocks for the warm-up rules' tests: CPU seconds as a function of the wall clock. */
final class CompilerClocks {

    private CompilerClocks() {
    }

    /** Compiler seconds growing as fast as the clock from {@code startNanos}: one core compiling all along. */
    static DoubleSupplier busySince(long startNanos) {
        return () -> (System.nanoTime() - startNanos) / 1e9;
    }

    /** A core's worth of compiling for {@code busy} from {@code startNanos}, then none. */
    static DoubleSupplier busyFor(long startNanos, Duration busy) {
        DoubleSupplier clock = busySince(startNanos);
        return () -> Math.min(clock.getAsDouble(), busy.toNanos() / 1e9);
    }
}
