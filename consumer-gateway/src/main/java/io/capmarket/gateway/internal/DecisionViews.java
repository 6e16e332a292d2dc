package io.capmarket.gateway.internal;

import io.capmarket.schemas.DecisionOutcome;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.MatchScore;
import io.capmarket.schemas.MatchWeights;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.RequestStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pure rules of the decision read model: how the matching decisions a request's status records are
 * shown ({@link DecisionView}), and the sentence that sums each one up.
 */
public final class DecisionViews {

    /** Decimals a factor, weight or total is shown with. */
    static final int DECIMALS = 4;

    private DecisionViews() {
    }

    /** The decisions of a stored status, oldest first; none for a request never matched yet or recorded before decisions were. */
    public static DecisionView view(RequestStatus status) {
        List<DecisionView.Decision> decisions = status.getDecisions().stream()
                .map(decision -> decision(decision, status.getCapability(), status.getCapabilityVersion()))
                .toList();
        return new DecisionView(status.getRequestId(), status.getCapability(), status.getCapabilityVersion(), status.getState().name(),
                status.getOfferId(), decisions);
    }

    /** One decision as the API shows it; {@code capability} and {@code version} word a wait no offer was there for. */
    static DecisionView.Decision decision(MatchDecision decision, String capability, int version) {
        MatchWeights weights = decision.getWeights();
        String chosenId = decision.getOutcome() == DecisionOutcome.MATCHED ? decision.getOfferId() : null;
        List<DecisionView.Candidate> candidates = new ArrayList<>();
        boolean chosenSeen = false;
        for (OfferConsidered offer : decision.getCandidates()) {
            boolean chosen = !chosenSeen && offer.getOfferId().equals(chosenId);
            chosenSeen |= chosen;
            MatchScore score = offer.getScore();
            candidates.add(new DecisionView.Candidate(offer.getOfferId(), offer.getProducerId(), offer.getVersion(), chosen,
                    offer.getFilter() == null ? null : offer.getFilter().name(), offer.getDetail(),
                    score == null ? null : new DecisionView.Score(round(score.getHeadroom()), round(score.getSpeed()),
                            round(score.getReliability()), round(score.getPreference()), round(score.getTotal()),
                            round(score.getProbation()))));
        }
        return new DecisionView.Decision(decision.getAt().toString(), decision.getAttempt(), decision.getOutcome().name(),
                decision.getOfferId(), summary(decision, capability, version),
                new DecisionView.Weights(round(weights.getHeadroom()), round(weights.getSpeed()), round(weights.getReliability()),
                        round(weights.getPreference())),
                List.copyOf(candidates), decision.getUnlisted(), decision.getNote());
    }

    /**
     * The decision in one sentence:
     * <ul>
     * <li>MATCHED: {@code matched pg-eu-1 of dba-team: the best score (4.75) of 2 candidates; 1 offer ruled out}. The
     * candidates are the scored ones listed; the offers ruled out are those listed, and those past the list's bound when
     * its last one was ruled out too (the list holds every scored candidate before any ruled-out one, so past a
     * ruled-out one come only ruled-out ones).</li>
     * <li>WAITING: {@code waiting: none of 3 offers could serve it}, counting the unlisted too, or
     * {@code waiting: no offer of postgres-database v1} when there was none.</li>
     * <li>HELD: {@code held by the team's quota: <note>}.</li>
     * <li>Any other outcome: its name in lower case.</li>
     * </ul>
     */
    static String summary(MatchDecision decision, String capability, int version) {
        List<OfferConsidered> candidates = decision.getCandidates();
        int considered = candidates.size() + decision.getUnlisted();
        return switch (decision.getOutcome()) {
            case MATCHED -> matched(decision);
            case WAITING -> considered == 0
                    ? "waiting: no offer of " + capability + " v" + version
                    : "waiting: none of " + count(considered, "offer") + " could serve it";
            case HELD -> decision.getNote() == null || decision.getNote().isBlank()
                    ? "held by the team's quota"
                    : "held by the team's quota: " + decision.getNote();
            default -> decision.getOutcome().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String matched(MatchDecision decision) {
        List<OfferConsidered> candidates = decision.getCandidates();
        OfferConsidered chosen = candidates.stream().filter(c -> c.getOfferId().equals(decision.getOfferId())).findFirst().orElse(null);
        if (chosen == null || chosen.getScore() == null) {
            // a record that does not list its choice: say what is known rather than invent a score
            return "matched " + decision.getOfferId();
        }
        long scored = candidates.stream().filter(c -> c.getScore() != null).count();
        long ruledOut = candidates.stream().filter(c -> c.getFilter() != null).count();
        if (!candidates.isEmpty() && candidates.get(candidates.size() - 1).getFilter() != null) {
            ruledOut += decision.getUnlisted();
        }
        return "matched " + chosen.getOfferId() + " of " + chosen.getProducerId() + ": the best score ("
                + String.format(Locale.ROOT, "%.2f", chosen.getScore().getTotal()) + ") of " + count(scored, "candidate")
                + (ruledOut == 0 ? "" : "; " + count(ruledOut, "offer") + " ruled out");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** A figure with at most {@value #DECIMALS} decimals; a value that is no number is left as it is. */
    static double round(double value) {
        if (!Double.isFinite(value)) {
            return value;
        }
        return BigDecimal.valueOf(value).setScale(DECIMALS, RoundingMode.HALF_UP).doubleValue();
    }
}
