package io.capmarket.topology.core.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.capmarket.schemas.LeadTimeFigures;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationSketchTest {

    @Test
    void percentilesOfAUniformDistributionAreWithinOnePercent() {
        DurationSketch sketch = new DurationSketch();
        for (long ms = 1; ms <= 1000; ms++) {
            sketch.record(ms);
        }

        assertThat(sketch.samples()).isEqualTo(1000);
        assertThat(sketch.percentile(50)).isCloseTo(500L, within(5L));
        assertThat(sketch.percentile(95)).isCloseTo(950L, within(10L));
        assertThat(sketch.percentile(100)).isCloseTo(1000L, within(10L));
        LeadTimeFigures figures = sketch.toFigures();
        assertThat(figures.getSamples()).isEqualTo(1000);
        assertThat(figures.getP50Ms()).isEqualTo(sketch.percentile(50));
        assertThat(figures.getP95Ms()).isEqualTo(sketch.percentile(95));
    }

    @Test
    void percentilesOfASkewedDistributionMatchTheExactOnesWithinPrecision() {
        Random random = new Random(42);
        long[] values = new long[20_000];
        DurationSketch sketch = new DurationSketch();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextGaussian() * 1.5 + 10); // a long-tailed lead time, ~ 22 s median
            sketch.record(values[i]);
        }
        Arrays.sort(values);

        long exactP50 = values[values.length / 2 - 1];
        long exactP95 = values[(int) (values.length * 0.95) - 1];
        assertThat(sketch.percentile(50)).isCloseTo(exactP50, within(exactP50 / 100 + 1));
        assertThat(sketch.percentile(95)).isCloseTo(exactP95, within(exactP95 / 100 + 1));
    }

    @Test
    void anEmptySketchHasNoPercentiles() {
        DurationSketch sketch = new DurationSketch();

        assertThat(sketch.samples()).isZero();
        assertThat(sketch.percentile(50)).isNull();
        assertThat(sketch.toFigures()).isEqualTo(DurationSketch.noFigures());
        assertThat(DurationSketch.noFigures().getP95Ms()).isNull();
    }

    @Test
    void negativeDurationsCountAsZeroAndHugeOnesAreClamped() {
        DurationSketch sketch = new DurationSketch();
        sketch.record(-5_000);
        assertThat(sketch.percentile(100)).isZero();

        sketch.record(Long.MAX_VALUE);
        sketch.record(DurationSketch.MAX_TRACKABLE_MS * 3);
        assertThat(sketch.samples()).isEqualTo(3);
        assertThat(sketch.percentile(100))
                .isCloseTo(DurationSketch.MAX_TRACKABLE_MS, within(DurationSketch.MAX_TRACKABLE_MS / 100));
    }

    @Test
    void percentileOutsideZeroToHundredIsRefused() {
        DurationSketch sketch = new DurationSketch();

        assertThatThrownBy(() -> sketch.percentile(101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentile must be between 0 and 100, but was 101.0");
        assertThatThrownBy(() -> sketch.percentile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergingEqualsRecordingIntoOne() {
        Random random = new Random(7);
        DurationSketch left = new DurationSketch();
        DurationSketch right = new DurationSketch();
        DurationSketch together = new DurationSketch();
        for (int i = 0; i < 5_000; i++) {
            long ms = (long) (random.nextDouble() * 3_600_000);
            (random.nextBoolean() ? left : right).record(ms);
            together.record(ms);
        }
        DurationSketch rightBefore = right.copy();

        left.merge(right);

        assertThat(left).isEqualTo(together);
        assertThat(left.toFigures()).isEqualTo(together.toFigures());
        assertThat(right).as("merge leaves its argument alone").isEqualTo(rightBefore);
    }

    @Test
    void aCopyIsIndependent() {
        DurationSketch sketch = new DurationSketch();
        sketch.record(10);
        DurationSketch copy = sketch.copy();

        copy.record(20);

        assertThat(sketch.samples()).isEqualTo(1);
        assertThat(copy.samples()).isEqualTo(2);
    }

    @Test
    void bytesRoundTripExactly() {
        Random random = new Random(3);
        DurationSketch sketch = new DurationSketch();
        for (int i = 0; i < 10_000; i++) {
            sketch.record(random.nextInt(600_000));
        }
        sketch.record(DurationSketch.MAX_TRACKABLE_MS);

        byte[] bytes = sketch.toBytes();
        DurationSketch decoded = DurationSketch.fromBytes(bytes);

        assertThat(decoded).isEqualTo(sketch);
        assertThat(decoded.toBytes()).isEqualTo(bytes);
        assertThat(decoded.toFigures()).isEqualTo(sketch.toFigures());
    }

    @Test
    void garbageIsNotASketch() {
        byte[] valid = new DurationSketch().toBytes();
        byte[] badCookie = valid.clone();
        badCookie[0] ^= 0x55;

        assertThatThrownBy(() -> DurationSketch.fromBytes(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a compressed HdrHistogram");
        assertThatThrownBy(() -> DurationSketch.fromBytes(badCookie))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a compressed HdrHistogram");
        assertThatThrownBy(() -> DurationSketch.fromBytes(java.util.Arrays.copyOf(valid, valid.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
