package io.capmarket.topology.core.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.capmarket.schemas.ScoreFigures;
import io.capmarket.topology.core.score.ScoreState.Current;
import io.capmarket.topology.core.score.ScoreState.Figures;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScoreStateTest {

    /** On a minute boundary, so with the default window bucket {@code n} starts at {@code at(n)}. */
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ScoreState state = ScoreState.withDefaultWindow();

    private static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private Figures figures(Instant now) {
        return state.figures(now, Current.NONE);
    }

    @Test
    void theDefaultWindowIsFifteenMinutesInFifteenBuckets() {
        assertThat(state.window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(state.slidingWindow().bucketMillis()).isEqualTo(60_000);
    }

    @Test
    void theWindowForgetsEventsOlderThanItsLengthWhileAllTimeKeepsThem() {
        state.submitted(at(0));
        state.submitted(at(5));

        assertThat(figures(at(10)).window().getScalability().getSubmitted()).isEqualTo(2);
        assertThat(figures(at(14).plusSeconds(59)).window().getScalability().getSubmitted()).isEqualTo(2);
        assertThat(figures(at(15)).window().getScalability().getSubmitted()).isEqualTo(1);
        Figures later = figures(at(20));
        assertThat(later.window().getScalability().getSubmitted()).isZero();
        assertThat(later.allTime().getScalability().getSubmitted()).isEqualTo(2);
    }

    @Test
    void lateEventsCountAllTimeOnly() {
        state.submitted(at(30));
        state.submitted(at(0));
        state.fulfilled(at(1), Duration.ofSeconds(40), false);
        state.submitted(at(20));

        Figures figures = figures(at(30));
        assertThat(figures.window().getScalability().getSubmitted()).isEqualTo(2);
        assertThat(figures.window().getSafety().getFulfilled()).isZero();
        assertThat(figures.window().getSpeed().getSubmittedToFulfilled().getSamples()).isZero();
        assertThat(figures.allTime().getScalability().getSubmitted()).isEqualTo(3);
        assertThat(figures.allTime().getSpeed().getSubmittedToFulfilled().getSamples()).isEqualTo(1);
    }

    @Test
    void readingTheFiguresMovesTheWindowSoOlderEventsArriveLate() {
        state.submitted(at(0));
        figures(at(60));

        state.submitted(at(10));

        Figures figures = figures(at(60));
        assertThat(figures.window().getScalability().getSubmitted()).isZero();
        assertThat(figures.allTime().getScalability().getSubmitted()).isEqualTo(2);
    }

    @Test
    void aBucketIsReusedOnceItsSlotExpired() {
        state.failed(at(0));
        state.failed(at(15)); // the same ring position, one window later

        assertThat(state.slidingWindow().buckets(at(15).toEpochMilli())).hasSize(1);
        assertThat(figures(at(15)).window().getSafety().getFailed()).isEqualTo(1);
        assertThat(figures(at(15)).allTime().getSafety().getFailed()).isEqualTo(2);
    }

    @Test
    void eventsAheadOfNowCountInTheWindow() {
        state.submitted(at(12)); // a producer clock two minutes ahead

        Figures figures = figures(at(10));

        assertThat(figures.window().getScalability().getSubmitted()).isEqualTo(1);
    }

    @Test
    void speedFiguresComeFromTheSketchesOfEachStep() {
        for (int i = 1; i <= 100; i++) {
            state.submitted(at(0));
            state.matched(at(1), Duration.ofMillis(i * 10L));
            state.accepted(at(2), Duration.ofSeconds(i));
            state.fulfilled(at(3), Duration.ofMinutes(i), false);
        }

        ScoreFigures window = figures(at(5)).window();

        assertThat(window.getSpeed().getSubmittedToMatched().getSamples()).isEqualTo(100);
        assertThat(window.getSpeed().getSubmittedToMatched().getP50Ms()).isCloseTo(500L, within(5L));
        assertThat(window.getSpeed().getSubmittedToMatched().getP95Ms()).isCloseTo(950L, within(10L));
        assertThat(window.getSpeed().getMatchedToAccepted().getP50Ms()).isCloseTo(50_000L, within(500L));
        assertThat(window.getSpeed().getSubmittedToFulfilled().getP95Ms()).isCloseTo(95 * 60_000L, within(95 * 600L));
        assertThat(window.getScalability().getMatched()).isEqualTo(100);
    }

    @Test
    void aReMatchCountsAsAMatchButNotAsAFirstMatchLeadTime() {
        state.matched(at(0), Duration.ofSeconds(3));
        state.matched(at(1), null);

        ScoreFigures window = figures(at(2)).window();

        assertThat(window.getScalability().getMatched()).isEqualTo(2);
        assertThat(window.getSpeed().getSubmittedToMatched().getSamples()).isEqualTo(1);
        assertThat(window.getSpeed().getSubmittedToMatched().getP50Ms()).isCloseTo(3_000L, within(30L));
    }

    @Test
    void withoutSamplesTheFiguresAreZeroAndPercentilesNull() {
        Figures figures = figures(at(0));

        for (ScoreFigures period : new ScoreFigures[] {figures.window(), figures.allTime()}) {
            assertThat(period.getSpeed().getSubmittedToFulfilled().getSamples()).isZero();
            assertThat(period.getSpeed().getSubmittedToFulfilled().getP50Ms()).isNull();
            assertThat(period.getSpeed().getMatchedToAccepted().getP95Ms()).isNull();
            assertThat(period.getSafety().getFailureRate()).isZero();
            assertThat(period.getScalability().getFulfilledPerMinute()).isZero();
        }
    }

    @Test
    void failureRateIsFailedOverFinishedAndZeroWhenNothingFinished() {
        state.rejected(at(0));
        state.sloBreached(at(0));
        assertThat(figures(at(1)).window().getSafety().getFailureRate()).as("rejections are not finished attempts").isZero();

        state.failed(at(1));
        assertThat(figures(at(1)).window().getSafety().getFailureRate()).isEqualTo(1.0);

        for (int i = 0; i < 3; i++) {
            state.fulfilled(at(1), Duration.ofMinutes(1), false);
        }
        ScoreFigures window = figures(at(1)).window();
        assertThat(window.getSafety().getFailureRate()).isEqualTo(0.25);
        assertThat(window.getSafety().getFulfilled()).isEqualTo(3);
        assertThat(window.getSafety().getFailed()).isEqualTo(1);
        assertThat(window.getSafety().getRejected()).isEqualTo(1);
        assertThat(window.getSafety().getSloBreaches()).isEqualTo(1);
    }

    @Test
    void utilizationIsZeroWithoutCapacityAndTheCurrentLoadIsTheSameInBothPeriods() {
        Figures none = state.figures(at(0), new Current(0, 2, 5, 7));
        assertThat(none.window().getEfficiency().getUtilization()).isZero();
        assertThat(none.allTime().getEfficiency().getUtilization()).isZero();

        Figures busy = state.figures(at(0), new Current(4, 3, 1, 4));
        assertThat(busy.window().getEfficiency()).isEqualTo(busy.allTime().getEfficiency());
        assertThat(busy.window().getEfficiency().getUtilization()).isEqualTo(0.75);
        assertThat(busy.window().getEfficiency().getCapacity()).isEqualTo(4);
        assertThat(busy.window().getEfficiency().getInFlight()).isEqualTo(3);
        assertThat(busy.window().getEfficiency().getWaiting()).isEqualTo(1);
        assertThat(busy.window().getScalability().getBacklog()).isEqualTo(4);
        assertThat(busy.allTime().getScalability().getBacklog()).isEqualTo(4);
    }

    @Test
    void fulfilledPerMinuteDividesByTheTimeTheWindowCovers() {
        state.fulfilled(at(-60), Duration.ofMinutes(1), false); // an hour before: all time only
        for (int i = 0; i < 29; i++) {
            state.fulfilled(at(6 + i % 15), Duration.ofMinutes(1), false);
        }

        // At 20:30 the window holds buckets 6..20, i.e. from 00:06:00 to now: 14.5 minutes.
        Figures figures = figures(at(20).plusSeconds(30));

        assertThat(figures.window().getSafety().getFulfilled()).isEqualTo(29);
        assertThat(figures.window().getScalability().getFulfilledPerMinute()).isCloseTo(2.0, within(1e-9));
        assertThat(figures.allTime().getScalability().getFulfilledPerMinute()).isCloseTo(30 / 80.5, within(1e-9));
    }

    @Test
    void fulfilledPerMinuteOfAYoungScopeRunsFromItsFirstEventAndAtLeastOneBucket() {
        state.submitted(at(0));
        for (int i = 0; i < 3; i++) {
            state.fulfilled(at(0).plusSeconds(10), Duration.ofSeconds(10), false);
        }

        Figures early = figures(at(0).plusSeconds(10));
        assertThat(early.window().getScalability().getFulfilledPerMinute()).isEqualTo(3.0);
        assertThat(early.allTime().getScalability().getFulfilledPerMinute()).isEqualTo(3.0);

        Figures later = figures(at(5));
        assertThat(later.window().getScalability().getFulfilledPerMinute()).isCloseTo(0.6, within(1e-9));
        assertThat(later.allTime().getScalability().getFulfilledPerMinute()).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void bucketsAndSketchesAreAllocatedOnlyForWhatHappened() {
        state.submitted(at(0));
        state.submitted(at(3));
        state.fulfilled(at(3), Duration.ofMinutes(2), false);

        var buckets = state.slidingWindow().buckets(at(3).toEpochMilli());

        assertThat(buckets).extracting(SlidingWindow.Bucket::slot)
                .containsExactly(at(0).toEpochMilli() / 60_000, at(3).toEpochMilli() / 60_000);
        Tally first = buckets.get(0).tally();
        assertThat(first.sketch(Step.SUBMITTED_TO_MATCHED)).isNull();
        assertThat(first.sketch(Step.MATCHED_TO_ACCEPTED)).isNull();
        assertThat(first.sketch(Step.SUBMITTED_TO_FULFILLED)).isNull();
        assertThat(buckets.get(1).tally().sketch(Step.SUBMITTED_TO_FULFILLED)).isNotNull();
        assertThat(buckets.get(1).tally().sketch(Step.SUBMITTED_TO_MATCHED)).isNull();
        assertThat(state.allTime().sketch(Step.MATCHED_TO_ACCEPTED)).isNull();
    }

    @Test
    void aWindowThatDoesNotSplitIntoFifteenEqualBucketsIsRefused() {
        assertThatThrownBy(() -> new ScoreState(Duration.ofSeconds(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be a positive whole number of milliseconds divisible by 15"
                        + " (it is cut into 15 equal buckets), but was PT7S");
        assertThatThrownBy(() -> new ScoreState(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScoreState(Duration.ofNanos(15_000_001))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ScoreState(Duration.ofMinutes(1)).slidingWindow().bucketMillis()).isEqualTo(4_000);
    }

    @Test
    void aNegativeCurrentFigureIsRefused() {
        assertThatThrownBy(() -> new Current(1, -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inFlight must be >= 0, but was -1");
    }
}
