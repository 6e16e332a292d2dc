package io.capmarket.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * The retries of one call under a {@link RetryPolicy}: counts the failed tries, keeps the time
 * budget on the injected clock, and pauses with the injected sleeper. Not thread-safe; one per call.
 */
final class Retry {

    private final String call;
    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private Instant start;
    private int failures;

    Retry(String call, RetryPolicy policy, Clock clock, Sleeper sleeper, DoubleSupplier random) {
        this.call = call;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.start = clock.instant();
    }

    /** The call made progress (a stream delivered an event): the count and the budget start over. */
    void reset() {
        start = clock.instant();
        failures = 0;
    }

    /**
     * Pauses before the next try, or throws {@code failure} (led by the call, the tries and why the
     * client stopped) when it is not retryable or the policy has no try left.
     */
    void pause(CapmarketException failure) {
        failures++;
        if (!failure.retryable()) {
            throw failure.during(call, failures, null);
        }
        if (failures >= policy.maxAttempts()) {
            throw failure.during(call, failures, "at most " + policy.maxAttempts() + " tries");
        }
        Duration delay = policy.delay(failures, failure.retryAfter().orElse(null), random.getAsDouble());
        Instant now = clock.instant();
        Instant giveUp = start.plus(policy.maxElapsed());
        if (now.plus(delay).isAfter(giveUp)) {
            throw failure.during(call, failures, "the next try, in " + delay.toMillis() + "ms, would pass the retry budget of "
                    + policy.maxElapsed().toMillis() + "ms, " + Duration.between(start, now).toMillis() + "ms of which are spent");
        }
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CapmarketException.interrupted(call, e);
        }
    }
}
