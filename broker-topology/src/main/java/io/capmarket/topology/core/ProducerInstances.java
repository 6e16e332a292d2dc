package io.capmarket.topology.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A producer's processes, each by its latest heartbeat, and the liveness they make together
 * ({@link #liveness()}): a producer is live while the latest heartbeat of any one of its processes
 * is healthy and fresh, so the most recent of those healthy heartbeats stands for all of them; when
 * no process's latest heartbeat is healthy, the most recent of all stands, unhealthy. One process
 * that closes (its last heartbeat unhealthy) or stops leaves the liveness its peers give as it is.
 *
 * <p>Keeps at most {@link #MAX_INSTANCES} processes; past it, the one heard from least recently
 * is dropped (long past the liveness bound, as processes come and go, when a producer has fewer).
 *
 * @param byInstance each process's latest heartbeat, by instanceId
 * @param liveness what they make together, or null when none is known
 */
public record ProducerInstances(Map<String, ProducerLiveness> byInstance, ProducerLiveness liveness) {

    /** Processes kept per producer: more than a producer runs at once. */
    public static final int MAX_INSTANCES = 64;

    /** No process heard from. */
    public static final ProducerInstances NONE = new ProducerInstances(Map.of(), null);

    private static final Comparator<Map.Entry<String, ProducerLiveness>> LEAST_RECENT =
            Comparator.comparing((Map.Entry<String, ProducerLiveness> e) -> e.getValue().lastHeartbeat())
                    .thenComparing(Map.Entry::getKey);

    public ProducerInstances {
        byInstance = Map.copyOf(byInstance);
    }

    /** These processes, with {@code latest} as the latest heartbeat of {@code instanceId}. */
    public ProducerInstances with(String instanceId, ProducerLiveness latest) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(latest, "latest");
        Map<String, ProducerLiveness> next = new HashMap<>(byInstance);
        next.put(instanceId, latest);
        while (next.size() > MAX_INSTANCES) {
            next.remove(next.entrySet().stream().min(LEAST_RECENT).orElseThrow().getKey());
        }
        return new ProducerInstances(next, together(next.values()));
    }

    /** The most recent healthy heartbeat, or when none is healthy the most recent of all; null for none. */
    static ProducerLiveness together(Collection<ProducerLiveness> latest) {
        ProducerLiveness healthy = null;
        ProducerLiveness any = null;
        for (ProducerLiveness beat : latest) {
            if (any == null || beat.lastHeartbeat().isAfter(any.lastHeartbeat())) {
                any = beat;
            }
            if (beat.healthy() && (healthy == null || beat.lastHeartbeat().isAfter(healthy.lastHeartbeat()))) {
                healthy = beat;
            }
        }
        return healthy != null ? healthy : any;
    }
}
