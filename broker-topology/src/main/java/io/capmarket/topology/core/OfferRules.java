package io.capmarket.topology.core;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.Lifetimes;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.onboarding.ProducerNames;
import java.util.Optional;

/**
 * Whether the topology takes an offer: the producer must be approved for the capability, and the
 * offer must make sense (the SDK validates too, but the topic is open to any client).
 */
public final class OfferRules {

    /** The longest lead time an offer may promise: a year, so that every deadline stays a representable instant. */
    public static final long MAX_LEAD_TIME_SLO_MS = 365L * 24 * 60 * 60 * 1000;
    /** Grants every capability in an approval. */
    public static final String ANY_CAPABILITY = "*";
    /**
     * The most offers a capability holds, published or withdrawn and kept for their work and
     * resources: matching reads every one of them for each request, and the catalog shows them all.
     */
    public static final int MAX_OFFERS_PER_CAPABILITY = 1_000;
    /**
     * The most offerIds a producer holds where the intake indexes them (one partition of its offers
     * topic), withdrawn ones included: an offerId stays the producer that first published it, withdrawn
     * or not, until the producer needs its place for a new one: then its longest-withdrawn offerId is
     * released.
     */
    public static final int MAX_OFFER_IDS_PER_PRODUCER = 10_000;

    private OfferRules() {
    }

    /**
     * Why the offer is refused, or empty when it is taken.
     *
     * @param approval the producer's approval, or null when the producer was never approved (or revoked)
     */
    public static Optional<String> refusal(CapabilityOffer offer, ProducerApproval approval) {
        if (approval == null) {
            return Optional.of("producer " + offer.getProducerId() + " is not approved: an administrator must approve it first");
        }
        if (!approves(approval, offer.getCapability())) {
            return Optional.of("producer " + offer.getProducerId() + " is not approved for capability " + offer.getCapability()
                    + " (approved for " + approval.getCapabilities() + ")");
        }
        if (!ProducerNames.isKebabCase(offer.getCapability())) {
            return Optional.of("capability must be kebab-case, but was '" + offer.getCapability() + "'");
        }
        if (offer.getOfferId().isBlank()) {
            return Optional.of("offerId must not be blank");
        }
        if (offer.getCapabilityVersion() < 1) {
            return Optional.of("capabilityVersion must be at least 1, but was " + offer.getCapabilityVersion());
        }
        if (offer.getCapacity() < 1) {
            return Optional.of("capacity must be greater than 0, but was " + offer.getCapacity());
        }
        if (offer.getLeadTimeSloMs() < 1 || offer.getLeadTimeSloMs() > MAX_LEAD_TIME_SLO_MS) {
            return Optional.of("leadTimeSloMs must be from 1 to " + MAX_LEAD_TIME_SLO_MS + " (a year), but was "
                    + offer.getLeadTimeSloMs());
        }
        return Lifetimes.refusal("maxTtlMs", offer.getMaxTtlMs());
    }

    /**
     * Whether the approval grants the capability: at offer time (an offer of a capability its
     * producer is not approved for is refused) and at matching time (an offer whose producer lost
     * its approval, by revocation or a narrower grant, is not matched).
     *
     * @param approval the producer's current approval, or null when it has none (never approved, or revoked)
     */
    public static boolean approves(ProducerApproval approval, String capability) {
        return approval != null && (approval.getCapabilities().contains(ANY_CAPABILITY)
                || approval.getCapabilities().contains(capability));
    }

    /**
     * Why a change of an offer the capability holds, or held, is refused, or empty when it is taken:
     * an offer is changed, withdrawn and published again only by the producer that first published
     * it. Intake checks this within its own partition of the offer index; a producer choosing
     * another partition for its record reaches another intake task, so the capability's single
     * writer checks it again against the offer it holds, or the producer of the one it forgot.
     *
     * @param holder the producer of the offer as held, or of the offer the capability held and
     *     forgot ({@link DeskBooks#formerOwner}), or null when it never held one of that offerId
     * @param changedBy the producer whose offers topic the change came from, or null for a change
     *     written before it was recorded (taken, as before)
     * @param withdrawal whether the change withdraws the offer (a tombstone) rather than publishing it
     */
    public static Optional<String> changeRefusal(String offerId, String capability, String holder, String changedBy,
            boolean withdrawal) {
        if (holder == null || changedBy == null || holder.equals(changedBy)) {
            return Optional.empty();
        }
        return Optional.of((withdrawal ? "withdrawal" : "change") + " of offer " + offerId + " of capability " + capability
                + " by producer " + changedBy + ": the offer belongs to producer " + holder + ", only it can "
                + (withdrawal ? "withdraw" : "change") + " it");
    }

    /**
     * Why a new offer of a capability is refused for the bound, or empty when it is taken: a
     * capability holds at most {@value #MAX_OFFERS_PER_CAPABILITY} offers ({@code held} counts the
     * withdrawn ones still kept); a change of an offer it holds is always taken.
     */
    public static Optional<String> boundRefusal(String offerId, String capability, int held) {
        if (held < MAX_OFFERS_PER_CAPABILITY) {
            return Optional.empty();
        }
        return Optional.of("offer " + offerId + " is refused: capability " + capability + " holds " + held + " offers, at most "
                + MAX_OFFERS_PER_CAPABILITY + " (withdrawn ones count until their work and resources end): withdraw one first");
    }

    /**
     * Why an offer under an offerId its producer does not hold yet is refused for the bound, or
     * empty when it is taken: the producer holds {@code held} offerIds {@code where}, {@code withdrawn}
     * of them withdrawn, at most {@value #MAX_OFFER_IDS_PER_PRODUCER}; at the bound, a new offerId takes
     * the place of a withdrawn one, so only a producer holding none withdrawn is refused.
     */
    public static Optional<String> offerIdRefusal(String offerId, String producerId, int held, int withdrawn, String where) {
        if (held < MAX_OFFER_IDS_PER_PRODUCER || withdrawn > 0) {
            return Optional.empty();
        }
        return Optional.of("offer " + offerId + " is refused: producer " + producerId + " holds " + held + " offerIds on " + where
                + ", at most " + MAX_OFFER_IDS_PER_PRODUCER + ", none of them withdrawn: withdraw one it no longer offers (at the "
                + "bound, a new offerId takes the place of the longest-withdrawn one)");
    }
}
