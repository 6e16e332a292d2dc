package io.capmarket.topology.core;

import io.capmarket.schemas.ProducerProbation;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.topology.core.ApprovalLifecycle.ProducerPolicy;
import io.capmarket.schemas.topology.OfferState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A capability's offers as matching sees them at one instant: the candidates (not withdrawn, of a
 * producer still approved for the capability), their approval policies, their loads and their
 * producers' liveness. An offboarded producer's offers stay in the books until it withdraws them,
 * but get no more work, and their policies hold no request; what it already holds runs its course.
 */
final class OfferPool {

    private final Collection<OfferState> states;
    private final List<Offer> candidates;
    private final List<Offer> unapproved;
    /** The candidates' approval policies, by offerId: empty (and never allocated) while no candidate states one. */
    private final Map<String, ProducerPolicy> policies;
    private final Map<String, OfferLoad> loads;
    private final Map<String, ProducerLiveness> liveness;
    private final Instant oldestFresh;

    private OfferPool(Collection<OfferState> states, List<Offer> candidates, List<Offer> unapproved,
            Map<String, ProducerPolicy> policies, Map<String, OfferLoad> loads, Map<String, ProducerLiveness> liveness,
            Instant oldestFresh) {
        this.states = states;
        this.candidates = candidates;
        this.unapproved = unapproved;
        this.policies = policies;
        this.loads = loads;
        this.liveness = liveness;
        this.oldestFresh = oldestFresh;
    }

    /**
     * The capability's offers in the books, as of {@code now}.
     *
     * @param offerOf matching's view of an offer state ({@link OfferRecord#offer}, or one kept from before)
     * @param onProbation the capability's producers on probation ({@link Standings})
     */
    static OfferPool of(DeskBooks books, String capability, MatchingPolicy policy, Instant now, Function<OfferState, Offer> offerOf,
            Map<String, ProducerProbation> onProbation) {
        Collection<OfferState> states = books.offers(capability).values();
        List<Offer> candidates = new ArrayList<>(states.size());
        Map<String, OfferLoad> loads = new HashMap<>();
        Map<String, ProducerLiveness> liveness = new HashMap<>();
        Map<String, Boolean> approved = new HashMap<>();
        List<Offer> unapproved = List.of();
        Map<String, ProducerPolicy> policies = Map.of();
        for (OfferState state : states) {
            String producerId = state.getOffer().getProducerId();
            loads.put(state.getOffer().getOfferId(), new OfferLoad(state.getInFlight(), books.leadTimeP95(state),
                    OfferRecord.failureRate(state, now, policy.failureHalfLife()), onProbation.get(producerId)));
            if (!liveness.containsKey(producerId)) {
                ProducerLiveness known = books.liveness(producerId);
                if (known != null) {
                    liveness.put(producerId, known);
                }
            }
            if (state.getWithdrawn()) {
                continue;
            }
            if (approved.computeIfAbsent(producerId, producer -> OfferRules.approves(books.approval(producer), capability))) {
                candidates.add(offerOf.apply(state));
                if (state.getOffer().getApproval() != null) {
                    Optional<ProducerPolicy> stated = ProducerPolicy.of(state.getOffer());
                    if (stated.isPresent()) {
                        policies = policies.isEmpty() ? new HashMap<>() : policies;
                        policies.put(state.getOffer().getOfferId(), stated.get());
                    }
                }
            } else {
                if (unapproved.isEmpty()) {
                    unapproved = new ArrayList<>();
                }
                unapproved.add(offerOf.apply(state));
            }
        }
        return new OfferPool(states, candidates, unapproved, policies, loads, liveness,
                MatchFilter.oldestFresh(now, policy.livenessBound()));
    }

    /** Every offer in the books, withdrawn ones included. */
    Collection<OfferState> states() {
        return states;
    }

    /** The offers a request may be matched to. */
    List<Offer> candidates() {
        return candidates;
    }

    /** The offers not withdrawn whose producer is no longer approved for the capability: never matched. */
    List<Offer> unapproved() {
        return unapproved;
    }

    /**
     * The candidates the request may not be matched to for want of their producer's approval
     * ({@link ApprovalLifecycle#missing}): by offerId, the approval it lacks in words.
     */
    Map<String, String> gatedOffers(RequestStatus status) {
        if (policies.isEmpty()) {
            return Map.of();
        }
        Map<String, String> gated = new HashMap<>();
        for (ProducerPolicy policy : policies.values()) {
            ApprovalLifecycle.missing(status, policy).ifPresent(gate -> gated.put(policy.offerId(), ApprovalLifecycle.describe(gate)));
        }
        return gated;
    }

    /**
     * The producers' policies the request is to wait for: those of the candidates that could serve it
     * ({@link MatchFilter#couldServe}, and not given up on it for good) when each of them asks for an
     * approval it was not given. None when one of them asks for none (the request may be matched
     * there) or when none could serve it.
     */
    List<ProducerPolicy> policiesToAsk(RequestStatus status) {
        if (policies.isEmpty()) {
            return List.of();
        }
        MatchRequest request = Lifecycle.matchRequest(status);
        List<ProducerPolicy> asking = new ArrayList<>();
        for (Offer offer : candidates) {
            if (!MatchFilter.couldServe(request, offer) || (request.excludedOffers().contains(offer.offerId())
                    && !request.retriableOffers().contains(offer.offerId()))) {
                continue;
            }
            ProducerPolicy policy = policies.get(offer.offerId());
            if (policy == null || ApprovalLifecycle.missing(status, policy).isEmpty()) {
                return List.of();
            }
            asking.add(policy);
        }
        return asking;
    }

    /** Loads by offerId. */
    Map<String, OfferLoad> loads() {
        return loads;
    }

    /** Liveness by producerId, for the producers that ever sent a heartbeat. */
    Map<String, ProducerLiveness> liveness() {
        return liveness;
    }

    /** Whether some candidate could take one more request now. */
    boolean anyAvailable() {
        for (Offer offer : candidates) {
            if (MatchFilter.available(offer, loads.getOrDefault(offer.offerId(), OfferLoad.IDLE),
                    liveness.get(offer.producerId()), oldestFresh)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the producer counts as live now. */
    boolean isLive(String producerId) {
        return MatchFilter.isLive(liveness.get(producerId), oldestFresh);
    }
}
