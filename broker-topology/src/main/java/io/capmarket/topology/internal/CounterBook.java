package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.topology.core.LoadTally;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The waiting and unfinished counts of the capabilities one task owns. Every submission and every
 * finish changes them; they are not stored but counted from the kept requests when the task starts
 * ({@link LoadTally}) and kept in memory from then on.
 */
final class CounterBook {

    private static final CapabilityCounters NONE = new CapabilityCounters(0, 0);

    private final Map<String, CapabilityCounters> counts;

    CounterBook(LoadTally loads) {
        this.counts = new HashMap<>(loads.counts());
    }

    /** The capability's counts; zero for a capability never counted. */
    CapabilityCounters get(String capability) {
        return counts.getOrDefault(capability, NONE);
    }

    /** Keeps the capability's counts. */
    void put(String capability, CapabilityCounters next) {
        counts.put(capability, next);
    }

    /** The capability's counts as kept, or null when it was never counted. */
    CapabilityCounters kept(String capability) {
        return counts.get(capability);
    }

    /** Keeps {@code counts}, or forgets the capability when it is null (what {@link #kept} said before). */
    void restore(String capability, CapabilityCounters kept) {
        if (kept == null) {
            counts.remove(capability);
        } else {
            counts.put(capability, kept);
        }
    }

    /** Every capability counted since the task started. */
    Set<String> capabilities() {
        return counts.keySet();
    }
}
