package io.capmarket.sdk.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Capacity slots per offer: never more assignments of one offer running in this process than its
 * capacity. Thread-safe.
 */
public final class Slots {

    private final Map<String, Integer> capacities;
    private final Map<String, Integer> used = new HashMap<>();
    private final int defaultCapacity;

    public Slots(int defaultCapacity) {
        this(new ConcurrentHashMap<>(), defaultCapacity);
    }

    private Slots(Map<String, Integer> capacities, int defaultCapacity) {
        this.capacities = capacities;
        this.defaultCapacity = defaultCapacity;
    }

    /**
     * Slots with the same capacities (set on either, seen by both) counted apart from these: for
     * updates and deprovisions, which the marketplace does not count against an offer's capacity.
     */
    public Slots countedApart() {
        return new Slots(capacities, defaultCapacity);
    }

    /** Sets (or changes) an offer's capacity; running work above a lowered capacity finishes. */
    public void capacity(String offerId, int capacity) {
        capacities.put(offerId, capacity);
    }

    /** The capacity of an offer: its own, or the default for offers this process does not know. */
    public int capacityOf(String offerId) {
        return capacities.getOrDefault(offerId, defaultCapacity);
    }

    /** Whether the offer's capacity is declared. */
    public boolean known(String offerId) {
        return capacities.containsKey(offerId);
    }

    /** Takes a slot if one is free. */
    public synchronized boolean tryAcquire(String offerId) {
        int inUse = used.getOrDefault(offerId, 0);
        if (inUse >= capacityOf(offerId)) {
            return false;
        }
        used.put(offerId, inUse + 1);
        return true;
    }

    /** Frees a slot. */
    public synchronized void release(String offerId) {
        used.computeIfPresent(offerId, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Slots in use for one offer. */
    public synchronized int inFlight(String offerId) {
        return used.getOrDefault(offerId, 0);
    }

    /** Slots in use over all offers. */
    public synchronized int inFlight() {
        return used.values().stream().mapToInt(Integer::intValue).sum();
    }
}
