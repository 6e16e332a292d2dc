package io.capmarket.topology.internal;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.CapabilityContracts;
import io.capmarket.topology.core.CatalogFolder;
import io.capmarket.topology.core.Decision;
import io.capmarket.topology.core.Lifecycle;
import io.capmarket.topology.core.Matcher;
import io.capmarket.topology.core.Offer;
import io.capmarket.topology.core.OfferLoad;
import io.capmarket.topology.core.OfferRecord;
import io.capmarket.topology.core.OfferRules;
import io.capmarket.topology.core.ProducerLiveness;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The single writer per capability: every offer change, submission, cancellation and fulfilment
 * report of a capability arrives here, keyed by the capability, in the one task that owns it.
 * Capacity is therefore counted in one place and can never be double-booked. The rules are in
 * {@link Lifecycle}, {@link Matcher} and {@link CapabilityContracts}; this class reads the stores,
 * applies the rules, writes the stores and emits the results.
 *
 * <p>What arrives here has passed intake, so the producer an offer or report names is the one
 * whose topic it came from. A report is applied only when that producer, its offer, attempt and
 * capability are the request's current assignment; a report on work another producer holds is
 * dead-lettered as misattributed, a late one as not applied, and neither changes the request. An
 * offer whose schemas conflict with its capability version's contract is dead-lettered too.
 *
 * <p>Intake's offer index is per partition, and a producer chooses the partition of its records,
 * so an offer change can reach here for an offerId that another producer holds in the capability:
 * it is dead-lettered ({@link OfferRules#changeRefusal}), whether it changes or withdraws the
 * offer. An offer is matched only while its producer is approved for the capability
 * ({@link OfferRules#approves}, read from the global approvals table at matching time).
 */
final class CapabilityEngine implements Processor<String, CapabilityEvent, String, EngineOutput> {

    /** Waiting requests examined per capability and drain, so a long waitlist cannot stall the task. */
    static final int DRAIN_BATCH = 1_000;
    /** How often decoded scorecard states are written back; about Kafka Streams' exactly-once commit interval. */
    static final Duration SCORE_FLUSH_INTERVAL = Duration.ofMillis(100);
    private static final StringSerializer KEYS = new StringSerializer();

    private final Matcher matcher;
    private final TopologySettings settings;
    private final Clock clock;
    private final EngineEvents events;
    private final Topics topics;
    private final Serializer<FulfilmentEvent> fulfilmentSerializer;
    private final Serializer<CapabilityOffer> offerSerializer;
    private final Set<String> dirtyCatalogs = new LinkedHashSet<>();

    private ProcessorContext<String, EngineOutput> context;
    private OfferBook offers;
    private ScoreBook scores;
    private KeyValueStore<String, CapabilityContract> contracts;
    private KeyValueStore<String, RequestStatus> requests;
    private KeyValueStore<String, String> waitlist;
    private KeyValueStore<String, String> deadlines;
    private KeyValueStore<String, CapabilityCounters> counters;
    private CounterBook counts;
    private TimestampedKeyValueStore<String, ProducerHeartbeat> heartbeats;
    private TimestampedKeyValueStore<String, ProducerApproval> approvals;

    /**
     * @param topics names the producer topics a refused offer or report came from, and serializes them back
     */
    CapabilityEngine(TopologySettings settings, Clock clock, EngineEvents events, Topics topics) {
        this.matcher = new Matcher(settings.matching());
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.topics = topics;
        this.fulfilmentSerializer = topics.everyProducersFulfilment().valueSerde().serializer();
        this.offerSerializer = topics.everyProducersOffers().valueSerde().serializer();
    }

    @Override
    public void init(ProcessorContext<String, EngineOutput> context) {
        this.context = context;
        this.offers = new OfferBook(context.getStateStore(TopologyNames.OFFER_STATE_STORE));
        this.scores = new ScoreBook(context.getStateStore(TopologyNames.SCORE_STORE), settings.scorecardWindow());
        this.contracts = context.getStateStore(TopologyNames.CONTRACT_STORE);
        this.requests = context.getStateStore(TopologyNames.REQUEST_STORE);
        this.waitlist = context.getStateStore(TopologyNames.WAITLIST_STORE);
        this.deadlines = context.getStateStore(TopologyNames.DEADLINE_STORE);
        this.counters = context.getStateStore(TopologyNames.COUNTER_STORE);
        this.counts = new CounterBook(counters);
        this.heartbeats = context.getStateStore(TopologyNames.HEARTBEAT_STORE);
        this.approvals = context.getStateStore(TopologyNames.APPROVAL_STORE);
        dirtyCatalogs.clear();
        // republish after a restart or rebalance: in-flight counts may have moved since the last entry
        dirtyCatalogs.addAll(offers.capabilities());
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, t -> tick());
        context.schedule(settings.scorecardInterval(), PunctuationType.WALL_CLOCK_TIME, t -> publishScores());
        context.schedule(SCORE_FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> scores.flush());
    }

    @Override
    public void process(Record<String, CapabilityEvent> record) {
        String capability = record.key();
        Instant now = clock.instant();
        Object event = record.value().getEvent();
        if (event instanceof OfferChange change) {
            onOffer(capability, change, now);
        } else if (event instanceof SubmitRequest submit) {
            onSubmit(capability, submit, now);
        } else if (event instanceof CancelCommand cancel) {
            onCancel(capability, cancel, now);
        } else if (event instanceof FulfilmentEvent report) {
            onFulfilment(capability, report, now);
        }
    }

    // ---- offers

    private void onOffer(String capability, OfferChange change, Instant now) {
        OfferState current = offers.get(capability, change.getOfferId());
        Optional<String> takeover = OfferRules.changeRefusal(change.getOfferId(), capability,
                current == null ? null : current.getOffer().getProducerId(), change.getProducerId(), change.getOffer() == null);
        if (takeover.isPresent()) {
            refuseChange(change, takeover.get(), now);
            return;
        }
        if (change.getOffer() == null) {
            if (current == null) {
                return;
            }
            if (current.getInFlight() > 0) {
                offers.put(capability, change.getOfferId(), OfferState.newBuilder(current).setWithdrawn(true).build());
            } else {
                offers.delete(capability, change.getOfferId());
            }
        } else {
            CapabilityOffer offer = change.getOffer();
            String contractKey = StoreKeys.contract(capability, offer.getCapabilityVersion());
            CapabilityContract contract = contracts.get(contractKey);
            Optional<String> refusal = CapabilityContracts.refusal(contract, offer);
            if (refusal.isPresent()) {
                refuse(offer, refusal.get(), now);
                return;
            }
            CapabilityContract terms = CapabilityContracts.next(contract, offer, now);
            if (terms != contract) {
                contracts.put(contractKey, terms);
            }
            OfferState next = current == null
                    ? OfferRecord.fresh(offer)
                    : OfferState.newBuilder(current).setOffer(offer).setWithdrawn(false).build();
            offers.put(capability, change.getOfferId(), next);
        }
        publishCatalog(capability, now);
        if (change.getOffer() != null && change.getOffer().getStatus() == OfferStatus.ACTIVE) {
            drain(capability, now);
        }
    }

    // ---- requests

    private void onSubmit(String capability, SubmitRequest submit, Instant now) {
        if (requests.get(submit.getRequestId()) != null) {
            events.ignored("duplicate submit");
            return;
        }
        RequestStatus submitted = Lifecycle.submitted(submit, now);
        // published, not stored: assign() stores the request at once, as MATCHED or WAITING
        publish(submitted);
        updateCounters(capability, 0, 1);
        scores.record(capability, null, s -> s.submitted(now));
        events.submitted(capability);
        assign(submitted, now);
    }

    private void onCancel(String capability, CancelCommand cancel, Instant now) {
        RequestStatus status = requests.get(cancel.getRequestId());
        if (status == null || Lifecycle.isTerminal(status)) {
            events.ignored(status == null ? "cancel for unknown request" : "cancel for finished request");
            return;
        }
        boolean wasAssigned = Lifecycle.isAssigned(status);
        if (status.getState() == RequestState.WAITING) {
            stopWaiting(status);
        } else if (wasAssigned) {
            release(status, OfferRecord.Outcome.NEUTRAL, 0);
            instruct(status, AssignmentAction.CANCEL, now);
        }
        save(Lifecycle.cancelled(status, cancel.getReason() == null ? "cancelled by " + cancel.getRequestedBy().getName()
                : cancel.getReason(), now));
        finish(capability, RequestState.CANCELLED);
        if (wasAssigned) {
            drain(capability, now);
        }
    }

    private void onFulfilment(String capability, FulfilmentEvent report, Instant now) {
        RequestStatus status = requests.get(report.getRequestId());
        if (status == null) {
            notApplied(report, "fulfilment for unknown request", EngineEvents.NOT_APPLIED,
                    "fulfilment report for unknown request " + report.getRequestId());
            return;
        }
        Function<String, Optional<String>> producerOfOffer = offerId -> Optional.ofNullable(offers.get(status.getCapability(),
                offerId)).map(state -> state.getOffer().getProducerId());
        Lifecycle.Verdict verdict = Lifecycle.judge(status, report, producerOfOffer);
        if (verdict == Lifecycle.Verdict.MISATTRIBUTED) {
            Lifecycle.Misattribution misattribution = Lifecycle.misattribution(status, report, producerOfOffer).orElseThrow();
            events.misattributed(misattribution.field());
            notApplied(report, "fulfilment misattributed", EngineEvents.MISATTRIBUTED, "misattributed fulfilment report "
                    + report.getKind() + ": " + misattribution.detail());
            return;
        }
        if (verdict != Lifecycle.Verdict.APPLY) {
            String name = verdict.name().toLowerCase(Locale.ROOT);
            notApplied(report, "fulfilment " + name, EngineEvents.NOT_APPLIED, name + " fulfilment report " + report.getKind()
                    + " for attempt " + report.getAttempt() + " of request " + report.getRequestId() + ", which stands "
                    + status.getState() + " at attempt " + status.getAttempt());
            return;
        }
        String producerId = status.getProducerId();
        switch (report.getKind()) {
            case ACCEPTED -> {
                save(Lifecycle.accepted(status, now));
                Duration waited = Duration.between(matchedAt(status), now);
                scores.record(capability, producerId, s -> s.accepted(now, waited));
            }
            case PROGRESS -> {
                if (status.getState() == RequestState.MATCHED) {
                    Duration waited = Duration.between(matchedAt(status), now);
                    scores.record(capability, producerId, s -> s.accepted(now, waited));
                }
                save(Lifecycle.inProgress(status, report.getMessage(), now));
            }
            case FULFILLED -> {
                release(status, OfferRecord.Outcome.SUCCESS, Duration.between(matchedAt(status), now).toMillis());
                save(Lifecycle.fulfilled(status, report.getOutputs(), report.getMessage(), now));
                Duration leadTime = Duration.between(status.getSubmittedAt(), now);
                scores.record(capability, producerId, s -> s.fulfilled(now, leadTime));
                finish(capability, RequestState.FULFILLED);
                drain(capability, now);
            }
            case REJECTED -> giveUp(status, RequestState.REJECTED,
                    "rejected by " + producerId + (report.getMessage() == null ? "" : ": " + report.getMessage()), false, now);
            case FAILED -> {
                String message = report.getMessage() == null ? "no message" : report.getMessage();
                if (report.getRetryable()) {
                    giveUp(status, RequestState.FAILED, "failed at " + producerId + " (retryable): " + message, false, now);
                } else {
                    release(status, OfferRecord.Outcome.FAILURE, 0);
                    scores.record(capability, producerId, s -> s.failed(now));
                    save(Lifecycle.failed(status, "failed at " + producerId + ": " + message, now));
                    finish(capability, RequestState.FAILED);
                    drain(capability, now);
                }
            }
            default -> throw new IllegalStateException("unhandled fulfilment kind " + report.getKind());
        }
    }

    /**
     * The current offer gave the request up: exclude it, then match again, wait, or fail when the
     * attempts are used up.
     */
    private void giveUp(RequestStatus status, RequestState recordedAs, String detail, boolean unanswered, Instant now) {
        String capability = status.getCapability();
        String producerId = status.getProducerId();
        release(status, OfferRecord.Outcome.FAILURE, 0);
        if (recordedAs == RequestState.REJECTED) {
            scores.record(capability, producerId, s -> s.rejected(now));
        } else {
            scores.record(capability, producerId, s -> s.failed(now));
        }
        RequestStatus givenUp = Lifecycle.offerGaveUp(status, recordedAs, detail, unanswered, now);
        if (recordedAs == RequestState.REJECTED) {
            save(givenUp);
        } else {
            requests.put(givenUp.getRequestId(), givenUp);
        }
        if (Lifecycle.exhausted(givenUp, settings.maxAttempts())) {
            save(Lifecycle.failed(givenUp, "gave up after " + givenUp.getAttempt() + " attempts; last: " + detail, now));
            finish(capability, RequestState.FAILED);
        } else {
            assign(givenUp, now);
        }
        drain(capability, now);
    }

    /** Matches a request that holds no offer, or puts it on the waitlist. */
    private void assign(RequestStatus status, Instant now) {
        String capability = status.getCapability();
        Map<String, OfferState> known = offers.offers(capability);
        Decision decision = matcher.match(Lifecycle.matchRequest(status), candidates(known.values()), loads(known.values()),
                liveness(known.values()), now);
        if (decision instanceof Decision.Matched matched) {
            matchTo(status, matched.offer(), now);
        } else {
            RequestStatus waiting = Lifecycle.waiting(status, ((Decision.NoMatch) decision).reason(), now);
            save(waiting);
            waitlist.put(StoreKeys.waiting(capability, waiting.getPriority(), waiting.getSubmittedAt(),
                    waiting.getRequestId()), waiting.getRequestId());
            updateCounters(capability, 1, 0);
            events.waiting(capability);
        }
    }

    private void matchTo(RequestStatus status, Offer offer, Instant now) {
        String capability = status.getCapability();
        boolean rematch = status.getAttempt() > 0;
        RequestStatus matched = Lifecycle.matched(status, offer, now);
        save(matched);
        offers.put(capability, offer.offerId(), OfferRecord.assigned(offers.get(capability, offer.offerId())));
        dirtyCatalogs.add(capability);
        Instant acceptBy = now.plus(settings.acceptDeadline());
        deadlines.put(StoreKeys.deadline(acceptBy, StoreKeys.Deadline.Kind.ACCEPT, matched.getAttempt(),
                matched.getRequestId()), capability);
        deadlines.put(StoreKeys.deadline(now.plusMillis(offer.leadTimeSloMs()), StoreKeys.Deadline.Kind.SLO,
                matched.getAttempt(), matched.getRequestId()), capability);
        Assignment assignment = assignment(matched, AssignmentAction.FULFIL, acceptBy, offer.leadTimeSloMs(), now);
        context.forward(new Record<>(matched.getRequestId(), new EngineOutput.Instruction(assignment), now.toEpochMilli()));
        Duration sinceSubmitted = rematch ? null : Duration.between(matched.getSubmittedAt(), now);
        scores.record(capability, offer.producerId(), s -> s.matched(now, sinceSubmitted));
        events.matched(capability, offer.producerId(), rematch);
    }

    /** Serves the capability's waitlist, by priority then age, while any offer has capacity left. */
    private void drain(String capability, Instant now) {
        if (counts.get(capability).getWaiting() == 0 || !anyCapacity(capability)) {
            return;
        }
        List<KeyValue<String, String>> batch = new ArrayList<>();
        try (KeyValueIterator<String, String> scan = waitlist.prefixScan(StoreKeys.waitPrefix(capability), KEYS)) {
            while (scan.hasNext() && batch.size() < DRAIN_BATCH) {
                batch.add(scan.next());
            }
        }
        for (KeyValue<String, String> entry : batch) {
            RequestStatus status = requests.get(entry.value);
            if (status == null || status.getState() != RequestState.WAITING) {
                waitlist.delete(entry.key);
                continue;
            }
            Map<String, OfferState> known = offers.offers(capability);
            Decision decision = matcher.match(Lifecycle.matchRequest(status), candidates(known.values()),
                    loads(known.values()), liveness(known.values()), now);
            if (decision instanceof Decision.Matched matched) {
                stopWaiting(status);
                matchTo(status, matched.offer(), now);
                if (!anyCapacity(capability)) {
                    return;
                }
            }
        }
    }

    private void stopWaiting(RequestStatus status) {
        waitlist.delete(StoreKeys.waiting(status.getCapability(), status.getPriority(), status.getSubmittedAt(),
                status.getRequestId()));
        updateCounters(status.getCapability(), -1, 0);
        events.stoppedWaiting(status.getCapability());
    }

    private void release(RequestStatus status, OfferRecord.Outcome outcome, long leadTimeMs) {
        String capability = status.getCapability();
        OfferState state = offers.get(capability, status.getOfferId());
        if (state == null) {
            return;
        }
        OfferState released = OfferRecord.released(state, outcome, leadTimeMs);
        if (released.getWithdrawn() && released.getInFlight() == 0) {
            offers.delete(capability, status.getOfferId());
        } else {
            offers.put(capability, status.getOfferId(), released);
        }
        dirtyCatalogs.add(capability);
    }

    private void finish(String capability, RequestState state) {
        updateCounters(capability, 0, -1);
        events.finished(capability, state.name());
    }

    // ---- wall-clock work: deadlines, waitlists, catalog

    private void tick() {
        Instant now = clock.instant();
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> scan = deadlines.range(StoreKeys.earliest(), StoreKeys.dueBy(now))) {
            while (scan.hasNext()) {
                due.add(scan.next().key);
            }
        }
        for (String key : due) {
            deadlines.delete(key);
            StoreKeys.Deadline deadline = StoreKeys.parseDeadline(key);
            RequestStatus status = requests.get(deadline.requestId());
            if (status == null || status.getAttempt() != deadline.attempt() || !Lifecycle.isAssigned(status)) {
                continue;
            }
            switch (deadline.kind()) {
                case ACCEPT -> {
                    if (status.getState() == RequestState.MATCHED) {
                        events.acceptDeadlineMissed(status.getCapability(), status.getProducerId());
                        instruct(status, AssignmentAction.CANCEL, now);
                        giveUp(status, RequestState.REJECTED, "not accepted by " + status.getProducerId()
                                + " within " + settings.acceptDeadline().toMillis() + " ms", true, now);
                    }
                }
                case SLO -> {
                    if (!status.getSloBreached()) {
                        OfferState offer = offers.get(status.getCapability(), status.getOfferId());
                        long promise = offer == null ? 0 : offer.getOffer().getLeadTimeSloMs();
                        save(Lifecycle.sloBreached(status, "lead-time promise of " + promise + " ms passed", now));
                        scores.record(status.getCapability(), status.getProducerId(), s -> s.sloBreached(now));
                        events.sloBreached(status.getCapability(), status.getProducerId());
                    }
                }
                default -> throw new IllegalStateException("unhandled deadline " + deadline.kind());
            }
        }
        // producers coming back to life free capacity without any event reaching this task
        for (String capability : capabilitiesWithWaiting()) {
            drain(capability, now);
        }
        for (String capability : List.copyOf(dirtyCatalogs)) {
            publishCatalog(capability, now);
        }
    }

    private void publishScores() {
        Instant now = clock.instant();
        try (KeyValueIterator<String, CapabilityCounters> all = counters.all()) {
            while (all.hasNext()) {
                KeyValue<String, CapabilityCounters> entry = all.next();
                Collection<OfferState> known = offers.offers(entry.key).values();
                CapabilityScore score = scores.publish(entry.key, known, entry.value.getWaiting(), entry.value.getBacklog(), now);
                events.scorecard(score);
                Map<String, ProducerLiveness> liveness = liveness(known);
                CapabilityView view = CatalogFolder.fold(entry.key, List.copyOf(known), contracts(entry.key),
                        producer -> isLive(liveness.get(producer), now), now);
                if (view != null) {
                    events.catalog(view);
                }
                context.forward(new Record<>(entry.key, new EngineOutput.Score(score), now.toEpochMilli()));
            }
        }
    }

    private void publishCatalog(String capability, Instant now) {
        dirtyCatalogs.remove(capability);
        Collection<OfferState> known = offers.offers(capability).values();
        Map<String, ProducerLiveness> liveness = liveness(known);
        context.forward(new Record<>(capability, new EngineOutput.Catalog(CatalogFolder.fold(capability,
                List.copyOf(known), contracts(capability), producer -> isLive(liveness.get(producer), now), now)),
                now.toEpochMilli()));
    }

    /** The capability's contracts by version. */
    private Map<Integer, CapabilityContract> contracts(String capability) {
        Map<Integer, CapabilityContract> byVersion = new TreeMap<>();
        try (KeyValueIterator<String, CapabilityContract> scan = contracts.prefixScan(StoreKeys.contractPrefix(capability), KEYS)) {
            while (scan.hasNext()) {
                CapabilityContract contract = scan.next().value;
                byVersion.put(contract.getVersion(), contract);
            }
        }
        return byVersion;
    }

    // ---- helpers

    private void save(RequestStatus status) {
        requests.put(status.getRequestId(), status);
        publish(status);
    }

    private void publish(RequestStatus status) {
        context.forward(new Record<>(status.getRequestId(), new EngineOutput.Status(status), status.getUpdatedAt().toEpochMilli()));
    }

    private void instruct(RequestStatus status, AssignmentAction action, Instant now) {
        OfferState offer = offers.get(status.getCapability(), status.getOfferId());
        long promise = offer == null ? 0 : offer.getOffer().getLeadTimeSloMs();
        context.forward(new Record<>(status.getRequestId(),
                new EngineOutput.Instruction(assignment(status, action, now, promise, now)), now.toEpochMilli()));
    }

    private static Assignment assignment(RequestStatus status, AssignmentAction action, Instant acceptBy, long promise,
            Instant now) {
        return Assignment.newBuilder()
                .setRequestId(status.getRequestId())
                .setAction(action)
                .setOfferId(status.getOfferId())
                .setProducerId(status.getProducerId())
                .setCapability(status.getCapability())
                .setCapabilityVersion(status.getCapabilityVersion())
                .setConsumerTeam(status.getConsumerTeam())
                .setAttempt(status.getAttempt())
                .setParameters(status.getParameters())
                .setAssignedAt(now)
                .setAcceptDeadline(acceptBy)
                .setLeadTimeSloMs(promise)
                .build();
    }

    /**
     * Records a report that does not apply, on the dead-letter topic, without applying it. Its source
     * is the fulfilment topic of the producer it names, which intake checked it came from.
     */
    private void notApplied(FulfilmentEvent report, String ignored, String deadLettered, String reason) {
        events.ignored(ignored);
        String topic = topics.fulfilment(report.getProducerId()).name();
        DeadLetter letter = DeadLetter.of(report.getRequestId().getBytes(StandardCharsets.UTF_8),
                fulfilmentSerializer.serialize(topic, report), topic, -1, -1L, reason, clock.instant());
        events.deadLettered(deadLettered);
        context.forward(new Record<String, EngineOutput>(report.getRequestId(), new EngineOutput.Refused(letter),
                clock.millis(), letter.headers()));
    }

    /** Refuses an offer that conflicts with its capability version's contract: dead-lettered, nothing stored. */
    private void refuse(CapabilityOffer offer, String reason, Instant now) {
        refuseOffer(offer.getOfferId(), offer, offer.getProducerId(), EngineEvents.CONTRACT, reason, now);
    }

    /**
     * Refuses a change or withdrawal of an offer another producer holds: dead-lettered (a
     * withdrawal with no value, as it came), nothing changed. Its source is the offers topic of the
     * producer it came from.
     */
    private void refuseChange(OfferChange change, String reason, Instant now) {
        refuseOffer(change.getOfferId(), change.getOffer(), change.getProducerId(), EngineEvents.IDENTITY, reason, now);
    }

    private void refuseOffer(String offerId, CapabilityOffer offer, String producerId, String kind, String reason, Instant now) {
        String topic = topics.offers(producerId).name();
        DeadLetter letter = DeadLetter.of(offerId.getBytes(StandardCharsets.UTF_8),
                offer == null ? null : offerSerializer.serialize(topic, offer), topic, -1, -1L, reason, now);
        events.deadLettered(kind);
        context.forward(new Record<String, EngineOutput>(offerId, new EngineOutput.Refused(letter),
                now.toEpochMilli(), letter.headers()));
    }

    private static Instant matchedAt(RequestStatus status) {
        for (int i = status.getHistory().size() - 1; i >= 0; i--) {
            var transition = status.getHistory().get(i);
            if (transition.getState() == RequestState.MATCHED && transition.getAttempt() == status.getAttempt()) {
                return transition.getAt();
            }
        }
        return status.getUpdatedAt();
    }

    private void updateCounters(String capability, int waitingDelta, int backlogDelta) {
        counts.add(capability, waitingDelta, backlogDelta);
    }

    private List<String> capabilitiesWithWaiting() {
        List<String> waiting = new ArrayList<>();
        try (KeyValueIterator<String, CapabilityCounters> all = counters.all()) {
            while (all.hasNext()) {
                KeyValue<String, CapabilityCounters> entry = all.next();
                if (entry.value.getWaiting() > 0) {
                    waiting.add(entry.key);
                }
            }
        }
        return waiting;
    }

    private boolean anyCapacity(String capability) {
        Instant now = clock.instant();
        for (OfferState state : offers.offers(capability).values()) {
            if (!state.getWithdrawn() && state.getOffer().getStatus() == OfferStatus.ACTIVE
                    && state.getInFlight() < state.getOffer().getCapacity()
                    && isLive(liveness(state.getOffer().getProducerId()), now)
                    && isApproved(state.getOffer().getProducerId(), capability)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The offers a request may be matched to: not withdrawn, and of a producer still approved for
     * the capability (an offboarded producer's offers stay in the store until it withdraws them, but
     * get no more work; what it already holds runs its course).
     */
    private List<Offer> candidates(Collection<OfferState> states) {
        List<Offer> candidates = new ArrayList<>(states.size());
        Map<String, Boolean> approved = new HashMap<>();
        for (OfferState state : states) {
            if (!state.getWithdrawn() && approved.computeIfAbsent(state.getOffer().getProducerId(),
                    producer -> isApproved(producer, state.getOffer().getCapability()))) {
                candidates.add(OfferRecord.offer(state));
            }
        }
        return candidates;
    }

    private boolean isApproved(String producerId, String capability) {
        ValueAndTimestamp<ProducerApproval> approval = approvals.get(producerId);
        return OfferRules.approves(approval == null ? null : approval.value(), capability);
    }

    private static Map<String, OfferLoad> loads(Collection<OfferState> states) {
        Map<String, OfferLoad> loads = new HashMap<>();
        for (OfferState state : states) {
            loads.put(state.getOffer().getOfferId(), OfferRecord.load(state));
        }
        return loads;
    }

    private Map<String, ProducerLiveness> liveness(Collection<OfferState> states) {
        Map<String, ProducerLiveness> liveness = new HashMap<>();
        for (OfferState state : states) {
            String producerId = state.getOffer().getProducerId();
            if (!liveness.containsKey(producerId)) {
                ProducerLiveness known = liveness(producerId);
                if (known != null) {
                    liveness.put(producerId, known);
                }
            }
        }
        return liveness;
    }

    private ProducerLiveness liveness(String producerId) {
        ValueAndTimestamp<ProducerHeartbeat> heartbeat = heartbeats.get(producerId);
        return heartbeat == null || heartbeat.value() == null ? null
                : new ProducerLiveness(heartbeat.value().getAt(), heartbeat.value().getHealthy());
    }

    private boolean isLive(ProducerLiveness liveness, Instant now) {
        return liveness != null && liveness.healthy()
                && !liveness.lastHeartbeat().plus(settings.matching().livenessBound()).isBefore(now);
    }
}
