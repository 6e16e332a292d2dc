package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    private static final Duration WINDOW = Duration.ofMillis(50);

    @Test
    void settledCompilersEndTheWarmUpOnceItsLeastHasPassed() {
        long start = System.nanoTime();

        double share = new ClosedLoop.WarmUp(Duration.ofMillis(200), Duration.ofSeconds(20), WINDOW, () -> 3.0).await(start);

        long took = System.nanoTime() - start;
        assertThat(share).isZero();
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos()).isLessThan(Duration.ofSeconds(20).toNanos());
    }

    @Test
    void compilersThatNeverSettleEndTheWarmUpAtItsMost() {
        long start = System.nanoTime();

        double share = new ClosedLoop.WarmUp(Duration.ofMillis(100), Duration.ofMillis(400), WINDOW, CompilerClocks.busySince(start))
                .await(start);

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(share).as("a whole core compiling").isGreaterThan(CompilerShare.SETTLED);
    }

    @Test
    void theWarmUpLastsUntilTheCompilersSettle() {
        long start = System.nanoTime();
        Duration busyFor = Duration.ofMillis(500);
        DoubleSupplier compilers = CompilerClocks.busyFor(start, busyFor);

        double share = new ClosedLoop.WarmUp(Duration.ofMillis(100), Duration.ofSeconds(20), WINDOW, compilers).await(start);

        long took = System.nanoTime() - start;
        assertThat(took).isGreaterThanOrEqualTo(busyFor.toNanos()).isLessThan(Duration.ofSeconds(20).toNanos());
        assertThat(share).isLessThan(CompilerShare.SETTLED);
    }

    @Test
    void aWarmUpShorterAtMostThanAtLeastOrWithoutAWindowIsRefused() {
        assertThatThrownBy(() -> new ClosedLoop.WarmUp(Duration.ofSeconds(2), Duration.ofSeconds(1), WINDOW, () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClosedLoop.WarmUp(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO, () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
