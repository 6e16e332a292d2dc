package io.capmarket.topology.core;

/**
 * When a producer is put on probation for a capability, and what it costs it. Its record is read over the
 * scorecard's sliding window: the outcomes are its fulfilments, failures and rejections there, and those that went
 * wrong its failures, rejections and lead-time promises broken (at most one per outcome).
 *
 * @param enterRate the share of outcomes gone wrong, in (0, 1], from which a producer goes on probation
 * @param leaveRate the share at or under which it is restored, in [0, enterRate): the gap keeps a producer near the
 *     bound from flapping in and out
 * @param minOutcomes outcomes in the window needed to judge at all; a producer on probation with fewer (its bad
 *     record aged out of the window) is restored
 * @param scoreFactor what matching multiplies the scores of a producer's offers by while it is on probation, in
 *     (0, 1]: it still gets work when no better offer can take it, but loses ties and close calls
 */
public record ProbationPolicy(double enterRate, double leaveRate, int minOutcomes, double scoreFactor) {

    public ProbationPolicy {
        if (!(enterRate > 0 && enterRate <= 1)) {
            throw new IllegalArgumentException("enterRate must be in (0, 1], but was " + enterRate);
        }
        if (!(leaveRate >= 0 && leaveRate < enterRate)) {
            throw new IllegalArgumentException("leaveRate must be at least 0 and less than enterRate (" + enterRate
                    + "), but was " + leaveRate);
        }
        if (minOutcomes < 1) {
            throw new IllegalArgumentException("minOutcomes must be at least 1, but was " + minOutcomes);
        }
        if (!(scoreFactor > 0 && scoreFactor <= 1)) {
            throw new IllegalArgumentException("scoreFactor must be in (0, 1], but was " + scoreFactor);
        }
    }

    /** Probation from half the outcomes gone wrong, out again at a fifth, judged on 10 outcomes, scores halved. */
    public static ProbationPolicy ofDefaults() {
        return new ProbationPolicy(0.5, 0.2, 10, 0.5);
    }
}
