package io.capmarket.topology.core;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Folds a capability's scorecard states and the current load of its offers into its published scorecard. */
final class Scorecards {

    private Scorecards() {
    }

    /**
     * @param overall the capability's state
     * @param producers its producers' states by producerId
     * @param offers the capability's offers, withdrawn ones included
     */
    static CapabilityScore publish(String capability, ScoreState overall, Map<String, ScoreState> producers,
            Collection<OfferState> offers, int waiting, int backlog, Instant now) {
        ScoreState.Figures figures = overall.figures(now,
                new ScoreState.Current(capacity(offers, null), inFlight(offers, null), waiting, backlog));
        List<ProducerScore> scores = new ArrayList<>();
        for (Map.Entry<String, ScoreState> producer : new TreeMap<>(producers).entrySet()) {
            String producerId = producer.getKey();
            int inFlight = inFlight(offers, producerId);
            ScoreState.Figures own = producer.getValue().figures(now,
                    new ScoreState.Current(capacity(offers, producerId), inFlight, 0, inFlight));
            scores.add(new ProducerScore(producerId, own.window(), own.allTime(), null));
        }
        return CapabilityScore.newBuilder()
                .setCapability(capability)
                .setAt(now)
                .setWindowMs(overall.window().toMillis())
                .setWindow(figures.window())
                .setAllTime(figures.allTime())
                .setProducers(scores)
                .setDemand(overall.demand().isEmpty() ? null : overall.demand().view())
                .build();
    }

    /**
     * The capacity of the listed, ACTIVE offers (of one producer, or of all when {@code producerId}
     * is null), at most {@link Integer#MAX_VALUE}: offers of a capacity near it ("unlimited") add up past it.
     */
    private static int capacity(Collection<OfferState> offers, String producerId) {
        long capacity = 0;
        for (OfferState state : offers) {
            if (!state.getWithdrawn() && state.getOffer().getStatus() == OfferStatus.ACTIVE
                    && (producerId == null || state.getOffer().getProducerId().equals(producerId))) {
                capacity += state.getOffer().getCapacity();
            }
        }
        return (int) Math.min(capacity, Integer.MAX_VALUE);
    }

    private static int inFlight(Collection<OfferState> offers, String producerId) {
        int inFlight = 0;
        for (OfferState state : offers) {
            if (producerId == null || state.getOffer().getProducerId().equals(producerId)) {
                inFlight += state.getInFlight();
            }
        }
        return inFlight;
    }
}
