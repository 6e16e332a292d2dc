package io.capmarket.topology.core;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topology.CapabilityCounters;
import java.util.HashMap;
import java.util.Map;

/**
 * The loads the books derive from the requests they keep instead of storing them with every
 * request: each offer's requests in flight (assigned and unfinished, {@link Lifecycle#isAssigned})
 * and live resources, each capability's waiting and unfinished requests (still being provisioned) and what each team
 * holds of each capability ({@link TeamLoad}). Counted from the kept requests when a
 * task starts (they are written in the same transaction as every change of a load, so the count
 * is exact after any crash); the desk keeps the loads from then on.
 */
public final class LoadTally {

    private static final CapabilityCounters NONE = new CapabilityCounters(0, 0);

    private final Map<String, Map<String, Integer>> inFlight = new HashMap<>();
    private final Map<String, Map<String, Integer>> live = new HashMap<>();
    private final Map<String, CapabilityCounters> counts = new HashMap<>();
    private final Map<String, Map<String, TeamLoad>> teams = new HashMap<>();
    private long requests;

    /** Counts one kept request. */
    public void add(RequestStatus status) {
        requests++;
        String capability = status.getCapability();
        if (Lifecycle.isAssigned(status) && status.getOfferId() != null) {
            inFlight.computeIfAbsent(capability, c -> new HashMap<>()).merge(status.getOfferId(), 1, Integer::sum);
        }
        TeamLoad load = TeamLoad.of(status);
        if (load.live() > 0 && status.getOfferId() != null) {
            live.computeIfAbsent(capability, c -> new HashMap<>()).merge(status.getOfferId(), 1, Integer::sum);
        }
        if (!load.isEmpty()) {
            teams.computeIfAbsent(capability, c -> new HashMap<>()).merge(status.getConsumerTeam(), load,
                    (a, b) -> a.plus(b.pendingApproval(), b.waiting(), b.inFlight(), b.live()));
        }
        if (Lifecycle.isProvisioning(status)) {
            CapabilityCounters current = counts.getOrDefault(capability, NONE);
            int waiting = status.getState() == RequestState.WAITING ? 1 : 0;
            counts.put(capability, new CapabilityCounters(current.getWaiting() + waiting, current.getBacklog() + 1));
        }
    }

    /** The capability's offers' requests in flight, by offerId (offers with none are absent). */
    public Map<String, Integer> inFlight(String capability) {
        return inFlight.getOrDefault(capability, Map.of());
    }

    /** The offers' live resources ({@link DeskBooks#liveResources}), by capability then offerId (offers with none are absent). */
    public Map<String, Map<String, Integer>> liveResources() {
        return live;
    }

    /** Every capability with unfinished requests, with its waiting and unfinished counts. */
    public Map<String, CapabilityCounters> counts() {
        return Map.copyOf(counts);
    }

    /** What each team holds of each capability, by capability then team (teams holding nothing are absent). */
    public Map<String, Map<String, TeamLoad>> teamLoads() {
        return teams;
    }

    /** How many requests were counted. */
    public long requests() {
        return requests;
    }
}
