package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.CapabilityCounters;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The waiting and backlog counts of the capabilities one task owns, read through an in-memory
 * cache: every submission and every finish changes them, and this task is their only writer, so
 * the cache stays exact. Writes go straight to the store. It starts empty whenever the processor
 * is (re)initialized.
 */
final class CounterBook {

    private static final CapabilityCounters NONE = new CapabilityCounters(0, 0);

    private final KeyValueStore<String, CapabilityCounters> store;
    private final Map<String, CapabilityCounters> cache = new HashMap<>();

    CounterBook(KeyValueStore<String, CapabilityCounters> store) {
        this.store = store;
    }

    /** The capability's counts; zero for a capability never counted. */
    CapabilityCounters get(String capability) {
        CapabilityCounters counts = cache.computeIfAbsent(capability, c -> {
            CapabilityCounters stored = store.get(c);
            return stored == null ? NONE : stored;
        });
        return counts;
    }

    /** Stores the capability's counts. */
    void put(String capability, CapabilityCounters next) {
        store.put(capability, next);
        cache.put(capability, next);
    }
}
