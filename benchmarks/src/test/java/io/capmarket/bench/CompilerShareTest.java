package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CompilerShareTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicReference<Double> compiled = new AtomicReference<>(0.0);
    private final CompilerShare share = new CompilerShare(compiled::get, Duration.ofSeconds(10));

    @Test
    void isTheCompilersTimeOverTheWindowsSpan() {
        share.sample(0);
        compiled.set(2.0);
        share.sample(10 * SECOND);

        assertThat(share.share()).isCloseTo(0.2, Offset.offset(1e-9));
        assertThat(share.settled()).isFalse();
    }

    @Test
    void settlesOnlyOverAWholeWindowUnderTheThreshold() {
        share.sample(0);
        compiled.set(0.1);
        share.sample(5 * SECOND);
        assertThat(share.settled()).as("half a window").isFalse();

        share.sample(10 * SECOND);
        assertThat(share.settled()).as("1 % of a core over a whole window").isTrue();
    }

    @Test
    void judgesTheNewestWindowOnly() {
        share.sample(0);
        compiled.set(10.0);
        share.sample(10 * SECOND);
        share.sample(20 * SECOND);

        assertThat(share.share()).as("nothing compiled over the last window").isZero();
        assertThat(share.settled()).isTrue();
    }

    @Test
    void aClockThatFellIsNeverSettled() {
        compiled.set(5.0);
        share.sample(0);
        compiled.set(0.0);
        share.sample(10 * SECOND);

        assertThat(share.settled()).as("a process gone with its compilers' time").isFalse();
        assertThat(share.share()).isZero();
    }

    @Test
    void aFallInsideTheWindowIsNeverSettledEvenWhenLaterCompilingHidesIt() {
        compiled.set(1.0);
        share.sample(0);
        compiled.set(0.0);
        share.sample(4 * SECOND);
        compiled.set(1.2);
        share.sample(10 * SECOND);

        assertThat(share.settled()).as("0.2 s over 10 s between the ends, but a clock that fell in between").isFalse();
        assertThat(share.share()).as("only what was added counts").isCloseTo(0.12, Offset.offset(1e-9));
    }

    @Test
    void aWindowOfNothingIsRefused() {
        assertThatThrownBy(() -> new CompilerShare(() -> 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
