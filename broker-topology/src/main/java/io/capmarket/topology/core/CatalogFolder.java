package io.capmarket.topology.core;

import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.ProducerProbation;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.OfferState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Folds a capability's offers into its catalog entry: the versions offered (with the parameter
 * and output schema of each from the version's contract and who owns it, see
 * {@link CapabilityContracts}) and the offers still listed. The capability's description is its
 * newest listed version's. Withdrawn and RETIRED offers are not listed; a capability with nothing
 * listed has no entry. A version without a contract (offers taken before contracts were kept)
 * shows its most recently updated offer's schemas and description, and no owner.
 */
public final class CatalogFolder {

    static {
        // copies of generated records with nested records load their classes by name
        AvroTrust.install();
    }

    private CatalogFolder() {
    }

    /**
     * The catalog entry, or null when nothing is listed any more (the entry is removed).
     *
     * @param contracts the capability's contracts by version
     * @param handedTo the producer the admins handed a version's contract to, or null when they named none
     * @param live whether a producer is live now
     * @param probation a producer's probation for the capability, or null when it is in good standing
     */
    public static CapabilityView fold(String capability, List<OfferState> offers, Map<Integer, CapabilityContract> contracts,
            IntFunction<String> handedTo, Predicate<String> live, Function<String, ProducerProbation> probation, Instant now) {
        List<OfferState> listed = offers.stream()
                .filter(s -> !s.getWithdrawn() && s.getOffer().getStatus() != OfferStatus.RETIRED)
                .sorted(Comparator.comparing(s -> s.getOffer().getOfferId()))
                .toList();
        if (listed.isEmpty()) {
            return null;
        }
        TreeMap<Integer, List<CapabilityOffer>> byVersion = new TreeMap<>();
        for (OfferState state : listed) {
            byVersion.computeIfAbsent(state.getOffer().getCapabilityVersion(), v -> new ArrayList<>()).add(state.getOffer());
        }
        List<CapabilityVersionView> versions = new ArrayList<>();
        byVersion.forEach((version, versionOffers) -> versions.add(version(version, versionOffers, contracts.get(version),
                handedTo.apply(version))));
        List<OfferView> views = listed.stream().map(s -> view(s, live, probation)).toList();
        CapabilityContract newest = contracts.get(byVersion.lastKey());
        String description = newest != null ? newest.getDescription() : listed.stream().map(OfferState::getOffer)
                .filter(o -> o.getDescription() != null)
                .max(Comparator.comparing(CapabilityOffer::getUpdatedAt))
                .map(CapabilityOffer::getDescription)
                .orElse(null);
        return CapabilityView.newBuilder()
                .setName(capability)
                .setDescription(description)
                .setVersions(versions)
                .setOffers(views)
                .setUpdatedAt(now)
                .build();
    }

    private static CapabilityVersionView version(int version, List<CapabilityOffer> offers, CapabilityContract contract,
            String handedTo) {
        CapabilityOffer newest = offers.stream().max(Comparator.comparing(CapabilityOffer::getUpdatedAt)).orElseThrow();
        boolean deprecated = offers.stream().allMatch(o -> o.getStatus() == OfferStatus.DEPRECATED);
        Instant sunset = deprecated
                ? offers.stream().map(CapabilityOffer::getSunsetAt).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null)
                : null;
        return CapabilityVersionView.newBuilder()
                .setVersion(version)
                .setParameterSchema(contract != null ? contract.getParameterSchema() : newest.getParameterSchema())
                .setOutputSchema(contract != null ? contract.getOutputSchema() : newest.getOutputSchema())
                .setDeprecated(deprecated)
                .setSunsetAt(sunset)
                .setContractOwner(contract == null ? null : CapabilityContracts.owner(contract, handedTo))
                .build();
    }

    private static OfferView view(OfferState state, Predicate<String> live, Function<String, ProducerProbation> probation) {
        CapabilityOffer offer = state.getOffer();
        return OfferView.newBuilder()
                .setOfferId(offer.getOfferId())
                .setProducerId(offer.getProducerId())
                .setVersion(offer.getCapabilityVersion())
                .setStatus(offer.getStatus())
                .setAttributes(offer.getAttributes())
                .setCapacity(offer.getCapacity())
                .setInFlight(state.getInFlight())
                .setLeadTimeSloMs(offer.getLeadTimeSloMs())
                .setProducerLive(live.test(offer.getProducerId()))
                .setObserved(OfferRecord.observed(state))
                .setUpdatableParameters(offer.getUpdatableParameters())
                .setMaxTtlMs(offer.getMaxTtlMs())
                .setApproval(offer.getApproval())
                .setProbation(probation.apply(offer.getProducerId()))
                .build();
    }
}
