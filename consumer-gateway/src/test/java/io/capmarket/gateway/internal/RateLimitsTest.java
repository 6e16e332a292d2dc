package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final Principal alice = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);
    private final Principal ci = new Principal("alpha", Principal.Role.CONSUMER, "alpha-ci", true);
    private final Principal bob = new Principal("beta", Principal.Role.CONSUMER, "bob", false);

    @Test
    void aCallerGetsItsBurstThenWaitsForWhatItEarns() {
        RateLimits limits = new RateLimits(new RateLimits.Limit(2, 3), new RateLimits.Limit(100, 100), 1_000, clock);

        for (int i = 0; i < 3; i++) {
            assertThat(limits.acquire(alice)).isEmpty();
        }
        assertThat(limits.acquire(alice)).hasValueSatisfying(r -> {
            assertThat(r.scope()).isEqualTo(RateLimits.Scope.CALLER);
            assertThat(r.retryAfter()).isEqualTo(Duration.ofMillis(500));
        });
        assertThat(limits.acquire(bob)).as("another team's caller is served").isEmpty();

        clock.advance(Duration.ofMillis(500));
        assertThat(limits.acquire(alice)).isEmpty();
        assertThat(limits.acquire(alice)).isPresent();
    }

    @Test
    void aTeamSharesItsLimitAcrossItsCallers() {
        RateLimits limits = new RateLimits(new RateLimits.Limit(100, 100), new RateLimits.Limit(1, 4), 1_000, clock);

        assertThat(limits.acquire(alice)).isEmpty();
        assertThat(limits.acquire(alice)).isEmpty();
        assertThat(limits.acquire(ci)).isEmpty();
        assertThat(limits.acquire(ci)).isEmpty();

        assertThat(limits.acquire(ci)).hasValueSatisfying(r -> assertThat(r.scope()).isEqualTo(RateLimits.Scope.TEAM));
        assertThat(limits.acquire(bob)).isEmpty();
    }

    @Test
    void bucketsAreBoundedAndARefusalTakesNothing() {
        RateLimits limits = new RateLimits(new RateLimits.Limit(1, 1), new RateLimits.Limit(1, 2), 4, clock);
        for (int i = 0; i < 50; i++) {
            limits.acquire(new Principal("team-" + i, Principal.Role.CONSUMER, "user-" + i, false));
        }
        assertThat(limits.size()).isLessThanOrEqualTo(4);

        assertThat(limits.acquire(alice)).isEmpty();
        assertThat(limits.acquire(alice)).as("alice's own bucket is empty").isPresent();
        assertThat(limits.acquire(ci)).as("the refused call took nothing from the team").isEmpty();
    }

    @Test
    void aLimitWithoutRateOrBurstIsRefusedNamingIt() {
        assertThatThrownBy(() -> new RateLimits.Limit(0, 5)).hasMessageContaining("rate above 0");
        assertThatThrownBy(() -> new RateLimits.Limit(5, 0)).hasMessageContaining("burst of at least 1");
    }
}
