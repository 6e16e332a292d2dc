package io.capmarket.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How the client retries a call that may succeed later: an answer of 429, 502, 503 or 504, no
 * answer at all, or an event stream that dropped. Immutable; {@link #ofDefaults()},
 * {@link #custom()}, {@link #from(RetryPolicy)}.
 *
 * <p>The pause before the next try:
 * <ul>
 *   <li>when the answer carried {@code Retry-After} (delta-seconds or an HTTP-date) of {@code d}:
 *       a random pause in {@code [d, d × (1 + jitter)]}, never earlier than the gateway asked;</li>
 *   <li>otherwise an exponential backoff {@code b = min(maxBackoff, initialBackoff × 2^(n-1))}
 *       after the n-th failure, as a random pause in {@code [b × (1 - jitter), b]}.</li>
 * </ul>
 * A call gives up, with the last failure, after {@link #maxAttempts()} tries, or when the next
 * pause would end later than {@link #maxElapsed()} after the first try began.
 */
public final class RetryPolicy {

    /** Tries at most, the first one included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    /** The time budget of one call, its pauses included. */
    public static final Duration DEFAULT_MAX_ELAPSED = Duration.ofSeconds(30);
    /** The first backoff when the gateway does not say when to retry. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(250);
    /** The longest backoff when the gateway does not say when to retry. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** The share of a pause that is random. */
    public static final double DEFAULT_JITTER = 0.5;

    private static final RetryPolicy DEFAULTS = custom().build();

    private final int maxAttempts;
    private final Duration maxElapsed;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double jitter;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.maxElapsed = builder.maxElapsed;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.jitter = builder.jitter;
    }

    /** The defaults: {@value #DEFAULT_MAX_ATTEMPTS} tries within 30s, backoff from 250ms to 5s, jitter 0.5. */
    public static RetryPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** A policy that never retries: one try. */
    public static RetryPolicy none() {
        return custom().maxAttempts(1).build();
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s settings. */
    public static Builder from(RetryPolicy base) {
        Objects.requireNonNull(base, "base");
        return new Builder().maxAttempts(base.maxAttempts).maxElapsed(base.maxElapsed)
                .backoff(base.initialBackoff, base.maxBackoff).jitter(base.jitter);
    }

    /** Tries at most, the first one included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The time budget of one call, from the start of its first try. */
    public Duration maxElapsed() {
        return maxElapsed;
    }

    /** The first backoff when the gateway does not say when to retry. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** The longest backoff when the gateway does not say when to retry. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The share of a pause that is random, from 0 (none) to 1. */
    public double jitter() {
        return jitter;
    }

    /**
     * The pause after the {@code failures}-th failed try.
     *
     * @param retryAfter what the answer's {@code Retry-After} asked for, or null
     * @param random a uniform random number in [0, 1)
     */
    Duration delay(int failures, Duration retryAfter, double random) {
        if (retryAfter != null) {
            return retryAfter.plus(scale(retryAfter, jitter * random));
        }
        Duration backoff = initialBackoff;
        for (int i = 1; i < failures && backoff.compareTo(maxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        if (backoff.compareTo(maxBackoff) > 0) {
            backoff = maxBackoff;
        }
        return backoff.minus(scale(backoff, jitter * random));
    }

    private static Duration scale(Duration duration, double factor) {
        return Duration.ofNanos((long) (duration.toNanos() * factor));
    }

    @Override
    public String toString() {
        return "at most " + maxAttempts + " attempts within " + maxElapsed + ", backoff " + initialBackoff + " to " + maxBackoff
                + ", jitter " + jitter;
    }

    /** Configures a {@link RetryPolicy}; each setter checks its value. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration maxElapsed = DEFAULT_MAX_ELAPSED;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter = DEFAULT_JITTER;

        private Builder() {
        }

        /** Tries at most, the first one included: 1 (never retry) or more. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The time budget of one call, pauses included: zero (never retry) or more. */
        public Builder maxElapsed(Duration maxElapsed) {
            if (maxElapsed == null || maxElapsed.isNegative()) {
                throw new IllegalArgumentException("maxElapsed must be zero or more, but was " + maxElapsed);
            }
            this.maxElapsed = maxElapsed;
            return this;
        }

        /** The first and the longest backoff when the gateway does not say when to retry; 0 &lt; initial &le; max. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial == null || initial.isNegative() || initial.isZero()) {
                throw new IllegalArgumentException("the initial backoff must be greater than 0, but was " + initial);
            }
            if (max == null || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("the longest backoff must be at least the initial backoff (" + initial
                        + "), but was " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** The share of a pause that is random, from 0 (none) to 1. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be from 0 to 1, but was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** The policy. */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
