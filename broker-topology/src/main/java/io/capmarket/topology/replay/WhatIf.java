package io.capmarket.topology.replay;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.topology.core.MatchingPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The change a {@link Replay} runs the recorded window under; {@link #NONE} replays it as it was.
 *
 * @param weights matching weights replacing the recorded ones, by factor ({@code headroom},
 *     {@code speed}, {@code reliability}, {@code preference}); a factor not named keeps its weight
 * @param withoutOffers offers taken out of the market for the whole window
 * @param withOffers offers added to the market from the window's start, with their producer
 * @param capacities offers' capacity replacing the one they published, by offerId
 */
public record WhatIf(Map<String, Double> weights, Set<String> withoutOffers, List<CapabilityOffer> withOffers,
        Map<String, Integer> capacities) {

    /** The matching factors a weight can be given for. */
    public static final List<String> FACTORS = List.of("headroom", "speed", "reliability", "preference");

    /** No change: the replay reproduces the recorded decisions. */
    public static final WhatIf NONE = new WhatIf(Map.of(), Set.of(), List.of(), Map.of());

    public WhatIf {
        weights = Map.copyOf(weights);
        withoutOffers = Set.copyOf(withoutOffers);
        withOffers = List.copyOf(withOffers);
        capacities = Map.copyOf(capacities);
        weights.forEach((factor, weight) -> {
            if (!FACTORS.contains(factor)) {
                throw new IllegalArgumentException("weights: factor must be one of " + FACTORS + ", but was '" + factor + "'");
            }
            if (!(weight >= 0) || weight.isInfinite()) {
                throw new IllegalArgumentException("weights." + factor + " must be a number of 0 or more, but was " + weight);
            }
        });
        capacities.forEach((offerId, capacity) -> {
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity of offer " + offerId + " must be 0 or more, but was " + capacity);
            }
        });
        Set<String> added = new TreeSet<>();
        for (CapabilityOffer offer : withOffers) {
            Objects.requireNonNull(offer, "withOffers holds a null offer");
            if (!added.add(offer.getOfferId())) {
                throw new IllegalArgumentException("withOffers: offer " + offer.getOfferId() + " is added twice");
            }
        }
    }

    /** True when nothing is changed. */
    public boolean isNone() {
        return weights.isEmpty() && withoutOffers.isEmpty() && withOffers.isEmpty() && capacities.isEmpty();
    }

    /** The matching policy with this change's weights over {@code recorded}'s. */
    public MatchingPolicy apply(MatchingPolicy recorded) {
        if (weights.isEmpty()) {
            return recorded;
        }
        return recorded.withWeights(weights.getOrDefault("headroom", recorded.headroomWeight()),
                weights.getOrDefault("speed", recorded.speedWeight()),
                weights.getOrDefault("reliability", recorded.reliabilityWeight()),
                weights.getOrDefault("preference", recorded.preferenceWeight()));
    }

    /** The change in words, one line per part; {@code "none"} for {@link #NONE}. */
    public List<String> describe() {
        if (isNone()) {
            return List.of("none (the recorded policy)");
        }
        List<String> lines = new ArrayList<>();
        if (!weights.isEmpty()) {
            Map<String, Double> ordered = new LinkedHashMap<>();
            FACTORS.stream().filter(weights::containsKey).forEach(f -> ordered.put(f, weights.get(f)));
            lines.add("weights " + ordered.toString().replace("{", "").replace("}", ""));
        }
        new TreeSet<>(withoutOffers).forEach(id -> lines.add("without offer " + id));
        withOffers.forEach(o -> lines.add("with offer " + o.getOfferId() + " of producer " + o.getProducerId() + " ("
                + o.getCapability() + " v" + o.getCapabilityVersion() + ", capacity " + o.getCapacity() + ")"));
        new TreeMap<>(capacities).forEach((id, c) -> lines.add("capacity of offer " + id + " " + c));
        return List.copyOf(lines);
    }
}
