package io.capmarket.topology.core;

import io.capmarket.schemas.DecisionOutcome;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.MatchWeights;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.OfferFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The record of why a request went where it did ({@link MatchDecision}): the offers matching considered, ordered
 * for a reader (the chosen one first, then the other candidates by score, then those ruled out by offerId) and
 * bounded, with the weights of the score's factors.
 */
final class Explanations {

    /** Offers listed in one decision at most; the rest are counted. */
    static final int MAX_LISTED = 20;

    private static final Comparator<OfferConsidered> FOR_A_READER = Comparator
            .comparing((OfferConsidered offer) -> offer.getScore() == null)
            .thenComparing(offer -> offer.getScore() == null ? 0.0 : -offer.getScore().getTotal())
            .thenComparing(OfferConsidered::getOfferId);

    private final MatchWeights weights;

    Explanations(MatchingPolicy policy) {
        this.weights = new MatchWeights(policy.headroomWeight(), policy.speedWeight(), policy.reliabilityWeight(),
                policy.preferenceWeight());
    }

    /**
     * Matching's decision for a request, about to move to {@code attempt}.
     *
     * @param unapproved offers of the capability whose producer may no longer serve it (never candidates)
     */
    MatchDecision of(Decision decision, List<Offer> unapproved, int attempt, Instant now) {
        List<OfferConsidered> offers = new ArrayList<>(decision.considered().offers().size() + unapproved.size());
        offers.addAll(decision.considered().offers());
        for (Offer offer : unapproved) {
            offers.add(new OfferConsidered(offer.offerId(), offer.producerId(), offer.version(), OfferFilter.APPROVAL,
                    "producer " + offer.producerId() + " is not approved for " + offer.capability(), null));
        }
        String chosen = decision instanceof Decision.Matched matched ? matched.offer().offerId() : null;
        offers.sort(chosen == null ? FOR_A_READER
                : Comparator.comparing((OfferConsidered offer) -> !offer.getOfferId().equals(chosen))
                        .thenComparing(FOR_A_READER));
        int listed = Math.min(offers.size(), MAX_LISTED);
        return new MatchDecision(now, attempt, chosen == null ? DecisionOutcome.WAITING : DecisionOutcome.MATCHED,
                chosen, weights, List.copyOf(offers.subList(0, listed)), offers.size() - listed,
                decision.considered().note());
    }

    /**
     * Whether no offer could serve the request as it is, whatever their load: each was of another version, not
     * ACTIVE, without the constrained attributes or keeping resources too briefly (or there was none). Not when one
     * was only full, its producer not live, or already tried: that is no want of an offer.
     */
    static boolean fitsNone(Decision decision) {
        for (OfferConsidered offer : decision.considered().offers()) {
            OfferFilter filter = offer.getFilter();
            if (filter != OfferFilter.VERSION && filter != OfferFilter.STATUS && filter != OfferFilter.CONSTRAINT
                    && filter != OfferFilter.TTL) {
                return false;
            }
        }
        return true;
    }

    /** No offer was considered: the team's quota holds the request ({@code why}). */
    MatchDecision held(String why, int attempt, Instant now) {
        return new MatchDecision(now, attempt, DecisionOutcome.HELD, null, weights, List.of(), 0, why);
    }
}
