package io.capmarket.gateway.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Request rates per caller and per team, as token buckets: each caller (a token's principal) and
 * each team holds up to {@code burst} requests and earns {@code perSecond} more every second. A
 * request takes one from both; when either is empty it is refused with the time until one is
 * earned, for a {@code 429} with {@code Retry-After}. At most {@code maxKeys} buckets are kept (the
 * least recently used go first, which only forgives), so the memory is bounded whatever callers do.
 */
public final class RateLimits {

    /**
     * One limit.
     *
     * @param perSecond requests earned per second, above 0
     * @param burst requests that may come at once, at least 1
     */
    public record Limit(double perSecond, int burst) {
        public Limit {
            if (!(perSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("a rate limit needs a rate above 0 per second and a burst of at least 1, but was "
                        + perSecond + "/s with burst " + burst);
            }
        }
    }

    /** Which limit refused a request. */
    public enum Scope { CALLER, TEAM }

    /** A refused request: which limit, and when to try again. */
    public record Refusal(Scope scope, Duration retryAfter) {
    }

    private final Limit perCaller;
    private final Limit perTeam;
    private final Clock clock;
    private final Map<String, Bucket> buckets;

    public RateLimits(Limit perCaller, Limit perTeam, int maxKeys, Clock clock) {
        this.perCaller = perCaller;
        this.perTeam = perTeam;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one request from the caller's and the team's buckets, or says which is empty and for how long. */
    public synchronized Optional<Refusal> acquire(Principal caller) {
        long now = clock.millis();
        Bucket team = buckets.computeIfAbsent("team:" + caller.team(), k -> new Bucket(perTeam, now));
        Bucket own = buckets.computeIfAbsent("caller:" + caller.team() + "/" + caller.name() + "/" + caller.role(),
                k -> new Bucket(perCaller, now));
        team.refill(now);
        own.refill(now);
        if (own.tokens < 1) {
            return Optional.of(new Refusal(Scope.CALLER, own.untilOne()));
        }
        if (team.tokens < 1) {
            return Optional.of(new Refusal(Scope.TEAM, team.untilOne()));
        }
        own.tokens -= 1;
        team.tokens -= 1;
        return Optional.empty();
    }

    /** How many buckets are kept now. */
    public synchronized int size() {
        return buckets.size();
    }

    private static final class Bucket {
        private final Limit limit;
        private double tokens;
        private long at;

        Bucket(Limit limit, long now) {
            this.limit = limit;
            this.tokens = limit.burst();
            this.at = now;
        }

        void refill(long now) {
            if (now > at) {
                tokens = Math.min(limit.burst(), tokens + (now - at) / 1000.0 * limit.perSecond());
                at = now;
            }
        }

        Duration untilOne() {
            return Duration.ofMillis(Math.max(1, (long) Math.ceil((1 - tokens) / limit.perSecond() * 1000)));
        }
    }
}
