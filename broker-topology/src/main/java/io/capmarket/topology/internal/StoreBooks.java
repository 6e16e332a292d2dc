package io.capmarket.topology.internal;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.runtime.WrittenKeys;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.Deadline;
import io.capmarket.topology.core.DeadlineQueue;
import io.capmarket.topology.core.DeskBooks;
import io.capmarket.topology.core.LoadTally;
import io.capmarket.topology.core.OfferRecord;
import io.capmarket.topology.core.ProducerInstances;
import io.capmarket.topology.core.ProducerLiveness;
import io.capmarket.topology.core.TeamLoad;
import io.capmarket.topology.core.TeamLoads;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.WaitTicket;
import io.capmarket.topology.core.score.ScoreState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/** The desk's books over the engine's named state stores (see {@link TopologyNames}). */
final class StoreBooks implements DeskBooks {

    private static final StringSerializer KEYS = new StringSerializer();

    private final TopologySettings settings;
    private final KeyValueStore<String, OfferState> offerStates;
    private final KeyValueStore<String, String> formerOwners;
    private final ScoreBook scores;
    private final KeyValueStore<String, CapabilityContract> contracts;
    private final KeyValueStore<String, RequestStatus> requests;
    /** The ids {@link #requests} holds, or held: a new request's look-ups skip the store. */
    private final WrittenKeys requestIds;
    private final KeyValueStore<String, String> waitlist;
    /** What the current step replaced in the stores, to undo a step that fails. */
    private final StepJournal journal = new StepJournal();
    // counted from the kept requests when the task starts (count), then kept by the desk
    private OfferBook offers;
    private CounterBook counts;
    private TeamLoads teamLoads;
    /** Each offer's live resources, by {@link StoreKeys#offer}. */
    private Map<String, Integer> liveResources;
    private DeadlineQueue deadlines;
    private long requestsCounted;
    private final TimestampedKeyValueStore<String, ProducerHeartbeat> heartbeats;
    private final TimestampedKeyValueStore<String, ProducerApproval> approvals;
    private final TimestampedKeyValueStore<String, ApprovalPolicySetting> policies;
    private final TimestampedKeyValueStore<String, TeamQuota> quotas;
    private final TimestampedKeyValueStore<String, ContractOwnerSetting> contractOwners;
    private final GlobalMirrors producers;
    /** Lead-time percentiles by lead-times buffer (identity); emptied when it reaches its bound. */
    private final Map<ByteBuffer, Optional<Long>> p95ByLeadTimes = new IdentityHashMap<>();
    private static final int MAX_KEPT_P95 = 1_000;

    /**
     * The books of the task {@code context} runs. Counts the loads of the requests it keeps
     * ({@link LoadTally}) and rebuilds their deadlines ({@link Deadline#next}) in one pass.
     */
    StoreBooks(ProcessorContext<?, ?> context, TopologySettings settings, GlobalMirrors producers, EngineEvents events) {
        this.settings = settings;
        this.requests = context.getStateStore(TopologyNames.REQUEST_STORE);
        this.requestIds = WrittenKeys.ofRequestStore(TopologyNames.REQUEST_STORE, context.taskId(),
                () -> events.writtenKeysFull(TopologyNames.REQUEST_STORE));
        this.offerStates = context.getStateStore(TopologyNames.OFFER_STATE_STORE);
        this.formerOwners = context.getStateStore(TopologyNames.OFFER_OWNER_STORE);
        this.scores = new ScoreBook(context.getStateStore(TopologyNames.SCORE_STORE), settings.scorecardWindow(), journal);
        this.contracts = context.getStateStore(TopologyNames.CONTRACT_STORE);
        this.waitlist = context.getStateStore(TopologyNames.WAITLIST_STORE);
        this.heartbeats = context.getStateStore(TopologyNames.HEARTBEAT_STORE);
        this.approvals = context.getStateStore(TopologyNames.APPROVAL_STORE);
        this.policies = context.getStateStore(TopologyNames.APPROVAL_POLICY_STORE);
        this.quotas = context.getStateStore(TopologyNames.QUOTA_STORE);
        this.contractOwners = context.getStateStore(TopologyNames.CONTRACT_OWNER_STORE);
        this.producers = producers;
        count();
    }

    /**
     * Counts the loads of the kept requests ({@link LoadTally}) and rebuilds their deadlines
     * ({@link Deadline#next}) in one pass: everything kept in memory that follows from the stores.
     */
    private void count() {
        Map<String, Long> promises = new HashMap<>();
        ToLongFunction<RequestStatus> promise = status -> promises.computeIfAbsent(
                StoreKeys.offer(status.getCapability(), status.getOfferId()), key -> {
                    OfferState offer = offerStates.get(key);
                    return offer == null ? 0L : offer.getOffer().getLeadTimeSloMs();
                });
        LoadTally loads = new LoadTally();
        DeadlineQueue rebuilt = new DeadlineQueue();
        try (KeyValueIterator<String, RequestStatus> all = requests.all()) {
            all.forEachRemaining(entry -> {
                requestIds.add(entry.key);
                loads.add(entry.value);
                rebuilt.put(entry.key, Deadline.next(entry.value, settings, promise));
            });
        }
        this.requestsCounted = loads.requests();
        this.deadlines = rebuilt;
        this.offers = new OfferBook(offerStates, formerOwners, loads, journal);
        this.counts = new CounterBook(loads);
        this.teamLoads = new TeamLoads(loads.teamLoads());
        this.liveResources = new HashMap<>();
        loads.liveResources().forEach((capability, byOffer) ->
                byOffer.forEach((offerId, count) -> liveResources.put(StoreKeys.offer(capability, offerId), count)));
    }

    /**
     * A step begins: what it writes to the stores from now on can be undone ({@link #undoStep()}).
     * A step of the clock ({@code clock}), which runs again after it failed, keeps its scorecard
     * events' states for the undo too.
     */
    void beginStep(boolean clock) {
        journal.begin();
        scores.keepChanges(clock);
    }

    /** The step succeeded: what it wrote stays. */
    void endStep() {
        journal.end();
        scores.keepChanges(false);
    }

    /**
     * The step failed part-way: puts back what it wrote to the stores and what it changed of what is
     * kept in memory (offers and their loads, live resources, counts, team loads, deadlines), at a
     * cost of the step's own size. A record's step keeps its scorecard events (scorecards are
     * statistics, and the record is dead-lettered, not run again); a step of the clock, which runs
     * again, has them put back too ({@link ScoreBook#keepChanges}).
     *
     * @return how many store keys and in-memory values were put back
     */
    int undoStep() {
        int written = journal.written();
        scores.keepChanges(false);
        journal.rollBack();
        return written;
    }

    /** Names a value the books keep in memory, for the step's journal. */
    private record Change(String kind, String key) {
    }

    /** How many kept requests the task counted when it started. */
    long requestsCounted() {
        return requestsCounted;
    }

    /** Writes the scorecard states changed since the last flush. */
    void flushScores() {
        scores.flush();
    }

    @Override
    public Map<String, OfferState> offers(String capability) {
        return offers.offers(capability);
    }

    @Override
    public void putOffer(String capability, OfferState state) {
        offers.put(capability, state.getOffer().getOfferId(), state);
    }

    @Override
    public void deleteOffer(String capability, String offerId) {
        offers.delete(capability, offerId);
    }

    @Override
    public String formerOwner(String capability, String offerId) {
        return offers.formerOwner(capability, offerId);
    }

    @Override
    public List<String> offeredCapabilities() {
        return offers.capabilities();
    }

    @Override
    public CapabilityContract contract(String capability, int version) {
        return contracts.get(StoreKeys.contract(capability, version));
    }

    @Override
    public void putContract(CapabilityContract contract) {
        journal.write(contracts, StoreKeys.contract(contract.getCapability(), contract.getVersion()), contract);
    }

    @Override
    public Map<Integer, CapabilityContract> contracts(String capability) {
        Map<Integer, CapabilityContract> byVersion = new TreeMap<>();
        try (KeyValueIterator<String, CapabilityContract> scan = contracts.prefixScan(StoreKeys.contractPrefix(capability), KEYS)) {
            while (scan.hasNext()) {
                CapabilityContract contract = scan.next().value;
                byVersion.put(contract.getVersion(), contract);
            }
        }
        return byVersion;
    }

    @Override
    public RequestStatus request(String requestId) {
        return requestIds.mayHold(requestId) ? requests.get(requestId) : null;
    }

    @Override
    public void putRequest(RequestStatus status, Deadline next) {
        String requestId = status.getRequestId();
        boolean held = requestIds.mayHold(requestId);
        changingDeadline(requestId, held);
        if (held) {
            journal.write(requests, requestId, status);
        } else {
            journal.write(requests, requestId, status, null); // never held: nothing to read back
            requestIds.add(requestId);
        }
        deadlines.put(requestId, next);
    }

    /** Keeps how to put the request's deadline back, should the step fail; a request never held has none. */
    private void changingDeadline(String requestId, boolean held) {
        Deadline before = held ? deadlines.get(requestId) : null;
        journal.changing(new Change("deadline", requestId), () -> deadlines.put(requestId, before));
    }

    @Override
    public List<RequestStatus> requestsAfter(String afterId, int limit) {
        List<RequestStatus> kept = new ArrayList<>();
        // an open range (KIP-763) from afterId, which it includes: skipped below
        try (KeyValueIterator<String, RequestStatus> scan = afterId == null ? requests.all() : requests.range(afterId, null)) {
            while (scan.hasNext() && kept.size() < limit) {
                KeyValue<String, RequestStatus> entry = scan.next();
                if (!entry.key.equals(afterId)) {
                    kept.add(entry.value);
                }
            }
        }
        return kept;
    }

    /** The id stays in {@link #requestIds}, which only ever skips a read: a later look-up reads the store and finds nothing. */
    @Override
    public void deleteRequest(String requestId) {
        changingDeadline(requestId, true);
        journal.write(requests, requestId, null);
        deadlines.put(requestId, null);
    }

    @Override
    public void enqueue(WaitTicket ticket) {
        journal.write(waitlist, StoreKeys.waiting(ticket), StoreKeys.waitingTeam(ticket.team()));
    }

    @Override
    public void dequeue(WaitTicket ticket) {
        journal.write(waitlist, StoreKeys.waiting(ticket), null);
    }

    @Override
    public List<WaitTicket> queue(String capability, WaitTicket after, int limit) {
        List<WaitTicket> tickets = new ArrayList<>();
        try (KeyValueIterator<String, String> scan = after == null
                ? waitlist.prefixScan(StoreKeys.waitPrefix(capability), KEYS)
                : waitlist.range(StoreKeys.waitingAfter(after), StoreKeys.waitEnd(capability))) {
            while (scan.hasNext() && tickets.size() < limit) {
                KeyValue<String, String> entry = scan.next();
                tickets.add(StoreKeys.parseWaiting(entry.key, entry.value));
            }
        }
        return tickets;
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
        changingDeadline(deadline.requestId(), true);
        deadlines.put(deadline.requestId(), deadline);
    }

    /** How many deadlines the task keeps. */
    int deadlines() {
        return deadlines.size();
    }

    @Override
    public CapabilityCounters counts(String capability) {
        return counts.get(capability);
    }

    @Override
    public void putCounts(String capability, CapabilityCounters next) {
        CapabilityCounters before = counts.kept(capability);
        CounterBook book = counts;
        journal.changing(new Change("counts", capability), () -> book.restore(capability, before));
        counts.put(capability, next);
    }

    @Override
    public List<String> countedCapabilities() {
        Set<String> capabilities = new TreeSet<>(counts.capabilities());
        capabilities.addAll(scores.capabilities());
        return List.copyOf(capabilities);
    }

    @Override
    public void score(String key, Consumer<ScoreState> event) {
        scores.update(key, event);
    }

    @Override
    public ScoreState scoreOf(String key) {
        return scores.state(key);
    }

    @Override
    public Map<String, ScoreState> scoresUnder(String prefix) {
        return scores.under(prefix);
    }

    @Override
    public ProducerLiveness liveness(String producerId) {
        ProducerInstances known = producers.liveness().get(producerId, heartbeats);
        return known == null ? null : known.liveness();
    }

    /**
     * Kept by the identity of the state's lead-times buffer, which the copies of a state that
     * change only its load share: decoded once per change of the lead times, not per request.
     */
    @Override
    public Long leadTimeP95(OfferState state) {
        ByteBuffer leadTimes = state.getLeadTimes();
        if (!leadTimes.hasRemaining()) {
            return null;
        }
        if (p95ByLeadTimes.size() >= MAX_KEPT_P95) {
            p95ByLeadTimes.clear();
        }
        return p95ByLeadTimes.computeIfAbsent(leadTimes, buffer -> Optional.ofNullable(OfferRecord.leadTimeP95(state))).orElse(null);
    }

    @Override
    public ProducerApproval approval(String producerId) {
        return producers.approvals().get(producerId, approvals);
    }

    @Override
    public ApprovalPolicy approvalPolicy(String capability, int version) {
        return producers.policies().get(Topics.versionKey(capability, version), policies);
    }

    @Override
    public String contractHandedTo(String capability, int version) {
        return producers.contractOwners().get(Topics.versionKey(capability, version), contractOwners);
    }

    @Override
    public int liveResources(String capability, String offerId) {
        return liveResources.getOrDefault(StoreKeys.offer(capability, offerId), 0);
    }

    @Override
    public void putLiveResources(String capability, String offerId, int count) {
        String key = StoreKeys.offer(capability, offerId);
        Integer before = liveResources.get(key);
        Map<String, Integer> live = liveResources;
        journal.changing(new Change("live", key), () -> {
            if (before == null) {
                live.remove(key);
            } else {
                live.put(key, before);
            }
        });
        if (count == 0) {
            liveResources.remove(key);
        } else {
            liveResources.put(key, count);
        }
    }

    @Override
    public TeamLoad teamLoad(String capability, String team) {
        return teamLoads.get(capability, team);
    }

    @Override
    public void putTeamLoad(String capability, String team, TeamLoad load) {
        TeamLoad before = teamLoads.kept(capability, team);
        TeamLoads loads = teamLoads;
        journal.changing(new Change("team", capability + "/" + team), () -> loads.restore(capability, team, before));
        teamLoads.put(capability, team, load);
    }

    @Override
    public List<String> teamsOf(String capability) {
        return teamLoads.teamsOf(capability);
    }

    @Override
    public TeamQuota quota(String capability, String team) {
        return producers.quotas().get(Topics.quotaKey(team, capability), quotas);
    }
}
