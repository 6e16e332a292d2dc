package io.capmarket.topology.core;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The desk's books in maps, ordered as the store-backed books order them: for a desk run off the
 * log (a replay) and for tests. Liveness, approvals, approval policies, contract handovers and
 * quotas, which the desk only reads, are set from outside. Not thread-safe.
 */
public final class InMemoryBooks implements DeskBooks {

    private static final Comparator<WaitTicket> SERVED_FIRST = Comparator
            .comparing((WaitTicket t) -> -t.priority().ordinal())
            .thenComparing(WaitTicket::submittedAt)
            .thenComparing(WaitTicket::requestId);

    final Map<String, Map<String, OfferState>> offers = new TreeMap<>();
    final Map<String, CapabilityContract> contracts = new HashMap<>();
    /** The producers of forgotten offers, by capability and offerId. */
    private final Map<String, String> formerOwners = new HashMap<>();
    final TreeMap<String, RequestStatus> requests = new TreeMap<>();
    /** Each capability's waitlist, in the order it is served. */
    private final Map<String, TreeSet<WaitTicket>> waitlists = new HashMap<>();
    final DeadlineQueue deadlines = new DeadlineQueue();
    final Map<String, CapabilityCounters> counters = new TreeMap<>();
    final Map<String, ScoreState> scores = new TreeMap<>();
    /** Each producer's processes by their latest heartbeats. */
    private final Map<String, ProducerInstances> liveness = new HashMap<>();
    final Map<String, ProducerApproval> approvals = new HashMap<>();
    /** The admins' quotas by {@code <team>/<capability>}. */
    final Map<String, TeamQuota> quotas = new HashMap<>();
    private final TeamLoads teamLoads = new TeamLoads();
    private final Map<String, Integer> liveResources = new HashMap<>();
    /** The admins' approval policies by {@code <capability>/<version>}. */
    final Map<String, ApprovalPolicy> policies = new HashMap<>();
    /** The producers the admins handed contracts to, by {@code <capability>/<version>}. */
    final Map<String, String> handovers = new HashMap<>();
    private final Duration window;

    /** @param window the scorecard window of the score states these books keep */
    public InMemoryBooks(Duration window) {
        this.window = window;
    }

    /**
     * Whether {@link CapabilityDesk#tick} at {@code now} would decide nothing: no deadline is due
     * and no request waits (it would only publish catalog entries again).
     */
    public boolean idleAt(Instant now) {
        Instant earliest = deadlines.notBefore();
        return (earliest == null || earliest.isAfter(now)) && counters.values().stream().allMatch(c -> c.getWaiting() == 0);
    }

    /** Records the latest sign of life of one of a producer's processes ({@link ProducerInstances}). */
    public void heartbeat(String producerId, String instanceId, ProducerLiveness latest) {
        liveness.put(producerId, liveness.getOrDefault(producerId, ProducerInstances.NONE).with(instanceId, latest));
    }

    /** Records a producer's approval; null revokes it. */
    public void approve(String producerId, ProducerApproval approval) {
        if (approval == null) {
            approvals.remove(producerId);
        } else {
            approvals.put(producerId, approval);
        }
    }

    /** Records a capability version's approval policy; null removes it. */
    public void policy(String capability, int version, ApprovalPolicy policy) {
        if (policy == null) {
            policies.remove(capability + "/" + version);
        } else {
            policies.put(capability + "/" + version, policy);
        }
    }

    /** Records the producer the admins handed a capability version's contract to; null removes the handover. */
    public void handOver(String capability, int version, String producerId) {
        if (producerId == null) {
            handovers.remove(capability + "/" + version);
        } else {
            handovers.put(capability + "/" + version, producerId);
        }
    }

    /** Records a team's quota on a capability; null removes it. */
    public void quota(String team, String capability, TeamQuota quota) {
        if (quota == null) {
            quotas.remove(team + "/" + capability);
        } else {
            quotas.put(team + "/" + capability, quota);
        }
    }

    @Override
    public Map<String, OfferState> offers(String capability) {
        return offers.computeIfAbsent(capability, c -> new HashMap<>());
    }

    @Override
    public void putOffer(String capability, OfferState state) {
        offers(capability).put(state.getOffer().getOfferId(), state);
    }

    @Override
    public void deleteOffer(String capability, String offerId) {
        OfferState forgotten = offers(capability).remove(offerId);
        if (forgotten != null) {
            formerOwners.put(capability + "/" + offerId, forgotten.getOffer().getProducerId());
        }
    }

    @Override
    public String formerOwner(String capability, String offerId) {
        return formerOwners.get(capability + "/" + offerId);
    }

    @Override
    public List<String> offeredCapabilities() {
        return offers.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    @Override
    public CapabilityContract contract(String capability, int version) {
        return contracts.get(capability + "/" + version);
    }

    @Override
    public void putContract(CapabilityContract contract) {
        contracts.put(contract.getCapability() + "/" + contract.getVersion(), contract);
    }

    @Override
    public Map<Integer, CapabilityContract> contracts(String capability) {
        Map<Integer, CapabilityContract> byVersion = new TreeMap<>();
        contracts.values().stream().filter(c -> c.getCapability().equals(capability))
                .forEach(c -> byVersion.put(c.getVersion(), c));
        return byVersion;
    }

    @Override
    public RequestStatus request(String requestId) {
        return requests.get(requestId);
    }

    @Override
    public void putRequest(RequestStatus status, Deadline next) {
        requests.put(status.getRequestId(), status);
        deadlines.put(status.getRequestId(), next);
    }

    @Override
    public List<RequestStatus> requestsAfter(String afterId, int limit) {
        return (afterId == null ? requests : requests.tailMap(afterId, false)).values().stream().limit(limit).toList();
    }

    @Override
    public void deleteRequest(String requestId) {
        requests.remove(requestId);
        deadlines.put(requestId, null);
    }

    @Override
    public void enqueue(WaitTicket ticket) {
        waitlists.computeIfAbsent(ticket.capability(), c -> new TreeSet<>(SERVED_FIRST)).add(ticket);
    }

    @Override
    public void dequeue(WaitTicket ticket) {
        TreeSet<WaitTicket> waitlist = waitlists.get(ticket.capability());
        if (waitlist != null) {
            waitlist.remove(ticket);
        }
    }

    @Override
    public List<WaitTicket> queue(String capability, WaitTicket after, int limit) {
        TreeSet<WaitTicket> waitlist = waitlists.get(capability);
        if (waitlist == null) {
            return List.of();
        }
        return (after == null ? waitlist : waitlist.tailSet(after, false)).stream().limit(limit).toList();
    }

    /** Every waiting ticket, capability by capability. */
    List<WaitTicket> waitlist() {
        return waitlists.values().stream().flatMap(TreeSet::stream).toList();
    }

    @Override
    public List<Deadline> takeDue(Instant now) {
        return deadlines.takeDue(now);
    }

    @Override
    public Deadline deadline(String requestId) {
        return deadlines.get(requestId);
    }

    @Override
    public void putDeadline(Deadline deadline) {
        deadlines.put(deadline.requestId(), deadline);
    }

    @Override
    public CapabilityCounters counts(String capability) {
        return counters.getOrDefault(capability, new CapabilityCounters(0, 0));
    }

    @Override
    public void putCounts(String capability, CapabilityCounters counts) {
        counters.put(capability, counts);
    }

    @Override
    public List<String> countedCapabilities() {
        return List.copyOf(counters.keySet());
    }

    @Override
    public void score(String key, Consumer<ScoreState> event) {
        event.accept(scoreOf(key));
    }

    @Override
    public ScoreState scoreOf(String key) {
        return scores.computeIfAbsent(key, k -> new ScoreState(window));
    }

    @Override
    public Map<String, ScoreState> scoresUnder(String prefix) {
        Map<String, ScoreState> under = new HashMap<>();
        scores.forEach((key, state) -> {
            if (key.startsWith(prefix)) {
                under.put(key.substring(prefix.length()), state);
            }
        });
        return under;
    }

    @Override
    public ProducerLiveness liveness(String producerId) {
        return liveness.getOrDefault(producerId, ProducerInstances.NONE).liveness();
    }

    @Override
    public ProducerApproval approval(String producerId) {
        return approvals.get(producerId);
    }

    @Override
    public ApprovalPolicy approvalPolicy(String capability, int version) {
        return policies.get(capability + "/" + version);
    }

    @Override
    public String contractHandedTo(String capability, int version) {
        return handovers.get(capability + "/" + version);
    }

    @Override
    public int liveResources(String capability, String offerId) {
        return liveResources.getOrDefault(capability + "/" + offerId, 0);
    }

    @Override
    public void putLiveResources(String capability, String offerId, int count) {
        liveResources.put(capability + "/" + offerId, count);
    }

    @Override
    public TeamLoad teamLoad(String capability, String team) {
        return teamLoads.get(capability, team);
    }

    @Override
    public void putTeamLoad(String capability, String team, TeamLoad load) {
        teamLoads.put(capability, team, load);
    }

    @Override
    public List<String> teamsOf(String capability) {
        return teamLoads.teamsOf(capability);
    }

    @Override
    public TeamQuota quota(String capability, String team) {
        return quotas.get(team + "/" + capability);
    }
}
