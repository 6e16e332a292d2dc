package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class BacklogWarmUpTest {

    private static final Duration WINDOW = Duration.ofMillis(200);
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Duration IDLE = Duration.ofSeconds(10);

    @Test
    void settledCompilersEndTheWarmUpOnceItsLeastIsCounted() {
        long start = System.nanoTime();
        LongSupplier counted = recordsPerMillisecondSince(start);

        BacklogWarmUp.Reached reached = new BacklogWarmUp(300, 1_000_000, WINDOW, () -> 3.0).await(counted, LIMIT, IDLE);

        assertThat(reached.records()).isGreaterThanOrEqualTo(300).isLessThan(1_000_000);
        assertThat(reached.compilersShare()).isZero();
    }

    @Test
    void compilersThatNeverSettleEndTheWarmUpAtItsMost() {
        long start = System.nanoTime();

        BacklogWarmUp.Reached reached = new BacklogWarmUp(100, 600, WINDOW, CompilerClocks.busySince(start))
                .await(recordsPerMillisecondSince(start), LIMIT, IDLE);

        assertThat(reached.records()).as("the records counted past it are the measured part's").isEqualTo(600);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(600).toNanos())
                .as("ended by its most, not by its limit").isLessThan(Duration.ofSeconds(10).toNanos());
        assertThat(reached.compilersShare()).as("a whole core compiling").isGreaterThan(ClosedLoop.WarmUp.SETTLED);
    }

    @Test
    void theWarmUpLastsUntilTheCompilersSettle() {
        long start = System.nanoTime();
        Duration busyFor = Duration.ofMillis(500);
        DoubleSupplier compilers = CompilerClocks.busyFor(start, busyFor);

        BacklogWarmUp.Reached reached = new BacklogWarmUp(100, 1_000_000, WINDOW, compilers)
                .await(recordsPerMillisecondSince(start), LIMIT, IDLE);

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(busyFor.toNanos());
        assertThat(reached.records()).isGreaterThanOrEqualTo(500).isLessThan(1_000_000);
        assertThat(reached.compilersShare()).isLessThan(ClosedLoop.WarmUp.SETTLED);
    }

    @Test
    void aFixedWarmUpTakesItsRecordsWhateverTheCompilersDo() {
        long start = System.nanoTime();

        BacklogWarmUp.Reached reached = BacklogWarmUp.fixed(400).await(recordsPerMillisecondSince(start), LIMIT, IDLE);

        assertThat(reached.records()).isEqualTo(400);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
    }

    @Test
    void aBacklogThatStopsGrowingEndsTheWarmUpAfterTheIdleTime() {
        long start = System.nanoTime();
        LongSupplier growing = recordsPerMillisecondSince(start);
        // 150 records, then nothing more: the measured process stopped
        LongSupplier stalled = () -> Math.min(growing.getAsLong(), 150);

        BacklogWarmUp.Reached reached = new BacklogWarmUp(100, 1_000_000, WINDOW, CompilerClocks.busySince(start))
                .await(stalled, LIMIT, Duration.ofMillis(300));

        assertThat(reached.records()).isEqualTo(150);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(450).toNanos()).isLessThan(LIMIT.toNanos());
    }

    @Test
    void aWarmUpOfMoreAtLeastThanAtMostOrWithoutAWindowIsRefused() {
        assertThatThrownBy(() -> new BacklogWarmUp(2, 1, WINDOW, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BacklogWarmUp(-1, 1, WINDOW, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BacklogWarmUp(1, 2, Duration.ZERO, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A meter counting a record per millisecond: a backlog matched at a steady rate. */
    private static LongSupplier recordsPerMillisecondSince(long start) {
        return () -> (System.nanoTime() - start) / 1_000_000;
    }
}
