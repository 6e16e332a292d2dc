package io.capmarket.topology;

import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.topology.core.Day2Policy;
import io.capmarket.topology.core.MatchingPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The topology's behaviour settings (what it does, not where it connects).
 *
 * @param matching how offers are filtered and scored
 * @param acceptDeadline how long a producer has to accept or reject an assignment
 * @param maxAttempts matching attempts per request before it FAILS (rejections, missed deadlines
 *     and retryable failures each use one)
 * @param punctuateInterval how often deadlines and SLO breaches are checked (wall clock)
 * @param scorecardWindow the length of the scorecard's sliding window
 * @param scorecardInterval how often scorecards are published (wall clock)
 * @param maxWait how long a request may wait for an offer before it FAILS, from when it began to wait (its submission,
 *     the last decision on its approvals, or the end of an attempt an offer gave up)
 * @param priorityGrants which teams may submit above NORMAL on their own requests topics (the
 *     gateway checks its callers itself)
 * @param day2 how updates and deprovisions of fulfilled requests are followed up
 */
public record TopologySettings(MatchingPolicy matching, Duration acceptDeadline, int maxAttempts,
        Duration punctuateInterval, Duration scorecardWindow, Duration scorecardInterval, Duration maxWait,
        PriorityGrants priorityGrants, Day2Policy day2) {

    public static final Duration DEFAULT_ACCEPT_DEADLINE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SCORECARD_WINDOW = Duration.ofMinutes(15);
    public static final Duration DEFAULT_SCORECARD_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofDays(1);

    public TopologySettings {
        Objects.requireNonNull(priorityGrants, "priorityGrants");
        Objects.requireNonNull(day2, "day2");
        requirePositive("acceptDeadline", acceptDeadline);
        requirePositive("punctuateInterval", punctuateInterval);
        requirePositive("scorecardWindow", scorecardWindow);
        requirePositive("scorecardInterval", scorecardInterval);
        requirePositive("maxWait", maxWait);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
        }
    }

    /** The settings with {@link Day2Policy#ofDefaults()}. */
    public TopologySettings(MatchingPolicy matching, Duration acceptDeadline, int maxAttempts, Duration punctuateInterval,
            Duration scorecardWindow, Duration scorecardInterval, Duration maxWait, PriorityGrants priorityGrants) {
        this(matching, acceptDeadline, maxAttempts, punctuateInterval, scorecardWindow, scorecardInterval, maxWait,
                priorityGrants, Day2Policy.ofDefaults());
    }

    /** The settings without priority grants: no team submits above NORMAL on its own topic. */
    public TopologySettings(MatchingPolicy matching, Duration acceptDeadline, int maxAttempts, Duration punctuateInterval,
            Duration scorecardWindow, Duration scorecardInterval, Duration maxWait) {
        this(matching, acceptDeadline, maxAttempts, punctuateInterval, scorecardWindow, scorecardInterval, maxWait,
                PriorityGrants.NONE);
    }

    /** The settings with {@link #DEFAULT_MAX_WAIT}. */
    public TopologySettings(MatchingPolicy matching, Duration acceptDeadline, int maxAttempts, Duration punctuateInterval,
            Duration scorecardWindow, Duration scorecardInterval) {
        this(matching, acceptDeadline, maxAttempts, punctuateInterval, scorecardWindow, scorecardInterval, DEFAULT_MAX_WAIT);
    }

    /** Every setting at its default. */
    /** These settings with another matching policy. */
    public TopologySettings withMatching(MatchingPolicy other) {
        return new TopologySettings(other, acceptDeadline, maxAttempts, punctuateInterval, scorecardWindow, scorecardInterval, maxWait,
                priorityGrants, day2);
    }

    public static TopologySettings ofDefaults() {
        return new TopologySettings(MatchingPolicy.ofDefaults(), DEFAULT_ACCEPT_DEADLINE, DEFAULT_MAX_ATTEMPTS,
                DEFAULT_PUNCTUATE_INTERVAL, DEFAULT_SCORECARD_WINDOW, DEFAULT_SCORECARD_INTERVAL);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be greater than 0, but was " + value);
        }
    }
}
