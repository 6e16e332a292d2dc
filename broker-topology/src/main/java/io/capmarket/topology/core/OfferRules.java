package io.capmarket.topology.core;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.ProducerApproval;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether the topology takes an offer: the producer must be approved for the capability, and the
 * offer must make sense (the SDK validates too, but the topic is open to any client).
 */
public final class OfferRules {

    /** Capability names: lower-case words separated by single hyphens, such as {@code postgres-database}. */
    public static final Pattern KEBAB_CASE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    /** Grants every capability in an approval. */
    public static final String ANY_CAPABILITY = "*";

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
        if (!approval.getCapabilities().contains(ANY_CAPABILITY) && !approval.getCapabilities().contains(offer.getCapability())) {
            return Optional.of("producer " + offer.getProducerId() + " is not approved for capability " + offer.getCapability()
                    + " (approved for " + approval.getCapabilities() + ")");
        }
        if (!KEBAB_CASE.matcher(offer.getCapability()).matches()) {
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
        if (offer.getLeadTimeSloMs() < 1) {
            return Optional.of("leadTimeSloMs must be greater than 0, but was " + offer.getLeadTimeSloMs());
        }
        return Optional.empty();
    }
}
