package io.capmarket.topology.core.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.capmarket.topology.core.score.ScoreState.Current;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoreStateCodecTest {

    private static final Duration WINDOW = ScoreState.DEFAULT_WINDOW;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Current LOAD = new Current(10, 4, 2, 6);

    @Test
    void anEmptyStateRoundTripsAndEncodesSmall() {
        ScoreState empty = new ScoreState(WINDOW);

        byte[] bytes = ScoreStateCodec.encode(empty);
        ScoreState decoded = ScoreStateCodec.decode(bytes, WINDOW);

        System.out.println("encoded empty state: " + bytes.length + " bytes");
        assertThat(bytes.length).isLessThan(100);
        assertThat(bytes[0]).isEqualTo((byte) ScoreStateCodec.VERSION);
        assertThat(ScoreStateCodec.encode(decoded)).isEqualTo(bytes);
        assertThat(decoded.figures(T0, LOAD)).isEqualTo(new ScoreState(WINDOW).figures(T0, LOAD));
    }

    @Test
    void aStateOfFormatVersionOneIsReadWithNoDayTwoFigures() {
        ByteWriter v1 = new ByteWriter();
        v1.writeByte(1);
        v1.writeUnsigned(WINDOW.toMillis());
        v1.writeByte(3); // a first event and a reference instant
        v1.writeSigned(T0.toEpochMilli());
        v1.writeSigned(T0.toEpochMilli());
        for (long count : new long[] {2, 2, 1, 0, 0, 0}) { // submitted, matched, fulfilled, failed, rejected, SLO breaches
            v1.writeUnsigned(count);
        }
        v1.writeByte(0); // no sketches
        v1.writeUnsigned(0); // no buckets

        ScoreState decoded = ScoreStateCodec.decode(v1.toByteArray(), WINDOW);

        var figures = decoded.figures(T0, LOAD).allTime();
        assertThat(figures.getScalability().getSubmitted()).isEqualTo(2);
        assertThat(figures.getSafety().getFulfilled()).isEqualTo(1);
        assertThat(figures.getSafety().getUpdated()).isZero();
        assertThat(figures.getSafety().getOrphans()).isZero();
        assertThat(figures.getSpeed().getDeprovision().getSamples()).isZero();
        assertThat(ScoreStateCodec.encode(decoded)[0]).as("written again in the current version")
                .isEqualTo((byte) ScoreStateCodec.VERSION);
    }

    @Test
    void aStateOfFormatVersionTwoIsReadWithoutApprovalWaitsAndRefusesTheirBit() {
        ByteWriter v2 = new ByteWriter();
        v2.writeByte(2);
        v2.writeUnsigned(WINDOW.toMillis());
        v2.writeByte(0); // no instants
        for (int i = 0; i < 10; i++) {
            v2.writeUnsigned(i == 6 ? 3 : 0); // three updated
        }
        v2.writeByte(0);
        v2.writeUnsigned(0);
        byte[] bytes = v2.toByteArray();

        ScoreState decoded = ScoreStateCodec.decode(bytes, WINDOW);

        var figures = decoded.figures(T0, LOAD).allTime();
        assertThat(figures.getSafety().getUpdated()).isEqualTo(3);
        assertThat(figures.getSpeed().getApprovalWait().getSamples()).isZero();
        bytes[bytes.length - 2] = 1 << 5; // the approval-wait sketch bit, unknown to version 2
        assertThatThrownBy(() -> ScoreStateCodec.decode(bytes, WINDOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown sketch bits 100000");
    }

    @Test
    void aStateOfFormatVersionFiveIsReadWithNoLateFulfilmentsAndTheyRoundTripNow() {
        ByteWriter v5 = new ByteWriter();
        v5.writeByte(5);
        v5.writeUnsigned(WINDOW.toMillis());
        v5.writeByte(0); // no instants
        for (int i = 0; i < 10; i++) {
            v5.writeUnsigned(i == 2 ? 4 : i == 5 ? 1 : 0); // four fulfilled, one SLO breach
        }
        v5.writeByte(0);
        v5.writeUnsigned(0);

        ScoreState decoded = ScoreStateCodec.decode(v5.toByteArray(), WINDOW);

        assertThat(decoded.figures(T0, LOAD).allTime().getSafety().getFulfilledLate()).isZero();
        decoded.fulfilled(T0, Duration.ofSeconds(5), true);
        ScoreState again = ScoreStateCodec.decode(ScoreStateCodec.encode(decoded), WINDOW);
        assertThat(again.figures(T0, LOAD).allTime().getSafety().getFulfilledLate()).isEqualTo(1);
        assertThat(again.figures(T0, LOAD).allTime().getSafety().getFulfilled()).isEqualTo(5);
    }

    @Test
    void aProducersProbationRoundTripsAndAVersionThreeStateRefusesItsFlag() {
        ScoreState state = new ScoreState(WINDOW);
        state.failed(T0);
        state.probation(T0.plusSeconds(5));

        byte[] bytes = ScoreStateCodec.encode(state);
        ScoreState decoded = ScoreStateCodec.decode(bytes, WINDOW);

        assertThat(decoded.probationSince()).contains(T0.plusSeconds(5));
        assertThat(ScoreStateCodec.encode(decoded)).isEqualTo(bytes);
        decoded.probation(null);
        assertThat(ScoreStateCodec.decode(ScoreStateCodec.encode(decoded), WINDOW).probationSince()).isEmpty();
        bytes[0] = 3;
        assertThatThrownBy(() -> ScoreStateCodec.decode(bytes, WINDOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown flag bits 111");
    }

    @Test
    void randomStatesRoundTripExactly() {
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            ScoreState state = new ScoreState(WINDOW);
            Instant now = T0;
            int events = random.nextInt(300);
            for (int i = 0; i < events; i++) {
                now = now.plusMillis(random.nextInt(60_000));
                // a fifth of the events arrive up to 40 minutes late, so some miss the window
                Instant at = random.nextInt(5) == 0 ? now.minusSeconds(random.nextInt(2_400)) : now;
                recordRandomEvent(state, random, at);
                if (random.nextInt(50) == 0) {
                    state.figures(now, LOAD);
                }
            }

            byte[] bytes = ScoreStateCodec.encode(state);
            ScoreState decoded = ScoreStateCodec.decode(bytes, WINDOW);

            assertThat(ScoreStateCodec.encode(decoded)).as("seed %d", seed).isEqualTo(bytes);
            assertThat(decoded.allTime()).as("seed %d", seed).isEqualTo(state.allTime());
            assertThat(decoded.firstEventMillis()).isEqualTo(state.firstEventMillis());
            assertThat(decoded.referenceMillis()).isEqualTo(state.referenceMillis());
            for (Duration ahead : new Duration[] {Duration.ZERO, Duration.ofMinutes(7), Duration.ofMinutes(16)}) {
                assertThat(decoded.figures(now.plus(ahead), LOAD))
                        .as("seed %d, %s ahead", seed, ahead)
                        .isEqualTo(state.figures(now.plus(ahead), LOAD));
            }
        }
    }

    @Test
    void aStateWithExpiredBucketsRoundTripsWithoutThem() {
        ScoreState state = new ScoreState(WINDOW);
        for (int minute = 0; minute < 10; minute++) {
            state.fulfilled(T0.plus(Duration.ofMinutes(minute)), Duration.ofSeconds(30 + minute), false);
        }
        state.submitted(T0.plus(Duration.ofMinutes(20))); // buckets 0..5 now lie outside the window

        byte[] bytes = ScoreStateCodec.encode(state);
        ScoreState decoded = ScoreStateCodec.decode(bytes, WINDOW);

        Instant now = T0.plus(Duration.ofMinutes(20));
        assertThat(decoded.slidingWindow().buckets(now.toEpochMilli())).hasSize(5);
        assertThat(ScoreStateCodec.encode(decoded)).isEqualTo(bytes);
        assertThat(decoded.figures(now, LOAD)).isEqualTo(state.figures(now, LOAD));
        assertThat(decoded.figures(now, LOAD).window().getSafety().getFulfilled()).isEqualTo(4);
        assertThat(decoded.figures(now, LOAD).allTime().getSafety().getFulfilled()).isEqualTo(10);
    }

    @Test
    void aStateEncodedWithAnotherWindowKeepsItsAllTimeFiguresOnly() {
        ScoreState state = new ScoreState(WINDOW);
        state.fulfilled(T0, Duration.ofSeconds(30), false);

        ScoreState decoded = ScoreStateCodec.decode(ScoreStateCodec.encode(state), Duration.ofMinutes(30));

        assertThat(decoded.window()).isEqualTo(Duration.ofMinutes(30));
        Instant now = T0.plus(Duration.ofMinutes(10)); // past one bucket of either window, so the rates agree
        var figures = decoded.figures(now, LOAD);
        assertThat(figures.window().getSafety().getFulfilled()).isZero();
        assertThat(figures.allTime()).isEqualTo(state.figures(now, LOAD).allTime());
    }

    @Test
    void encodedSizesStayReasonable() {
        System.out.println("encoded empty state: " + ScoreStateCodec.encode(new ScoreState(WINDOW)).length + " bytes");
        for (int requests : new int[] {250, 1_000, 25_000, 100_000}) { // about 4 events per request
            Random random = new Random(requests);
            ScoreState state = new ScoreState(WINDOW);
            Instant now = T0;
            long step = Duration.ofHours(1).toMillis() / requests; // an hour of traffic
            for (int i = 0; i < requests; i++) {
                now = now.plusMillis(step);
                recordLifecycle(state, random, now);
            }
            byte[] bytes = ScoreStateCodec.encode(state);
            System.out.printf("encoded state after %d requests (%d events): %d bytes%n",
                    requests, state.allTime().get(Counter.SUBMITTED) + state.allTime().get(Counter.MATCHED)
                            + state.allTime().get(Counter.FULFILLED) + state.allTime().get(Counter.FAILED)
                            + state.allTime().get(Counter.REJECTED) + state.allTime().get(Counter.SLO_BREACHES)
                            + state.allTime().sketch(Step.MATCHED_TO_ACCEPTED).samples(),
                    bytes.length);
            assertThat(bytes.length).isLessThan(64 * 1024);
            assertThat(ScoreStateCodec.encode(ScoreStateCodec.decode(bytes, WINDOW))).isEqualTo(bytes);
        }
    }

    @Test
    void corruptBytesFailClearly() {
        ScoreState state = new ScoreState(WINDOW);
        recordLifecycle(state, new Random(1), T0);
        byte[] valid = ScoreStateCodec.encode(state);

        assertThatThrownBy(() -> ScoreStateCodec.decode(new byte[0], WINDOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("corrupt score state: no bytes");
        assertThatThrownBy(() -> ScoreStateCodec.decode(new byte[] {9, 1, 2}, WINDOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported score state format version 9, this build reads versions 1 to 6");
        assertThatThrownBy(() -> ScoreStateCodec.decode(Arrays.copyOf(valid, valid.length + 2), WINDOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 trailing bytes");
        assertThatThrownBy(() -> ScoreStateCodec.decode(new byte[] {1, 7}, WINDOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reading window length")
                .hasMessageContaining("divisible by 15");
        assertThatThrownBy(() -> ScoreStateCodec.decode(Arrays.copyOf(valid, 6), WINDOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("corrupt score state at byte")
                .hasMessageContaining("truncated");
    }

    @Test
    void everyTruncationAndRandomGarbageFailsWithAnIllegalArgumentException() {
        ScoreState state = new ScoreState(WINDOW);
        Random random = new Random(5);
        for (int i = 0; i < 50; i++) {
            recordLifecycle(state, random, T0.plusSeconds(i * 20L));
        }
        byte[] valid = ScoreStateCodec.encode(state);

        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> ScoreStateCodec.decode(truncated, WINDOW))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (int i = 0; i < 2_000; i++) {
            byte[] garbage = new byte[1 + random.nextInt(200)];
            random.nextBytes(garbage);
            garbage[0] = (byte) (random.nextBoolean() ? ScoreStateCodec.VERSION : garbage[0]);
            assertDecodesOrFailsClearly(garbage);
        }
        for (int i = 0; i < 2_000; i++) {
            byte[] flipped = valid.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
            assertDecodesOrFailsClearly(flipped);
        }
    }

    /** A flipped bit may still spell a valid state; what must never happen is another kind of failure. */
    private static void assertDecodesOrFailsClearly(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> ScoreStateCodec.decode(bytes, WINDOW));
        if (thrown != null) {
            assertThat(thrown).as(Arrays.toString(bytes)).isInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).isNotBlank();
        }
    }

    /** One request's lifecycle, mostly fulfilled, sometimes rejected, failed or late, with realistic lead times. */
    private static void recordLifecycle(ScoreState state, Random random, Instant at) {
        state.submitted(at);
        Duration toMatch = Duration.ofMillis((long) Math.exp(random.nextGaussian() + 5));
        state.matched(at.plus(toMatch), toMatch);
        if (random.nextInt(20) == 0) {
            state.rejected(at.plus(toMatch));
            state.matched(at.plus(toMatch), null);
        }
        Duration toAccept = Duration.ofMillis((long) Math.exp(random.nextGaussian() + 8));
        state.accepted(at.plus(toMatch).plus(toAccept), toAccept);
        Duration lead = toMatch.plus(toAccept).plusMillis((long) Math.exp(random.nextGaussian() * 0.8 + 11));
        if (random.nextInt(25) == 0) {
            state.failed(at.plus(lead));
        } else {
            state.fulfilled(at.plus(lead), lead, false);
        }
        if (random.nextInt(30) == 0) {
            state.sloBreached(at.plus(lead));
        }
    }

    private static void recordRandomEvent(ScoreState state, Random random, Instant at) {
        Duration duration = Duration.ofMillis(random.nextInt(10) == 0 ? -random.nextInt(1_000) : random.nextInt(3_600_000));
        switch (random.nextInt(12)) {
            case 0 -> state.submitted(at);
            case 1 -> state.matched(at, random.nextBoolean() ? duration : null);
            case 2 -> state.accepted(at, duration);
            case 3 -> state.fulfilled(at, duration, random.nextBoolean());
            case 4 -> state.failed(at);
            case 5 -> state.rejected(at);
            case 6 -> state.updated(at, duration);
            case 7 -> state.updateFailed(at);
            case 8 -> state.deprovisioned(at, duration);
            case 9 -> state.orphaned(at);
            case 10 -> state.approved(at, duration);
            default -> state.sloBreached(at);
        }
    }
}
