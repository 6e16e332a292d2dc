package io.capmarket.topology.internal;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.score.ScoreState;
import io.capmarket.topology.core.score.ScoreStateCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scorecard state per capability (key {@code capability}) and per producer of it (key
 * {@code capability/producerId}), stored encoded with {@link ScoreStateCodec}.
 *
 * <p>Decoding and encoding a busy state on every event would cost more than matching itself, so
 * states are kept decoded while the task runs and written back by {@link #flush()}, which the
 * engine calls on a short wall-clock interval. A crash can therefore lose the scorecard events of
 * that interval (the request state itself is never affected); scorecards are statistics, and
 * they remain consistent, just slightly short.
 */
final class ScoreBook {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> store;
    private final Duration window;
    private final Map<String, ScoreState> decoded = new java.util.HashMap<>();
    private final java.util.Set<String> dirty = new java.util.HashSet<>();

    ScoreBook(KeyValueStore<String, byte[]> store, Duration window) {
        this.store = store;
        this.window = window;
    }

    /** Records an event in the capability's scorecard and, when a producer is named, in the producer's. */
    void record(String capability, String producerId, Consumer<ScoreState> event) {
        update(capability, event);
        if (producerId != null) {
            update(capability + "/" + producerId, event);
        }
    }

    /** The capability's scorecard with the current load of its offers. */
    CapabilityScore publish(String capability, Collection<OfferState> offers, int waiting, int backlog, Instant now) {
        ScoreState.Figures overall = state(capability).figures(now,
                new ScoreState.Current(capacity(offers, null), inFlight(offers, null), waiting, backlog));
        List<ProducerScore> producers = new ArrayList<>();
        for (Map.Entry<String, ScoreState> producer : producers(capability).entrySet()) {
            String producerId = producer.getKey();
            int inFlight = inFlight(offers, producerId);
            ScoreState.Figures figures = producer.getValue().figures(now,
                    new ScoreState.Current(capacity(offers, producerId), inFlight, 0, inFlight));
            producers.add(new ProducerScore(producerId, figures.window(), figures.allTime()));
        }
        return CapabilityScore.newBuilder()
                .setCapability(capability)
                .setAt(now)
                .setWindowMs(window.toMillis())
                .setWindow(overall.window())
                .setAllTime(overall.allTime())
                .setProducers(producers)
                .build();
    }

    /** Writes every state changed since the last flush to the store. */
    void flush() {
        for (String key : dirty) {
            store.put(key, ScoreStateCodec.encode(decoded.get(key)));
        }
        dirty.clear();
    }

    private void update(String key, Consumer<ScoreState> event) {
        event.accept(state(key));
        dirty.add(key);
    }

    private ScoreState state(String key) {
        return decoded.computeIfAbsent(key, k -> {
            byte[] bytes = store.get(k);
            return bytes == null ? new ScoreState(window) : ScoreStateCodec.decode(bytes, window);
        });
    }

    private Map<String, ScoreState> producers(String capability) {
        flush();
        Map<String, ScoreState> producers = new TreeMap<>();
        String prefix = capability + "/";
        try (KeyValueIterator<String, byte[]> scan = store.prefixScan(prefix, KEYS)) {
            while (scan.hasNext()) {
                KeyValue<String, byte[]> entry = scan.next();
                producers.put(entry.key.substring(prefix.length()), state(entry.key));
            }
        }
        return producers;
    }

    private static int capacity(Collection<OfferState> offers, String producerId) {
        return offers.stream()
                .filter(s -> !s.getWithdrawn() && s.getOffer().getStatus() == io.capmarket.schemas.OfferStatus.ACTIVE)
                .filter(s -> producerId == null || s.getOffer().getProducerId().equals(producerId))
                .mapToInt(s -> s.getOffer().getCapacity()).sum();
    }

    private static int inFlight(Collection<OfferState> offers, String producerId) {
        return offers.stream()
                .filter(s -> producerId == null || s.getOffer().getProducerId().equals(producerId))
                .mapToInt(OfferState::getInFlight).sum();
    }
}
