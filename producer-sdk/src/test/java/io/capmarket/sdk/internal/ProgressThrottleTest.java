package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress rate limit, on a manual clock and a manual timer: no waiting. */
class ProgressThrottleTest {

    private static final AssignmentRef A = new AssignmentRef("r-1", 1, "pg-1", "postgres-database");
    private static final AssignmentRef B = new AssignmentRef("r-2", 1, "pg-1", "postgres-database");

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final List<String> sent = new ArrayList<>();
    private final List<String> coalesced = new ArrayList<>();
    private final List<Timed> timers = new ArrayList<>();
    private final ProgressThrottle throttle = new ProgressThrottle(
            (ref, kind, message, outputs, retryable, mustNotLose) -> sent.add(ref.requestId() + " " + kind + (message == null ? "" : " " + message)),
            Duration.ofSeconds(1), clock, (task, delay) -> timers.add(new Timed(clock.instant().plus(delay), task)),
            new ProducerListener() {
                @Override
                public void progressCoalesced(AssignmentRef ref) {
                    coalesced.add(ref.requestId());
                }
            });

    private record Timed(Instant due, Runnable task) {
    }

    /** Moves the clock and runs the timers that came due, as the timer thread would. */
    private void advance(Duration by) {
        clock.advance(by);
        List<Timed> due = new ArrayList<>();
        for (Iterator<Timed> it = timers.iterator(); it.hasNext();) {
            Timed timed = it.next();
            if (!timed.due().isAfter(clock.instant())) {
                due.add(timed);
                it.remove();
            }
        }
        due.forEach(timed -> timed.task().run());
    }

    private void progress(AssignmentRef ref, String message) {
        throttle.report(ref, FulfilmentKind.PROGRESS, message, Map.of(), false, false);
    }

    @Test
    void atMostOneProgressASecondPerAssignmentAndTheLatestHeldIsSentWhenTheSecondHasPassed() {
        progress(A, "1%");
        progress(A, "2%");
        progress(A, "3%");
        progress(B, "other request");
        assertThat(sent).containsExactly("r-1 PROGRESS 1%", "r-2 PROGRESS other request");

        advance(Duration.ofMillis(999));
        assertThat(sent).hasSize(2);
        advance(Duration.ofMillis(1));
        assertThat(sent).containsExactly("r-1 PROGRESS 1%", "r-2 PROGRESS other request", "r-1 PROGRESS 3%");
        assertThat(coalesced).as("2% was replaced by 3%").containsExactly("r-1");

        for (int i = 0; i < 5_000; i++) {
            progress(A, "step " + i);
            advance(Duration.ofMillis(10));
        }
        assertThat(sent.stream().filter(s -> s.startsWith("r-1 PROGRESS")).count())
                .as("5,000 reports over 50 s: about one a second").isBetween(50L, 52L);
        assertThat(coalesced).hasSizeGreaterThan(4_900);
    }

    @Test
    void theFinalReportIsNeverDelayedAndDropsTheStaleHeldProgress() {
        progress(A, "1%");
        progress(A, "2%");
        throttle.report(A, FulfilmentKind.FULFILLED, null, Map.of("host", "db"), false, false);
        advance(Duration.ofSeconds(5));

        assertThat(sent).containsExactly("r-1 PROGRESS 1%", "r-1 FULFILLED");
        assertThat(coalesced).containsExactly("r-1");
        assertThat(throttle.tracked()).isZero();

        progress(B, "1%");
        throttle.report(B, FulfilmentKind.FAILED, "disk full", Map.of(), true, true);
        assertThat(sent).endsWith("r-2 PROGRESS 1%", "r-2 FAILED disk full");
    }

    @Test
    void anAssignmentIdleForAnIntervalIsForgottenAndItsNextProgressGoesAtOnce() {
        progress(A, "1%");
        assertThat(throttle.tracked()).isEqualTo(1);
        advance(Duration.ofSeconds(1));
        assertThat(throttle.tracked()).as("bounded by the assignments reporting now").isZero();
        progress(A, "2%");
        assertThat(sent).containsExactly("r-1 PROGRESS 1%", "r-1 PROGRESS 2%");
    }

    @Test
    void zeroSendsEveryProgressAndANegativeIntervalIsRefusedNamingTheSetting() {
        ProgressThrottle off = new ProgressThrottle((ref, kind, message, outputs, retryable, mustNotLose) -> sent.add(message),
                Duration.ZERO, clock, (task, delay) -> timers.add(new Timed(clock.instant(), task)), ProducerListener.NONE);
        off.report(A, FulfilmentKind.PROGRESS, "a", Map.of(), false, false);
        off.report(A, FulfilmentKind.PROGRESS, "b", Map.of(), false, false);

        assertThat(sent).containsExactly("a", "b");
        assertThatThrownBy(() -> new ProgressThrottle(off, Duration.ofSeconds(-1), clock, (task, delay) -> { }, ProducerListener.NONE))
                .hasMessage("progressInterval must be 0 or more, but was PT-1S");
    }
}
