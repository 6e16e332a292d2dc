package io.capmarket.topology.core;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.ProducerProbation;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The producers on probation, per capability ({@link ProbationPolicy}). The books keep when each went on
 * probation, in its scorecard state; this keeps the standing with its reason in memory for matching, read from the
 * books the first time a capability is asked for and judged again each time its scorecard is published.
 */
final class Standings {

    private final DeskBooks books;
    private final ProbationPolicy policy;
    private final Duration window;
    private final EngineEvents events;
    private final Map<String, Map<String, ProducerProbation>> byCapability = new HashMap<>();

    Standings(DeskBooks books, ProbationPolicy policy, Duration window, EngineEvents events) {
        this.books = books;
        this.policy = policy;
        this.window = window;
        this.events = events;
    }

    /** The capability's producers on probation, by producerId; not to be modified. */
    Map<String, ProducerProbation> of(String capability) {
        return byCapability.computeIfAbsent(capability, this::read);
    }

    /** What the books say after a restart: since when, with the reason the next judgement brings up to date. */
    private Map<String, ProducerProbation> read(String capability) {
        Map<String, ProducerProbation> onProbation = new HashMap<>();
        for (Map.Entry<String, ScoreState> producer : books.scoresUnder(capability + "/").entrySet()) {
            Optional<Instant> since = producer.getValue().probationSince();
            since.ifPresent(at -> onProbation.put(producer.getKey(),
                    new ProducerProbation(at, "on probation since " + at, policy.scoreFactor())));
        }
        return onProbation;
    }

    /**
     * Judges each producer of a scorecard about to be published on its window's record, records every change in
     * the books and as an event, and marks the producers on probation in the scorecard.
     *
     * @return whether any producer's standing changed (its catalog entry then needs publishing)
     */
    boolean judge(CapabilityScore score, Instant now) {
        String capability = score.getCapability();
        Map<String, ProducerProbation> onProbation = of(capability);
        boolean changed = false;
        for (ProducerScore producer : score.getProducers()) {
            String producerId = producer.getProducerId();
            ProducerProbation before = onProbation.get(producerId);
            ProducerProbation after = Probation.judge(policy, before, producer.getWindow().getSafety(), window, now);
            if (after == null) {
                onProbation.remove(producerId);
            } else {
                onProbation.put(producerId, after);
            }
            producer.setProbation(after);
            if ((before == null) != (after == null)) {
                changed = true;
                books.score(capability + "/" + producerId, state -> state.probation(after == null ? null : after.getSince()));
                events.probation(capability, producerId, after != null, after != null ? after.getReason()
                        : Probation.restored(policy, producer.getWindow().getSafety(), window));
            }
        }
        return changed;
    }
}
