package io.capmarket.gateway.internal;

import java.util.List;

/**
 * Why a request went where it did, or why it waits: the answer of {@code GET /v1/requests/{id}/decision}
 * (fields may be added, never renamed), kept apart from {@link RequestView} so that the request's own
 * answer stays as it was. Also what one gateway instance answers another with when the read is forwarded.
 *
 * @param requestId the request
 * @param capability its capability
 * @param version the capability's major version it asked for
 * @param state where the request is now
 * @param offerId the offer serving it now, or null
 * @param decisions matching's latest decisions on it, oldest first (at most 5); empty before the first one
 */
public record DecisionView(String requestId, String capability, int version, String state, String offerId,
        List<Decision> decisions) {

    /**
     * One matching decision.
     *
     * @param at when it was made (ISO-8601)
     * @param attempt the request's attempt after it: the new attempt for a match, the current one for a wait
     * @param outcome MATCHED, WAITING, HELD or OTHER
     * @param offerId the chosen offer, for MATCHED; else null
     * @param summary the decision in one sentence, for people
     * @param weights the weights of the score's factors
     * @param candidates the offers considered: the chosen one first, then the other scored ones best first, then
     *        those ruled out by offer id
     * @param unlisted offers considered but left out of {@code candidates}, past its bound
     * @param note what else decided (for HELD, the quota), or null
     */
    public record Decision(String at, int attempt, String outcome, String offerId, String summary, Weights weights,
            List<Candidate> candidates, int unlisted, String note) {
    }

    /** The relative weights of the factors of a score, each factor being in [0, 1]. */
    public record Weights(double headroom, double speed, double reliability, double preference) {
    }

    /**
     * One offer matching looked at.
     *
     * @param offerId the offer
     * @param producerId its producer
     * @param version the major version it serves
     * @param chosen whether it is the offer the decision chose
     * @param filter the rule that ruled it out (VERSION, STATUS, CONSTRAINT, TTL, TRIED, GATED, LIVENESS,
     *        CAPACITY, APPROVAL, OTHER), or null for a scored candidate
     * @param detail the rule's reason in words, or null
     * @param score its score, or null when it was ruled out
     */
    public record Candidate(String offerId, String producerId, int version, boolean chosen, String filter, String detail,
            Score score) {
    }

    /**
     * A candidate's factors, each in [0, 1], and their weighted sum times {@code probation}.
     *
     * @param probation what the weighted sum was multiplied by: 1, or less while the offer's producer is on probation
     */
    public record Score(double headroom, double speed, double reliability, double preference, double total, double probation) {
    }
}
