package io.capmarket.topology.core;

import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.UpdateRequest;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.DecisionCommand;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.UpdateCommand;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TestRecords;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link CapabilityDesk} over {@link InMemoryBooks}, with an outbox that records everything and
 * a clock that only moves when told: each input is one step, as one record is for the engine.
 */
final class DeskFixture implements DeskOutbox {

    static {
        // copies of generated records with nested records (offers with their status) load their classes by name
        io.capmarket.schemas.AvroTrust.install();
    }

    static final Instant START = Instant.parse("2026-11-26T09:00:00Z");
    static final String PG = "postgres-database";

    final TopologySettings settings;
    final InMemoryBooks books;
    /** Requests whose statuses the outbox refuses with an exception, as an encoding that fails would. */
    final Set<String> failingStatuses = new HashSet<>();
    final CapabilityDesk desk;
    final List<String> events = new ArrayList<>();
    /** Every status record written, one per request per step, by requestId. */
    final Map<String, List<RequestStatus>> statuses = new LinkedHashMap<>();
    final List<Assignment> assignments = new ArrayList<>();
    final Map<String, CapabilityView> catalog = new LinkedHashMap<>();
    final List<CapabilityScore> scorecards = new ArrayList<>();
    /** What each team holds of each capability, as last published, by {@code <team>/<capability>}. */
    final Map<String, TeamUsage> usage = new LinkedHashMap<>();
    /** Refusals, each as {@code offer:<id>: <reason>} or {@code report:<requestId>: <reason>}. */
    final List<String> refusals = new ArrayList<>();
    /** Requests deleted from the books, their statuses with them, in order. */
    final List<String> deleted = new ArrayList<>();
    private final Map<String, RequestStatus> step = new LinkedHashMap<>();
    Instant now = START;

    DeskFixture(TopologySettings settings) {
        this.settings = settings;
        this.books = new InMemoryBooks(settings.scorecardWindow());
        this.desk = new CapabilityDesk(settings, new EngineEvents() {
            @Override
            public void deadLettered(String reason) {
                events.add("dead-lettered:" + reason);
            }

            @Override
            public void misattributed(String reason) {
                events.add("misattributed:" + reason);
            }

            @Override
            public void historyTrimmed(String capability) {
                events.add("history-trimmed");
            }

            @Override
            public void checkFailed(String requestId, String kind, RuntimeException failure) {
                events.add("check-failed:" + requestId + ":" + kind);
            }

            @Override
            public void ignored(String reason) {
                events.add("ignored:" + reason);
            }

            @Override
            public void resourceOperation(String capability, String operation, String outcome) {
                events.add(operation + ":" + outcome);
            }

            @Override
            public void probation(String capability, String producerId, boolean entered, String reason) {
                events.add("probation-" + (entered ? "entered" : "left") + ":" + producerId + ":" + reason);
            }

            @Override
            public void quotaHeld(String capability) {
                events.add("quota-held");
            }

            @Override
            public void approval(String capability, String outcome) {
                events.add("approval:" + outcome);
            }

            @Override
            public void purged(String capability) {
                events.add("purged:" + capability);
            }
        }, books, this, DeskSteps.UNDOING_NOTHING);
    }

    // ---- inputs, each one step

    void approve(String producerId, String... capabilities) {
        books.approvals.put(producerId, new ProducerApproval(producerId, List.of(capabilities), "admin", now));
    }

    void revoke(String producerId) {
        books.approvals.remove(producerId);
    }

    void heartbeat(String producerId) {
        books.heartbeat(producerId, producerId + "-1", new ProducerLiveness(now, true));
    }

    /** Approves the producer, notes a heartbeat and publishes an ACTIVE offer. */
    void liveOffer(String offerId, String producerId, int capacity, Map<String, String> attributes) {
        approve(producerId, PG);
        heartbeat(producerId);
        publish(offer(offerId, producerId, capacity, attributes));
    }

    CapabilityOffer offer(String offerId, String producerId, int capacity, Map<String, String> attributes) {
        return TestRecords.offer(offerId, producerId, PG, capacity, attributes, now);
    }

    /** The offer, from its own producer. */
    void publish(CapabilityOffer offer) {
        change(offer.getOfferId(), offer.getProducerId(), offer);
    }

    /** A withdrawal of the offer by {@code producerId}. */
    void withdraw(String offerId, String producerId) {
        change(offerId, producerId, null);
    }

    void change(String offerId, String producerId, CapabilityOffer offer) {
        desk.offer(PG, new OfferChange(offerId, offer, producerId), now);
        endStep();
    }

    void submit(String requestId) {
        submit(requestId, Priority.NORMAL, Map.of());
    }

    void submit(String requestId, Priority priority, Map<String, List<String>> constraints) {
        desk.submit(PG, TestRecords.submit(requestId, PG, priority, constraints, "app-team", now), now);
        endStep();
    }

    /** A submit as given. */
    void submit(SubmitRequest submit) {
        desk.submit(submit.getCapability(), submit, now);
        endStep();
    }

    /** A submit for {@code team}, without constraints. */
    void submitFor(String team, String requestId, Priority priority) {
        desk.submit(PG, TestRecords.submit(requestId, PG, priority, Map.of(), team, now), now);
        endStep();
    }

    /** A submit with these parameters (a JSON object), without constraints. */
    void submitWith(String requestId, String parameters) {
        desk.submit(PG, SubmitRequest.newBuilder(TestRecords.submit(requestId, PG, Priority.NORMAL, Map.of(), "app-team", now))
                .setParameters(parameters).build(), now);
        endStep();
    }

    /** A submit with these parameters, asking its resource to live {@code ttl} once fulfilled. */
    void submitWithTtl(String requestId, String parameters, Duration ttl) {
        desk.submit(PG, SubmitRequest.newBuilder(TestRecords.submit(requestId, PG, Priority.NORMAL, Map.of(), "app-team", now))
                .setParameters(parameters).setTtlMs(ttl.toMillis()).build(), now);
        endStep();
    }

    /** A move of the resource's expiry, its parameters left as they are. */
    void moveExpiry(String requestId, Instant expiresAt) {
        String parameters = status(requestId).getParameters();
        desk.update(PG, new UpdateCommand(new UpdateRequest(requestId, new Requester(RequesterKind.HUMAN, "bob"), now, parameters,
                parameters, expiresAt), PG), now);
        endStep();
    }

    /** An update to {@code parameters}, made from the request's current ones. */
    void update(String requestId, String parameters) {
        update(requestId, status(requestId).getParameters(), parameters);
    }

    void update(String requestId, String baseParameters, String parameters) {
        desk.update(PG, new UpdateCommand(new UpdateRequest(requestId, new Requester(RequesterKind.HUMAN, "bob"), now, parameters,
                baseParameters, null), PG), now);
        endStep();
    }

    void cancel(String requestId) {
        desk.cancel(PG, new CancelCommand(requestId, PG, new Requester(RequesterKind.BOT, "cleanup-bot"), now, "no longer needed"), now);
        endStep();
    }

    /** An approver's decision, as the gateway writes it for the approver it authenticated. */
    void decide(String requestId, String approver, String team, String role, boolean approve, String reason) {
        desk.decide(PG, new DecisionCommand(new ApprovalDecision(requestId, new Requester(RequesterKind.HUMAN, approver), team, role,
                approve, reason, now), PG), now);
        endStep();
    }

    /** A report from the producer the request is currently assigned to, for its current attempt. */
    void report(String requestId, FulfilmentKind kind) {
        report(requestId, kind, false);
    }

    void report(String requestId, FulfilmentKind kind, boolean retryable) {
        RequestStatus status = status(requestId);
        report(requestId, status.getOfferId(), status.getProducerId(), status.getAttempt(), kind, retryable);
    }

    void report(String requestId, String offerId, String producerId, int attempt, FulfilmentKind kind, boolean retryable) {
        desk.fulfilment(PG, TestRecords.report(requestId, offerId, producerId, PG, attempt, kind, retryable, now), now);
        endStep();
    }

    /**
     * A report from the producer holding the request's resource on revision {@code revision} of
     * it, with these outputs (null: the ones {@link TestRecords#report} gives).
     */
    void reportOn(String requestId, int revision, FulfilmentKind kind, boolean retryable, Map<String, String> outputs) {
        RequestStatus status = status(requestId);
        FulfilmentEvent report = FulfilmentEvent.newBuilder(TestRecords.report(requestId, status.getOfferId(), status.getProducerId(),
                PG, status.getAttempt(), kind, retryable, now)).setRevision(revision).build();
        if (outputs != null) {
            report.setOutputs(outputs);
        }
        desk.fulfilment(PG, report, now);
        endStep();
    }

    /** A report on the operation going on, from the producer holding the resource. */
    void reportOn(String requestId, FulfilmentKind kind, boolean retryable) {
        reportOn(requestId, status(requestId).getRevision(), kind, retryable, null);
    }

    /** Moves the clock, ticking the desk once per second of it as the engine's punctuator would. */
    void advance(Duration by) {
        Instant until = now.plus(by);
        while (now.isBefore(until)) {
            Instant next = now.plus(settings.punctuateInterval());
            now = next.isAfter(until) ? until : next;
            desk.tick(now);
            endStep();
        }
    }

    /** One sweep of the kept requests for finished ones past their retention, as a step; returns how many went. */
    int sweepFinished() {
        int swept = desk.sweepFinished(now);
        endStep();
        return swept;
    }

    void publishScores() {
        desk.publishScores(now);
    }

    // ---- reading

    /** The request's latest published status. */
    RequestStatus status(String requestId) {
        List<RequestStatus> written = statuses.get(requestId);
        return written == null ? null : written.get(written.size() - 1);
    }

    List<Assignment> assignments(String producerId) {
        return assignments.stream().filter(a -> a.getProducerId().equals(producerId)).toList();
    }

    /** The offer's requests in flight, as the books hold them. */
    int inFlight(String offerId) {
        var state = books.offers(PG).get(offerId);
        return state == null ? 0 : state.getInFlight();
    }

    private void endStep() {
        step.values().forEach(s -> statuses.computeIfAbsent(s.getRequestId(), id -> new ArrayList<>()).add(s));
        step.clear();
    }

    // ---- the outbox

    @Override
    public void status(RequestStatus status) {
        if (failingStatuses.contains(status.getRequestId())) {
            throw new IllegalStateException("the outbox refused the status of " + status.getRequestId());
        }
        step.put(status.getRequestId(), status);
    }

    @Override
    public void deleted(String requestId) {
        step.remove(requestId);
        deleted.add(requestId);
    }

    @Override
    public void assignment(Assignment assignment) {
        assignments.add(assignment);
    }

    @Override
    public void catalog(String capability, CapabilityView view) {
        catalog.put(capability, view);
    }

    @Override
    public void scorecard(CapabilityScore score) {
        scorecards.add(score);
    }

    @Override
    public void usage(TeamUsage published) {
        usage.put(published.getTeam() + "/" + published.getCapability(), published);
    }

    @Override
    public void refusedReport(FulfilmentEvent report, String reason) {
        refusals.add("report:" + report.getRequestId() + ": " + reason);
    }

    @Override
    public void refusedOffer(String offerId, CapabilityOffer offer, String producerId, String reason) {
        refusals.add("offer:" + offerId + ": " + reason);
    }
}
