package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reports of {@code GET /v1/insights}: reused while younger than max-age, one computation per window at a time. */
class InsightsHandlersTest {

    private static final Duration MONTH = Duration.ofDays(30);
    private static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T20:00:00Z"));
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AtomicInteger computations = new AtomicInteger();
    /** Opened by a test whose computations are to wait until it says; open otherwise. */
    private volatile CountDownLatch release = new CountDownLatch(0);
    private volatile RuntimeException failure;
    private final InsightsHandlers handlers = new InsightsHandlers(this::compute, clock,
            new InsightsHandlers.Settings(MONTH, 0.8, MAX_AGE), metrics);

    private CatalogInsights.Report compute(Duration window) {
        computations.incrementAndGet();
        try {
            assertThat(release.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure != null) {
            throw failure;
        }
        return new CatalogInsights.Report(clock.instant(), window, List.of(), List.of(), List.of(), List.of(), clock.instant(),
                List.of(), List.of(), List.of());
    }

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void aReportYoungerThanMaxAgeIsAnsweredAgainAndAnOlderOneIsComputedAnew() {
        CatalogInsights.Report first = handlers.report(MONTH);
        clock.advance(MAX_AGE.minusMillis(1));

        assertThat(handlers.report(MONTH)).isSameAs(first);
        assertThat(computations).hasValue(1);
        assertThat(reports("computed")).isEqualTo(1.0);
        assertThat(reports("cached")).isEqualTo(1.0);

        clock.advance(Duration.ofMillis(1));
        CatalogInsights.Report second = handlers.report(MONTH);

        assertThat(computations).hasValue(2);
        assertThat(second.at()).isEqualTo(first.at().plus(MAX_AGE));
        assertThat(handlers.report(MONTH)).isSameAs(second);
        assertThat(reports("computed")).isEqualTo(2.0);
        assertThat(metrics.registry().get("capmarket.insights.computation").timer().count()).isEqualTo(2);
    }

    @Test
    void aReportFromLaterThanNowIsNotAnsweredAgain() {
        handlers.report(MONTH);
        clock.advance(Duration.ofSeconds(-1));

        assertThat(handlers.report(MONTH).at()).isEqualTo(clock.instant());
        assertThat(computations).hasValue(2);
    }

    @Test
    void eachWindowHasItsOwnReportAndOnlyTheLatestOfTheMostWindowsAreKept() {
        List<Duration> windows = IntStream.rangeClosed(1, InsightsHandlers.MAX_WINDOWS + 1).mapToObj(Duration::ofHours).toList();
        windows.forEach(window -> assertThat(handlers.report(window).window()).isEqualTo(window));
        assertThat(computations).hasValue(windows.size());

        for (int i = windows.size() - 1; i > 0; i--) {
            assertThat(handlers.report(windows.get(i)).window()).isEqualTo(windows.get(i));
        }
        assertThat(computations).as("the latest windows are kept").hasValue(windows.size());

        assertThat(handlers.report(windows.get(0)).window()).isEqualTo(windows.get(0));
        assertThat(computations).as("the first window was dropped for the ninth").hasValue(windows.size() + 1);
        assertThat(handlers.report(windows.get(2)).window()).isEqualTo(windows.get(2));
        assertThat(computations).as("and the second for the first again").hasValue(windows.size() + 1);
        assertThat(handlers.report(windows.get(1)).window()).isEqualTo(windows.get(1));
        assertThat(computations).hasValue(windows.size() + 2);
    }

    @Test
    void concurrentCallsForOneWindowShareOneComputation() throws Exception {
        release = new CountDownLatch(1);
        Call first = call(MONTH);
        await().atMost(WAIT).untilAsserted(() -> assertThat(computations).hasValue(1));
        Call other = call(Duration.ofDays(7));
        Call second = call(MONTH);
        await().atMost(WAIT).untilAsserted(() -> assertThat(computations).as("another window computes meanwhile")
                .hasValueGreaterThanOrEqualTo(2));
        second.awaitWaiting();

        release.countDown();

        assertThat(second.get()).isSameAs(first.get());
        assertThat(other.get().window()).isEqualTo(Duration.ofDays(7));
        assertThat(computations).hasValue(2);
        assertThat(reports("cached")).isEqualTo(1.0);
    }

    @Test
    void theTimerSkipsTheWindowBeingComputedAndAReportYoungerThanMaxAge() throws Exception {
        release = new CountDownLatch(1);
        Call call = call(MONTH);
        await().atMost(WAIT).untilAsserted(() -> assertThat(computations).hasValue(1));

        handlers.refresh();

        assertThat(computations).as("not computed a second time meanwhile").hasValue(1);
        release.countDown();
        CatalogInsights.Report report = call.get();
        handlers.refresh();
        assertThat(computations).hasValue(1);
        assertThat(handlers.report(MONTH)).isSameAs(report);

        clock.advance(MAX_AGE);
        handlers.refresh();
        assertThat(computations).hasValue(2);
        assertThat(handlers.report(MONTH).at()).isEqualTo(clock.instant());
    }

    @Test
    void aFailureIsThrownToEveryCallerOfItsComputationAndNotKept() throws Exception {
        release = new CountDownLatch(1);
        failure = new RetryLaterException("the stores are restoring", Duration.ofSeconds(1));
        Call first = call(MONTH);
        await().atMost(WAIT).untilAsserted(() -> assertThat(computations).hasValue(1));
        Call second = call(MONTH);
        second.awaitWaiting();

        release.countDown();

        for (Call call : List.of(first, second)) {
            assertThatThrownBy(call::get).satisfies(e -> assertThat(e.getCause()).isSameAs(failure));
        }
        assertThat(computations).as("one computation failed for both").hasValue(1);
        handlers.refresh();
        assertThat(computations).as("the timer logs and goes on").hasValue(2);
        failure = null;
        assertThat(handlers.report(MONTH).at()).isEqualTo(clock.instant());
        assertThat(computations).hasValue(3);
    }

    /** {@code report(window)} on a thread of its own. */
    private Call call(Duration window) {
        FutureTask<CatalogInsights.Report> result = new FutureTask<>(() -> handlers.report(window));
        Thread thread = new Thread(result, "insights-" + CatalogInsights.format(window));
        thread.setDaemon(true);
        thread.start();
        return new Call(thread, result);
    }

    private record Call(Thread thread, FutureTask<CatalogInsights.Report> result) {

        CatalogInsights.Report get() throws Exception {
            return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        /** Waits until the call waits: for the computation it shares, or in one of its own. */
        void awaitWaiting() {
            await().atMost(WAIT).until(() -> thread.getState() == Thread.State.WAITING
                    || thread.getState() == Thread.State.TIMED_WAITING);
        }
    }

    private double reports(String source) {
        return metrics.registry().get("capmarket.insights.reports").tag("source", source).counter().count();
    }
}
