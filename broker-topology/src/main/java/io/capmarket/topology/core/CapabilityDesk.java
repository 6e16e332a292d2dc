package io.capmarket.topology.core;

import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.ApprovalRules;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.schemas.topology.DecisionCommand;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.schemas.topology.UpdateCommand;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The single writer per capability, as rules: every offer change, submission, cancellation, update,
 * approval decision and fulfilment report of the capabilities one task owns, and the wall-clock work on them (deadlines,
 * waitlists, catalog and scorecards). It keeps what it needs in its {@link DeskBooks} and puts
 * what it decides in its {@link DeskOutbox}; it imports nothing of Kafka, and time is always an
 * argument, so every path runs in milliseconds over in-memory books.
 *
 * <p>Capacity is counted here and nowhere else, so it can never be double-booked. What reaches
 * the desk has passed intake, so the producer an offer or report names is the one whose topic it
 * came from. A report is applied only when that producer, its offer, attempt and capability are
 * the request's current assignment ({@link Lifecycle#judge}); a report on work another producer
 * holds is refused as misattributed, a late one as not applied, and neither changes the request.
 * A change to an offer another producer holds, or held, in the capability ({@link OfferRules#changeRefusal}),
 * an offer whose schemas conflict with its version's contract ({@link CapabilityContracts}) and a
 * new offer of a capability at its bound ({@link OfferRules#boundRefusal}) are refused too. An
 * offer is matched only while its producer is approved for the capability.
 *
 * <p>One instance per task; not thread-safe.
 */
public final class CapabilityDesk {

    /** Waiting requests examined per capability and drain, so a long waitlist cannot stall the task. */
    public static final int DRAIN_BATCH = 1_000;

    /** How long after a due check failed (and was undone) it runs again. */
    public static final Duration CHECK_RETRY = Duration.ofMinutes(1);

    private final TopologySettings settings;
    private final EngineEvents events;
    private final DeskBooks books;
    private final DeskOutbox outbox;
    private final DeskSteps steps;
    private final DeskLedger ledger;
    private final DeskMatching matching;
    private final DeskResources resources;
    private final FinishedRequests finished;
    private final DeskChecks checks;

    /**
     * @param events told of what the desk does, for metrics
     * @param books what the desk keeps; read as they are (restored after a restart or rebalance)
     * @param outbox where the desk puts what it decides
     * @param steps runs each due check of a tick, and each request served from a waitlist on the
     *     clock, whole or not at all
     */
    public CapabilityDesk(TopologySettings settings, EngineEvents events, DeskBooks books, DeskOutbox outbox, DeskSteps steps) {
        this.settings = settings;
        this.events = events;
        this.books = books;
        this.outbox = outbox;
        this.steps = steps;
        this.ledger = new DeskLedger(books, outbox, events, settings);
        this.matching = new DeskMatching(settings, events, books, outbox, ledger);
        this.resources = new DeskResources(settings, events, books, outbox, ledger);
        this.finished = new FinishedRequests(settings.day2().retainFinished(), events, books, outbox);
        this.checks = new DeskChecks(settings, events, books, steps, ledger, matching, resources);
        // after a restart or rebalance in-flight counts may have moved since the last catalog entry
        ledger.markAllCatalogs();
        ledger.markAllUsage(books.countedCapabilities());
        countWaiting(false);
    }

    /**
     * A step on the capability failed and its changes to the books were undone: what it had taken
     * off the lists of what to publish (the capability's catalog entry, its teams' usage) goes back
     * on them, for the next tick, and the events are told how many of its requests wait.
     */
    public void undone(String capability) {
        ledger.markCatalog(capability);
        ledger.markAllUsage(List.of(capability));
        events.waitingCounted(capability, books.counts(capability).getWaiting());
    }

    /**
     * Its task closes here (the capabilities move to another instance, or the instance stops): tells
     * the events that none of their requests waits here any more.
     */
    public void closed() {
        countWaiting(true);
    }

    /** Tells the events how many requests of each counted capability wait, or with {@code closing}, zero for each. */
    private void countWaiting(boolean closing) {
        for (String capability : books.countedCapabilities()) {
            events.waitingCounted(capability, closing ? 0 : books.counts(capability).getWaiting());
        }
    }

    // ---- offers

    /** An offer published, changed or withdrawn ({@code change.getOffer() == null}). */
    public void offer(String capability, OfferChange change, Instant now) {
        OfferState current = books.offers(capability).get(change.getOfferId());
        String holder = current == null ? books.formerOwner(capability, change.getOfferId()) : current.getOffer().getProducerId();
        Optional<String> takeover = OfferRules.changeRefusal(change.getOfferId(), capability, holder, change.getProducerId(),
                change.getOffer() == null);
        if (takeover.isPresent()) {
            events.deadLettered(EngineEvents.IDENTITY);
            outbox.refusedOffer(change.getOfferId(), change.getOffer(), change.getProducerId(), takeover.get());
            return;
        }
        CapabilityOffer offer = change.getOffer();
        Optional<String> full = offer == null || current != null ? Optional.empty()
                : OfferRules.boundRefusal(change.getOfferId(), capability, books.offers(capability).size());
        if (full.isPresent()) {
            events.deadLettered(EngineEvents.REFUSED);
            outbox.refusedOffer(change.getOfferId(), offer, change.getProducerId(), full.get());
            return;
        }
        if (offer == null) {
            if (current == null) {
                return;
            }
            OfferState withdrawn = OfferState.newBuilder(current).setWithdrawn(true).build();
            if (ledger.unused(capability, withdrawn)) {
                books.deleteOffer(capability, change.getOfferId());
            } else {
                books.putOffer(capability, withdrawn); // kept for its work in flight and its live resources
            }
        } else {
            CapabilityContract contract = books.contract(capability, offer.getCapabilityVersion());
            String handedTo = books.contractHandedTo(capability, offer.getCapabilityVersion());
            Optional<String> refusal = CapabilityContracts.refusal(contract, handedTo, offer)
                    .or(() -> offer.getApproval() == null ? Optional.empty() : ApprovalRules.refusal(offer.getApproval()));
            if (refusal.isPresent()) {
                events.deadLettered(EngineEvents.CONTRACT);
                outbox.refusedOffer(offer.getOfferId(), offer, offer.getProducerId(), refusal.get());
                return;
            }
            CapabilityContract terms = CapabilityContracts.next(contract, handedTo, offer, now);
            if (terms != contract) {
                books.putContract(terms);
            }
            books.putOffer(capability, current == null ? OfferRecord.fresh(offer) : OfferRecord.republished(current, offer, now));
        }
        ledger.publishCatalog(capability, now);
        if (offer != null && offer.getStatus() == OfferStatus.ACTIVE) {
            matching.drain(capability, now);
        }
    }

    // ---- requests

    /** A request submitted; a second submission of a known requestId is ignored. */
    public void submit(String capability, SubmitRequest submit, Instant now) {
        submit(capability, submit, now, null);
    }

    /**
     * A request submitted with the W3C {@code traceParent} of its submit (or null), which every
     * later record about the request carries; a second submission of a known requestId is ignored.
     */
    public void submit(String capability, SubmitRequest submit, Instant now, String traceParent) {
        if (books.request(submit.getRequestId()) != null) {
            events.ignored("duplicate submit");
            return;
        }
        RequestStatus submitted = Lifecycle.submitted(submit, now, traceParent);
        // published, not stored: assign() stores the request at once, as MATCHED or WAITING
        ledger.announce(submitted);
        ledger.count(capability, 0, 1);
        ledger.score(capability, null, s -> s.submitted(now));
        ledger.demand(capability, d -> d.requested(submitted.getCapabilityVersion(), submitted.getConsumerTeam(), now));
        events.submitted(capability);
        OfferPool pool = ledger.pool(capability, now);
        Optional<ApprovalLifecycle.Pending> pending = ApprovalLifecycle.pending(submitted, pool.policiesToAsk(submitted),
                books.approvalPolicy(capability, submitted.getCapabilityVersion()), settings.day2().approvalExpiresAfter());
        if (pending.isPresent()) {
            ledger.save(ApprovalLifecycle.pendingApproval(submitted, pending.get(), now));
            ledger.teamLoad(submitted, 1, 0, 0, 0);
            events.approval(capability, "pending");
            return;
        }
        matching.assign(submitted, pool, now);
    }

    /**
     * A command on one of the capability's requests, whichever it is: a submit (with the
     * {@code traceParent} of its record, or null), a cancellation, an update, an approval decision
     * or a producer's report.
     *
     * @param event a {@link SubmitRequest}, {@link CancelCommand}, {@link UpdateCommand},
     *     {@link DecisionCommand} or {@link FulfilmentEvent}
     */
    public void command(String capability, Object event, Instant now, String traceParent) {
        if (event instanceof SubmitRequest submit) {
            submit(capability, submit, now, traceParent);
        } else if (event instanceof CancelCommand cancel) {
            cancel(capability, cancel, now);
        } else if (event instanceof UpdateCommand update) {
            update(capability, update, now);
        } else if (event instanceof DecisionCommand decision) {
            decide(capability, decision, now);
        } else if (event instanceof FulfilmentEvent report) {
            fulfilment(capability, report, now);
        } else {
            throw new IllegalArgumentException("event must be a command on a request, but was "
                    + (event == null ? "null" : event.getClass().getSimpleName()));
        }
    }

    /**
     * A consumer's cancellation: a request still being provisioned is cancelled, a live one's
     * resource deprovisioned ({@link DeskResources#deprovision}); an unknown or finished request is
     * left alone.
     */
    public void cancel(String capability, CancelCommand cancel, Instant now) {
        RequestStatus status = books.request(cancel.getRequestId());
        if (status == null || Lifecycle.isTerminal(status)) {
            events.ignored(status == null ? "cancel for unknown request" : "cancel for finished request");
            return;
        }
        if (Lifecycle.isLive(status)) {
            resources.deprovision(status, "deprovision asked by " + cancel.getRequestedBy().getName()
                    + (cancel.getReason() == null ? "" : ": " + cancel.getReason()), now);
            return;
        }
        boolean wasAssigned = Lifecycle.isAssigned(status);
        if (status.getState() == RequestState.WAITING) {
            ledger.stopWaiting(status);
            ledger.demand(capability, d -> d.abandoned(status.getConsumerTeam()));
        } else if (status.getState() == RequestState.PENDING_APPROVAL) {
            ledger.teamLoad(status, -1, 0, 0, 0);
        } else if (wasAssigned) {
            ledger.release(status, OfferRecord.Outcome.NEUTRAL, 0, now);
            ledger.instruct(status, AssignmentAction.CANCEL, now, now);
        }
        ledger.save(Lifecycle.cancelled(status, cancel.getReason() == null ? "cancelled by " + cancel.getRequestedBy().getName()
                : cancel.getReason(), now));
        ledger.finish(capability, RequestState.CANCELLED);
        if (wasAssigned) {
            matching.drain(capability, now);
        }
    }

    /**
     * An update of a fulfilled request's resource ({@link DeskResources#update}); an update of an
     * unknown or finished request is left alone, as a cancellation is: a finished request's history
     * and last change (which its retention counts from) stay as they were.
     */
    public void update(String capability, UpdateCommand command, Instant now) {
        RequestStatus status = books.request(command.getUpdate().getRequestId());
        if (status == null || Lifecycle.isTerminal(status)) {
            events.ignored(status == null ? "update for unknown request" : "update for finished request");
            return;
        }
        resources.update(status, command.getUpdate(), now);
    }

    /**
     * An approver's decision on a request waiting for approvals ({@link ApprovalLifecycle}): a
     * rejection fails it, the last approval sends it to matching. A decision that cannot apply
     * (the request moved on, or the approver is not one of its open approvals) is left alone.
     */
    public void decide(String capability, DecisionCommand command, Instant now) {
        ApprovalDecision decision = command.getDecision();
        RequestStatus status = books.request(decision.getRequestId());
        if (status == null) {
            events.ignored("decision for unknown request");
            return;
        }
        Optional<String> refusal = ApprovalLifecycle.decisionRefusal(status, decision);
        if (refusal.isPresent()) {
            events.approval(capability, "refused");
            events.ignored("approval decision refused");
            return;
        }
        if (!decision.getApprove()) {
            ledger.teamLoad(status, -1, 0, 0, 0);
            ledger.save(ApprovalLifecycle.rejected(status, decision, now));
            ledger.finish(capability, RequestState.FAILED);
            events.approval(capability, "rejected");
            return;
        }
        RequestStatus approved = ApprovalLifecycle.approved(status, decision, now);
        if (!ApprovalLifecycle.allApproved(approved)) {
            ledger.save(approved);
            events.approval(capability, "partly-approved");
            return;
        }
        events.approval(capability, "approved");
        ledger.teamLoad(approved, -1, 0, 0, 0);
        Duration waited = ApprovalLifecycle.waited(approved, now);
        ledger.score(capability, null, s -> s.approved(now, waited));
        // stored with the matching that follows, in one status record
        matching.assign(approved, now);
    }

    /** A producer's report on its work, or on an operation on the resource it made. */
    public void fulfilment(String capability, FulfilmentEvent report, Instant now) {
        RequestStatus status = books.request(report.getRequestId());
        if (status == null) {
            ledger.notApplied(report, "fulfilment for unknown request", EngineEvents.NOT_APPLIED,
                    "fulfilment report for unknown request " + report.getRequestId());
            return;
        }
        Function<String, Optional<String>> producerOfOffer = offerId -> Optional.ofNullable(
                books.offers(status.getCapability()).get(offerId)).map(state -> state.getOffer().getProducerId());
        Lifecycle.Verdict verdict = Lifecycle.judge(status, report, producerOfOffer);
        if (verdict == Lifecycle.Verdict.MISATTRIBUTED) {
            // judged first, explained only on this rare path
            Lifecycle.Misattribution misattribution = Lifecycle.misattribution(status, report, producerOfOffer).orElseThrow();
            events.misattributed(misattribution.field());
            ledger.notApplied(report, "fulfilment misattributed", EngineEvents.MISATTRIBUTED, "misattributed fulfilment report "
                    + report.getKind() + ": " + misattribution.detail());
            return;
        }
        if (verdict != Lifecycle.Verdict.APPLY) {
            String name = verdict.name().toLowerCase(Locale.ROOT);
            ledger.notApplied(report, "fulfilment " + name, EngineEvents.NOT_APPLIED, name + " fulfilment report " + report.getKind()
                    + " for attempt " + report.getAttempt() + " of request " + report.getRequestId() + ", which stands "
                    + status.getState() + " at attempt " + status.getAttempt());
            return;
        }
        if (Lifecycle.isLive(status)) {
            resources.report(status, report, now);
            // a resource deprovisioned frees its team's quota
            matching.drain(capability, now);
            return;
        }
        String producerId = status.getProducerId();
        switch (report.getKind()) {
            case ACCEPTED -> {
                ledger.save(Lifecycle.accepted(status, now));
                Duration waited = Duration.between(Lifecycle.matchedAt(status), now);
                ledger.score(capability, producerId, s -> s.accepted(now, waited));
            }
            case PROGRESS -> {
                if (status.getState() == RequestState.MATCHED) {
                    Duration waited = Duration.between(Lifecycle.matchedAt(status), now);
                    ledger.score(capability, producerId, s -> s.accepted(now, waited));
                }
                RequestStatus progressed = Lifecycle.inProgress(status, report.getMessage(), now);
                if (progressed.getHistory().size() <= status.getHistory().size()) {
                    events.historyTrimmed(capability);
                }
                ledger.save(progressed);
            }
            case FULFILLED -> {
                Long maxTtlMs = resources.maxTtlMs(status);
                ledger.resourceLive(status); // first: a withdrawn offer that now holds no work holds this resource
                ledger.release(status, OfferRecord.Outcome.SUCCESS, Duration.between(Lifecycle.matchedAt(status), now).toMillis(),
                        now);
                ledger.save(ResourceLifecycle.expiring(Lifecycle.fulfilled(status, report.getOutputs(), report.getMessage(), now),
                        maxTtlMs, now));
                Duration leadTime = Duration.between(status.getSubmittedAt(), now);
                ledger.score(capability, producerId, s -> s.fulfilled(now, leadTime, status.getSloBreached()));
                ledger.demand(capability, d -> d.fulfilled(status.getConsumerTeam(), now));
                ledger.finish(capability, RequestState.FULFILLED);
                matching.drain(capability, now);
            }
            case REJECTED -> matching.giveUp(status, RequestState.REJECTED,
                    "rejected by " + producerId + (report.getMessage() == null ? "" : ": " + report.getMessage()), false, now);
            case FAILED -> {
                String message = report.getMessage() == null ? "no message" : report.getMessage();
                if (report.getRetryable()) {
                    matching.giveUp(status, RequestState.FAILED, "failed at " + producerId + " (retryable): " + message, false, now);
                } else {
                    ledger.release(status, OfferRecord.Outcome.FAILURE, 0, now);
                    ledger.score(capability, producerId, s -> s.failed(now));
                    ledger.save(Lifecycle.failed(status, "failed at " + producerId + ": " + message, now));
                    ledger.finish(capability, RequestState.FAILED);
                    matching.drain(capability, now);
                }
            }
            default -> throw new IllegalStateException("unhandled fulfilment kind " + report.getKind());
        }
    }

    // ---- wall-clock work

    /**
     * Runs what is due by {@code now}: missed accept deadlines re-match, passed lead-time promises
     * are flagged, requests waiting too long fail ({@link DeskChecks}); then waitlists drain (a producer coming back
     * to life frees capacity without any event reaching the desk) and changed catalog entries are
     * published.
     */
    public void tick(Instant now) {
        checks.runDue(now, this::undone);
        for (String capability : books.countedCapabilities()) {
            if (books.counts(capability).getWaiting() > 0) {
                matching.drainOnTick(capability, now, steps, failure -> {
                    undone(capability);
                    events.drainFailed(capability, failure);
                });
            }
        }
        ledger.publishChangedCatalogs(now);
        ledger.publishChangedUsage(now);
    }

    /**
     * Deletes, with their statuses, the finished requests kept past {@link Day2Policy#retainFinished}
     * among the next batches of {@value FinishedRequests#SWEEP_BATCH} kept requests ({@link FinishedRequests});
     * returns how many it deleted.
     */
    public int sweepFinished(Instant now) {
        return finished.sweep(now);
    }

    /**
     * Publishes the scorecard of every capability counted here, and the catalog entry of those whose
     * producers' standing changed, or a listed version's contract owner (the admins handed it over).
     */
    public void publishScores(Instant now) {
        ledger.publishHandedOverCatalogs(now);
        for (String capability : books.countedCapabilities()) {
            CapabilityCounters counts = books.counts(capability);
            OfferPool pool = ledger.pool(capability, now);
            ScoreState overall = books.scoreOf(capability);
            CapabilityScore score = Scorecards.publish(capability, overall, books.scoresUnder(capability + "/"),
                    pool.states(), counts.getWaiting(), counts.getBacklog(), now);
            if (ledger.standings().judge(score, now)) {
                // a producer went on probation or was restored: matching and the catalog show it from now on
                ledger.publishCatalog(capability, now);
                pool = ledger.pool(capability, now);
            }
            events.scorecard(score);
            outbox.scorecard(score);
            CapabilityView view = ledger.catalogEntry(capability, pool, now);
            if (view != null) {
                events.catalog(view);
            }
        }
    }
}
