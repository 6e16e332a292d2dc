package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class BacklogWarmUpTest {

    private static final Duration WINDOW = Duration.ofMillis(200);
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Duration IDLE = Duration.ofSeconds(10);
    /** Well under {@link #LIMIT}: a warm-up that ran into its limit instead of its rule fails the test. */
    private static final long PROMPTLY = Duration.ofSeconds(5).toNanos();

    @Test
    void settledCompilersEndTheWarmUpOnceItsLeastIsCountedAndAWindowJudged() {
        long start = System.nanoTime();

        BacklogWarmUp.Reached reached = new BacklogWarmUp(300, 1_000_000, WINDOW, () -> 3.0)
                .await(recordsPerMillisecondSince(start), LIMIT, IDLE);

        assertThat(reached.end()).isEqualTo(BacklogWarmUp.End.SETTLED);
        assertThat(reached.records()).as("its least, or the window judged after it started").isBetween(300L, 2_000L);
        assertThat(reached.compilersShare()).isZero();
        assertThat(System.nanoTime() - start).isLessThan(PROMPTLY);
    }

    @Test
    void compilersThatNeverSettleEndTheWarmUpAtItsMost() {
        long start = System.nanoTime();

        BacklogWarmUp.Reached reached = new BacklogWarmUp(100, 600, WINDOW, CompilerClocks.busySince(start))
                .await(recordsPerMillisecondSince(start), LIMIT, IDLE);

        assertThat(reached.end()).isEqualTo(BacklogWarmUp.End.MOST);
        assertThat(reached.records()).as("the records counted past it are the measured part's").isEqualTo(600);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(600).toNanos()).isLessThan(PROMPTLY);
        assertThat(reached.compilersShare()).as("a whole core compiling").isGreaterThan(CompilerShare.SETTLED);
    }

    @Test
    void theWarmUpLastsUntilTheCompilersSettle() {
        long start = System.nanoTime();
        Duration busyFor = Duration.ofMillis(500);

        BacklogWarmUp.Reached reached = new BacklogWarmUp(100, 1_000_000, WINDOW, CompilerClocks.busyFor(start, busyFor))
                .await(recordsPerMillisecondSince(start), LIMIT, IDLE);

        long took = System.nanoTime() - start;
        assertThat(reached.end()).isEqualTo(BacklogWarmUp.End.SETTLED);
        // a window judged quiet may start just before the compiling stops: under 5 % of it was still busy
        long quietFrom = busyFor.toNanos() + (long) (WINDOW.toNanos() * (1 - CompilerShare.SETTLED));
        assertThat(took).as("a whole quiet window after the compiling").isGreaterThanOrEqualTo(quietFrom).isLessThan(PROMPTLY);
        assertThat(reached.records()).isGreaterThanOrEqualTo(quietFrom / 1_000_000 - 1);
        assertThat(reached.compilersShare()).isLessThan(CompilerShare.SETTLED);
    }

    @Test
    void aFixedWarmUpTakesExactlyItsRecords() {
        long start = System.nanoTime();

        BacklogWarmUp.Reached reached = BacklogWarmUp.fixed(400).await(recordsPerMillisecondSince(start), LIMIT, IDLE);

        assertThat(reached.end()).isEqualTo(BacklogWarmUp.End.MOST);
        assertThat(reached.records()).isEqualTo(400);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos()).isLessThan(PROMPTLY);
    }

    @Test
    void aBacklogThatStopsGrowingEndsTheWarmUpAfterTheIdleTime() {
        long start = System.nanoTime();
        LongSupplier growing = recordsPerMillisecondSince(start);
        // 150 records, then nothing more: the measured process stopped
        LongSupplier stalled = () -> Math.min(growing.getAsLong(), 150);

        BacklogWarmUp.Reached reached = new BacklogWarmUp(100, 1_000_000, WINDOW, CompilerClocks.busySince(start))
                .await(stalled, LIMIT, Duration.ofMillis(300));

        assertThat(reached.end()).isEqualTo(BacklogWarmUp.End.IDLE);
        assertThat(reached.records()).isEqualTo(150);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(450).toNanos()).isLessThan(PROMPTLY);
    }

    @Test
    void aBacklogNeverCountedEndsTheWarmUpAtItsLimitNotAsIdle() {
        long start = System.nanoTime();

        BacklogWarmUp.Reached reached = new BacklogWarmUp(100, 1_000, WINDOW, () -> 0)
                .await(() -> 0, Duration.ofMillis(400), Duration.ofMillis(100));

        assertThat(reached.end()).isEqualTo(BacklogWarmUp.End.LIMIT);
        assertThat(reached.records()).isZero();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos()).isLessThan(PROMPTLY);
    }

    @Test
    void aWarmUpOfMoreAtLeastThanAtMostOrWithoutAWindowIsRefused() {
        assertThatThrownBy(() -> new BacklogWarmUp(2, 1, WINDOW, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BacklogWarmUp(-1, 1, WINDOW, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BacklogWarmUp(1, 2, Duration.ZERO, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BacklogWarmUp.settling(300, 200, () -> 0).least()).as("a least past the most is the most").isEqualTo(200);
    }

    /** A meter counting a record per millisecond: a backlog matched at a steady rate. */
    private static LongSupplier recordsPerMillisecondSince(long start) {
        return () -> (System.nanoTime() - start) / 1_000_000;
    }
}
