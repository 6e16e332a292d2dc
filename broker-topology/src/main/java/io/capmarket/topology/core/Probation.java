package io.capmarket.topology.core;

import io.capmarket.schemas.ProducerProbation;
import io.capmarket.schemas.SafetyFigures;
import io.capmarket.schemas.config.ConfigParsers;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Judges a producer's standing for a capability from its record over the scorecard's window
 * ({@link ProbationPolicy}): pure, so the same record always gives the same verdict.
 */
final class Probation {

    private Probation() {
    }

    /**
     * The producer's standing after its latest record.
     *
     * @param current its standing so far: its probation, or null when it is in good standing
     * @param window its safety figures over the scorecard's window
     * @param windowLength the window's length, for the words
     * @return its probation (begun now, or the current one with the reason brought up to date), or null when it is
     *     in good standing
     */
    static ProducerProbation judge(ProbationPolicy policy, ProducerProbation current, SafetyFigures window,
            Duration windowLength, Instant now) {
        long outcomes = outcomes(window);
        long wrong = wrong(window);
        double rate = outcomes == 0 ? 0.0 : (double) wrong / outcomes;
        if (current == null) {
            if (outcomes >= policy.minOutcomes() && rate >= policy.enterRate()) {
                return new ProducerProbation(now, reason(policy, window, windowLength), policy.scoreFactor());
            }
            return null;
        }
        if (outcomes < policy.minOutcomes() || rate <= policy.leaveRate()) {
            return null;
        }
        return new ProducerProbation(current.getSince(), reason(policy, window, windowLength), policy.scoreFactor());
    }

    /** Why a producer was restored, in words: its record now. */
    static String restored(ProbationPolicy policy, SafetyFigures window, Duration windowLength) {
        long outcomes = outcomes(window);
        if (outcomes < policy.minOutcomes()) {
            return "fewer than " + policy.minOutcomes() + " outcomes in the last " + ConfigParsers.describe(windowLength)
                    + " (" + outcomes + ")";
        }
        return wrong(window) + " of " + outcomes + " outcomes in the last " + ConfigParsers.describe(windowLength)
                + " went wrong; restored at " + percent(policy.leaveRate()) + " or less";
    }

    /** What a decision says of a candidate whose producer is on probation. */
    static String describe(String producerId, ProducerProbation probation) {
        return "producer " + producerId + " on probation since " + probation.getSince() + ", score x"
                + probation.getScoreFactor() + ": " + probation.getReason();
    }

    private static String reason(ProbationPolicy policy, SafetyFigures window, Duration windowLength) {
        return wrong(window) + " of " + outcomes(window) + " outcomes in the last " + ConfigParsers.describe(windowLength)
                + " went wrong (" + window.getFailed() + " failed, " + window.getRejected() + " rejected, "
                + window.getFulfilledLate() + " fulfilled past the promise); probation from " + percent(policy.enterRate());
    }

    /** Fulfilments, failures and rejections. */
    private static long outcomes(SafetyFigures window) {
        return window.getFulfilled() + window.getFailed() + window.getRejected();
    }

    /**
     * Failures, rejections and fulfilments past the promise: one per outcome, so that work which broke
     * its promise and then failed, or was not accepted before it was rejected, counts once.
     */
    private static long wrong(SafetyFigures window) {
        return Math.min(outcomes(window), window.getFailed() + window.getRejected() + window.getFulfilledLate());
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.0f%%", rate * 100);
    }
}
