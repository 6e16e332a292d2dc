package io.capmarket.client;

import static io.capmarket.client.LocalGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries against a real HTTP server, with time advanced on an injected clock: Retry-After in both forms, jitter, bounds. */
class RetriesTest {

    private static final String UNAVAILABLE = Fixtures.problem("/problems/retry-later", "stores are rebalancing");
    private static final String OK = Fixtures.request("alpha.1", "SUBMITTED", "SUBMITTED");

    private final LocalGateway gateway;
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T18:00:00Z"));

    RetriesTest() throws IOException {
        gateway = new LocalGateway();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void retryAfterInSecondsIsWaitedOutAndTheRetryKeepsTheIdempotencyKey() {
        gateway.then(json(503, UNAVAILABLE, "Retry-After", "7")).then(json(202, OK));

        Request request = client(RetryPolicy.custom().jitter(0).build())
                .submit(Submission.of("postgres-database", 1).withIdempotencyKey("deploy-7"));

        assertThat(request.id()).isEqualTo("alpha.1");
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(7));
        assertThat(gateway.seen()).extracting(seen -> seen.header("Idempotency-Key")).containsExactly("deploy-7", "deploy-7");
    }

    @Test
    void retryAfterAsAnHttpDateIsCountedFromTheClientsClock() {
        gateway.then(json(503, UNAVAILABLE, "Retry-After", "Wed, 02 Dec 2026 18:00:04 GMT"))
                .then(json(429, UNAVAILABLE, "Retry-After", "Wed, 02 Dec 2026 17:59:00 GMT"))
                .then(json(200, OK));

        client(RetryPolicy.custom().jitter(0).build()).get("alpha.1");

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(4), Duration.ZERO);
        assertThat(gateway.seen()).hasSize(3);
    }

    @Test
    void retryAfterParsesBothFormsAndIgnoresAnythingElse() {
        Instant now = Instant.parse("2026-12-02T18:00:00Z");
        assertThat(RetryAfter.parse(" 120 ", now)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Wed, 02 Dec 2026 18:01:30 GMT", now)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("99999999999999999999", now)).contains(RetryAfter.LONGEST);
        assertThat(RetryAfter.parse("-1", now)).isEmpty();
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEmpty();
    }

    @Test
    void jitterNeverRetriesBeforeRetryAfterAndStaysWithinItsShare() {
        gateway.then(20, json(503, UNAVAILABLE, "Retry-After", "2")).then(json(200, OK));

        client(RetryPolicy.custom().maxAttempts(30).maxElapsed(Duration.ofMinutes(5)).jitter(0.5).build()).get("alpha.1");

        assertThat(clock.sleeps()).hasSize(20)
                .allSatisfy(pause -> assertThat(pause).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3)));
        assertThat(clock.sleeps().stream().distinct().count()).as("the pauses are spread, not all alike").isGreaterThan(1);
    }

    @Test
    void withoutRetryAfterTheBackoffGrowsToItsCapWithJitterBelowIt() {
        RetryPolicy policy = RetryPolicy.custom().backoff(Duration.ofMillis(100), Duration.ofMillis(1000)).jitter(0.5).build();

        assertThat(policy.delay(1, null, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delay(3, null, 0)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.delay(9, null, 0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.delay(1000, null, 0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.delay(3, null, 0.999_999)).isBetween(Duration.ofMillis(200), Duration.ofMillis(201));
        assertThat(policy.delay(1, Duration.ofSeconds(4), 0.999_999)).isBetween(Duration.ofMillis(5999), Duration.ofSeconds(6));

        gateway.then(3, json(502, "")).then(json(200, OK));
        client(RetryPolicy.from(policy).jitter(0).build()).get("alpha.1");
        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void givingUpAfterTheLastTryNamesTheCallTheTriesAndTheLastProblem() {
        gateway.then(5, json(503, UNAVAILABLE, "Retry-After", "1"));

        assertThatThrownBy(() -> client(RetryPolicy.custom().maxAttempts(3).jitter(0).build()).get("alpha.1"))
                .isInstanceOfSatisfying(CapmarketException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("GET " + gateway.url("/capmarket/v1/requests/alpha.1")
                            + " (gave up after 3 tries: at most 3 tries): HTTP 503 /problems/retry-later: stores are rebalancing");
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                });
        assertThat(gateway.seen()).hasSize(3);
    }

    @Test
    void givingUpWhenTheNextTryWouldPassTheTimeBudget() {
        gateway.then(5, json(503, UNAVAILABLE, "Retry-After", "4"));

        assertThatThrownBy(() -> client(RetryPolicy.custom().maxElapsed(Duration.ofSeconds(10)).jitter(0).build()).get("alpha.1"))
                .isInstanceOfSatisfying(CapmarketException.class, e -> {
                    assertThat(e.getMessage()).contains("(gave up after 3 tries: the next try, in 4000ms, would pass the retry budget"
                            + " of 10000ms, 8000ms of which are spent)");
                    assertThat(e.attempts()).isEqualTo(3);
                });
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4));
    }

    @Test
    void aProblemThatRetryingCannotSolveIsThrownAtOnce() {
        gateway.then(json(404, Fixtures.problem("/problems/not-found", "there is no request alpha.9")));

        assertThatThrownBy(() -> client(RetryPolicy.ofDefaults()).get("alpha.9"))
                .isInstanceOfSatisfying(CapmarketException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("GET " + gateway.url("/capmarket/v1/requests/alpha.9")
                            + ": HTTP 404 /problems/not-found: there is no request alpha.9");
                    assertThat(e.type()).isEqualTo("/problems/not-found");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(gateway.seen()).hasSize(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void retryForBoundsTheTimeOfTheDefaultPolicy() {
        gateway.then(json(503, UNAVAILABLE, "Retry-After", "1"));

        CapmarketClient client = client(RetryPolicy.ofDefaults()).newBuilder().retryFor(Duration.ZERO).build();

        assertThatThrownBy(() -> client.get("alpha.1")).isInstanceOf(CapmarketException.class).hasMessageContaining("retry budget of 0ms");
        assertThat(gateway.seen()).hasSize(1);
    }

    @Test
    void aSubmitPastItsTeamsQuotaIsRefusedAtOnceNotRetried() {
        gateway.then(json(429, Fixtures.problem("/problems/quota-exceeded", "app-team holds 5 of postgres-database, its quota")))
                .then(json(202, OK));

        assertThatThrownBy(() -> client(RetryPolicy.custom().jitter(0).build()).submit(Submission.of("postgres-database", 1)))
                .isInstanceOfSatisfying(CapmarketException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryable()).as("time alone frees no quota").isFalse();
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(gateway.seen()).hasSize(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void aListWhosePageNamesItsOwnCursorAsNextStopsThere() {
        String page = "{\"items\":[{\"name\":\"a-db\",\"versions\":[],\"offers\":[]}],\"next\":\"a-db\"}";
        gateway.then(3, json(200, page));

        assertThatThrownBy(() -> client(RetryPolicy.custom().build()).catalog())
                .isInstanceOfSatisfying(CapmarketException.class, e -> assertThat(e.type()).isEqualTo("/problems/repeated-cursor"))
                .hasMessageContaining("cursor 'a-db'");
        assertThat(gateway.seen()).hasSize(2);
    }

    @Test
    void aCancelRefusedOnItsRetryAfterAnUnknownOutcomeReturnsTheRequestWhenItIsEnding() {
        gateway.then(json(503, UNAVAILABLE, "Retry-After", "1"))
                .then(json(409, Fixtures.problem("/problems/conflict", "alpha.1 is already CANCELLED; there is nothing to cancel")))
                .then(json(200, Fixtures.request("alpha.1", "CANCELLED", "SUBMITTED", "WAITING", "CANCELLED")));

        Request cancelled = client(RetryPolicy.custom().jitter(0).build()).cancel("alpha.1");

        assertThat(cancelled.requestState()).isEqualTo(RequestState.CANCELLED);
        assertThat(gateway.seen()).extracting(LocalGateway.Seen::method).containsExactly("DELETE", "DELETE", "GET");
    }

    @Test
    void aCancelRefusedAtItsFirstTryIsRefused() {
        gateway.then(json(409, Fixtures.problem("/problems/conflict", "alpha.1 is already CANCELLED; there is nothing to cancel")));

        assertThatThrownBy(() -> client(RetryPolicy.custom().build()).cancel("alpha.1"))
                .isInstanceOfSatisfying(CapmarketException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(gateway.seen()).hasSize(1);
    }

    private CapmarketClient client(RetryPolicy policy) {
        return CapmarketClient.builder().baseUrl(gateway.url("/capmarket/")).token("bot-token").retryPolicy(policy)
                .clock(clock).sleeper(clock.sleeper()).build();
    }
}
