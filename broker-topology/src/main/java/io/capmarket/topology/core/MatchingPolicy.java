package io.capmarket.topology.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How matching filters and scores offers. Weights are relative; each score component is in [0, 1].
 *
 * @param livenessBound a producer whose last heartbeat is older than this is not matched
 * @param headroomWeight weight of free capacity (1 - inFlight / capacity)
 * @param speedWeight weight of keeping the promise (observed p95 against the promised lead time)
 * @param reliabilityWeight weight of a low recent failure rate
 * @param preferenceWeight weight of the share of the request's preferences the offer satisfies
 * @param probation when a producer's record puts it on probation, and how much that lowers its offers' scores
 * @param failureHalfLife how fast an offer's recent failure rate fades while it finishes nothing: by half per this
 */
public record MatchingPolicy(Duration livenessBound, double headroomWeight, double speedWeight,
        double reliabilityWeight, double preferenceWeight, ProbationPolicy probation, Duration failureHalfLife) {

    public static final Duration DEFAULT_LIVENESS_BOUND = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FAILURE_HALF_LIFE = Duration.ofHours(1);

    public MatchingPolicy {
        if (livenessBound.isNegative() || livenessBound.isZero()) {
            throw new IllegalArgumentException("livenessBound must be greater than 0, but was " + livenessBound);
        }
        requireWeight("headroomWeight", headroomWeight);
        requireWeight("speedWeight", speedWeight);
        requireWeight("reliabilityWeight", reliabilityWeight);
        requireWeight("preferenceWeight", preferenceWeight);
        Objects.requireNonNull(probation, "probation");
        if (failureHalfLife.isNegative() || failureHalfLife.isZero()) {
            throw new IllegalArgumentException("failureHalfLife must be greater than 0, but was " + failureHalfLife);
        }
    }

    /** A policy whose failure rates fade by half every {@link #DEFAULT_FAILURE_HALF_LIFE}. */
    public MatchingPolicy(Duration livenessBound, double headroomWeight, double speedWeight, double reliabilityWeight,
            double preferenceWeight, ProbationPolicy probation) {
        this(livenessBound, headroomWeight, speedWeight, reliabilityWeight, preferenceWeight, probation, DEFAULT_FAILURE_HALF_LIFE);
    }

    /** A policy with {@link ProbationPolicy#ofDefaults()}. */
    public MatchingPolicy(Duration livenessBound, double headroomWeight, double speedWeight, double reliabilityWeight,
            double preferenceWeight) {
        this(livenessBound, headroomWeight, speedWeight, reliabilityWeight, preferenceWeight, ProbationPolicy.ofDefaults());
    }

    /** The defaults: 30 s liveness bound, weights headroom 1, speed 1, reliability 2, preference 1, failures fading in 1 h. */
    public static MatchingPolicy ofDefaults() {
        return new MatchingPolicy(DEFAULT_LIVENESS_BOUND, 1.0, 1.0, 2.0, 1.0);
    }

    /** This policy with other weights. */
    public MatchingPolicy withWeights(double headroom, double speed, double reliability, double preference) {
        return new MatchingPolicy(livenessBound, headroom, speed, reliability, preference, probation, failureHalfLife);
    }

    /** This policy with another probation policy. */
    public MatchingPolicy withProbation(ProbationPolicy other) {
        return new MatchingPolicy(livenessBound, headroomWeight, speedWeight, reliabilityWeight, preferenceWeight, other, failureHalfLife);
    }

    /** This policy with another liveness bound. */
    public MatchingPolicy withLivenessBound(Duration bound) {
        return new MatchingPolicy(bound, headroomWeight, speedWeight, reliabilityWeight, preferenceWeight, probation, failureHalfLife);
    }

    /** This policy with another half-life of failure rates. */
    public MatchingPolicy withFailureHalfLife(Duration halfLife) {
        return new MatchingPolicy(livenessBound, headroomWeight, speedWeight, reliabilityWeight, preferenceWeight, probation, halfLife);
    }

    private static void requireWeight(String name, double weight) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, but was " + weight);
        }
    }
}
