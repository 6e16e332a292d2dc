package io.capmarket.topology.core;

import io.capmarket.schemas.Assignment;
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
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The single writer per capability, as rules: every offer change, submission, cancellation and
 * fulfilment report of the capabilities one task owns, and the wall-clock work on them (deadlines,
 * waitlists, catalog and scorecards). It keeps what it needs in its {@link DeskBooks} and puts
 * what it decides in its {@link DeskOutbox}; it imports nothing of Kafka, and time is always an
 * argument, so every path runs in milliseconds over in-memory books.
 *
 * <p>Capacity is counted here and nowhere else, so it can never be double-booked. What reaches
 * the desk has passed intake, so the producer an offer or report names is the one whose topic it
 * came from. A report is applied only when that producer, its offer, attempt and capability are
 * the request's current assignment ({@link Lifecycle#judge}); a report on work another producer
 * holds is refused as misattributed, a late one as not applied, and neither changes the request.
 * A change to an offer another producer holds in the capability ({@link OfferRules#changeRefusal})
 * and an offer whose schemas conflict with its version's contract ({@link CapabilityContracts})
 * are refused too. An offer is matched only while its producer is approved for the capability.
 *
 * <p>One instance per task; not thread-safe.
 */
public final class CapabilityDesk {

    /** Waiting requests examined per capability and drain, so a long waitlist cannot stall the task. */
    public static final int DRAIN_BATCH = 1_000;

    private final Matcher matcher;
    private final TopologySettings settings;
    private final EngineEvents events;
    private final DeskBooks books;
    private final DeskOutbox outbox;
    private final DeskLedger ledger;
    /**
     * Where the next drain of a capability's waitlist starts, when the last one examined a full
     * batch: a head of requests no offer can serve does not hide the rest of the waitlist.
     */
    private final Map<String, WaitTicket> drainFrom = new HashMap<>();

    /**
     * @param events told of what the desk does, for metrics
     * @param books what the desk keeps; read as they are (restored after a restart or rebalance)
     * @param outbox where the desk puts what it decides
     */
    public CapabilityDesk(TopologySettings settings, EngineEvents events, DeskBooks books, DeskOutbox outbox) {
        this.matcher = new Matcher(settings.matching());
        this.settings = settings;
        this.events = events;
        this.books = books;
        this.outbox = outbox;
        this.ledger = new DeskLedger(books, outbox, events, settings.matching());
        // after a restart or rebalance in-flight counts may have moved since the last catalog entry
        ledger.markAllCatalogs();
    }

    // ---- offers

    /** An offer published, changed or withdrawn ({@code change.getOffer() == null}). */
    public void offer(String capability, OfferChange change, Instant now) {
        OfferState current = books.offers(capability).get(change.getOfferId());
        Optional<String> takeover = OfferRules.changeRefusal(change.getOfferId(), capability,
                current == null ? null : current.getOffer().getProducerId(), change.getProducerId(), change.getOffer() == null);
        if (takeover.isPresent()) {
            events.deadLettered(EngineEvents.IDENTITY);
            outbox.refusedOffer(change.getOfferId(), change.getOffer(), change.getProducerId(), takeover.get());
            return;
        }
        CapabilityOffer offer = change.getOffer();
        if (offer == null) {
            if (current == null) {
                return;
            }
            if (current.getInFlight() > 0) {
                books.putOffer(capability, OfferState.newBuilder(current).setWithdrawn(true).build());
            } else {
                books.deleteOffer(capability, change.getOfferId());
            }
        } else {
            CapabilityContract contract = books.contract(capability, offer.getCapabilityVersion());
            Optional<String> refusal = CapabilityContracts.refusal(contract, offer);
            if (refusal.isPresent()) {
                events.deadLettered(EngineEvents.CONTRACT);
                outbox.refusedOffer(offer.getOfferId(), offer, offer.getProducerId(), refusal.get());
                return;
            }
            CapabilityContract terms = CapabilityContracts.next(contract, offer, now);
            if (terms != contract) {
                books.putContract(terms);
            }
            books.putOffer(capability, current == null ? OfferRecord.fresh(offer)
                    : OfferState.newBuilder(current).setOffer(offer).setWithdrawn(false).build());
        }
        ledger.publishCatalog(capability, now);
        if (offer != null && offer.getStatus() == OfferStatus.ACTIVE) {
            // a new or changed offer may serve the head of the waitlist: start there
            drainFrom.remove(capability);
            drain(capability, now);
        }
    }

    // ---- requests

    /** A request submitted; a second submission of a known requestId is ignored. */
    public void submit(String capability, SubmitRequest submit, Instant now) {
        if (books.request(submit.getRequestId()) != null) {
            events.ignored("duplicate submit");
            return;
        }
        RequestStatus submitted = Lifecycle.submitted(submit, now);
        // published, not stored: assign() stores the request at once, as MATCHED or WAITING
        ledger.announce(submitted);
        ledger.count(capability, 0, 1);
        ledger.score(capability, null, s -> s.submitted(now));
        events.submitted(capability);
        assign(submitted, now);
    }

    /** A consumer's cancellation; an unknown or finished request is left alone. */
    public void cancel(String capability, CancelCommand cancel, Instant now) {
        RequestStatus status = books.request(cancel.getRequestId());
        if (status == null || Lifecycle.isTerminal(status)) {
            events.ignored(status == null ? "cancel for unknown request" : "cancel for finished request");
            return;
        }
        boolean wasAssigned = Lifecycle.isAssigned(status);
        if (status.getState() == RequestState.WAITING) {
            ledger.stopWaiting(status);
        } else if (wasAssigned) {
            ledger.release(status, OfferRecord.Outcome.NEUTRAL, 0);
            ledger.instruct(status, AssignmentAction.CANCEL, now, now);
        }
        ledger.save(Lifecycle.cancelled(status, cancel.getReason() == null ? "cancelled by " + cancel.getRequestedBy().getName()
                : cancel.getReason(), now));
        ledger.finish(capability, RequestState.CANCELLED);
        if (wasAssigned) {
            drain(capability, now);
        }
    }

    /** A producer's report on its work. */
    public void fulfilment(String capability, FulfilmentEvent report, Instant now) {
        RequestStatus status = books.request(report.getRequestId());
        if (status == null) {
            ledger.notApplied(report, "fulfilment for unknown request", EngineEvents.NOT_APPLIED,
                    "fulfilment report for unknown request " + report.getRequestId());
            return;
        }
        Function<String, Optional<String>> producerOfOffer = offerId -> Optional.ofNullable(
                books.offers(status.getCapability()).get(offerId)).map(state -> state.getOffer().getProducerId());
        Optional<Lifecycle.Misattribution> misattribution = Lifecycle.misattribution(status, report, producerOfOffer);
        if (misattribution.isPresent()) {
            events.misattributed(misattribution.get().field());
            ledger.notApplied(report, "fulfilment misattributed", EngineEvents.MISATTRIBUTED, "misattributed fulfilment report "
                    + report.getKind() + ": " + misattribution.get().detail());
            return;
        }
        Lifecycle.Verdict verdict = Lifecycle.judge(status, report, producerOfOffer);
        if (verdict != Lifecycle.Verdict.APPLY) {
            String name = verdict.name().toLowerCase(Locale.ROOT);
            ledger.notApplied(report, "fulfilment " + name, EngineEvents.NOT_APPLIED, name + " fulfilment report " + report.getKind()
                    + " for attempt " + report.getAttempt() + " of request " + report.getRequestId() + ", which stands "
                    + status.getState() + " at attempt " + status.getAttempt());
            return;
        }
        String producerId = status.getProducerId();
        switch (report.getKind()) {
            case ACCEPTED -> {
                ledger.save(Lifecycle.accepted(status, now));
                Duration waited = Duration.between(matchedAt(status), now);
                ledger.score(capability, producerId, s -> s.accepted(now, waited));
            }
            case PROGRESS -> {
                if (status.getState() == RequestState.MATCHED) {
                    Duration waited = Duration.between(matchedAt(status), now);
                    ledger.score(capability, producerId, s -> s.accepted(now, waited));
                }
                RequestStatus progressed = Lifecycle.inProgress(status, report.getMessage(), now);
                if (progressed.getHistory().size() <= status.getHistory().size()) {
                    events.historyTrimmed(capability);
                }
                ledger.save(progressed);
            }
            case FULFILLED -> {
                ledger.release(status, OfferRecord.Outcome.SUCCESS, Duration.between(matchedAt(status), now).toMillis());
                ledger.save(Lifecycle.fulfilled(status, report.getOutputs(), report.getMessage(), now));
                Duration leadTime = Duration.between(status.getSubmittedAt(), now);
                ledger.score(capability, producerId, s -> s.fulfilled(now, leadTime));
                ledger.finish(capability, RequestState.FULFILLED);
                drain(capability, now);
            }
            case REJECTED -> giveUp(status, RequestState.REJECTED,
                    "rejected by " + producerId + (report.getMessage() == null ? "" : ": " + report.getMessage()), false, now);
            case FAILED -> {
                String message = report.getMessage() == null ? "no message" : report.getMessage();
                if (report.getRetryable()) {
                    giveUp(status, RequestState.FAILED, "failed at " + producerId + " (retryable): " + message, false, now);
                } else {
                    ledger.release(status, OfferRecord.Outcome.FAILURE, 0);
                    ledger.score(capability, producerId, s -> s.failed(now));
                    ledger.save(Lifecycle.failed(status, "failed at " + producerId + ": " + message, now));
                    ledger.finish(capability, RequestState.FAILED);
                    drain(capability, now);
                }
            }
            default -> throw new IllegalStateException("unhandled fulfilment kind " + report.getKind());
        }
    }

    // ---- wall-clock work

    /**
     * Runs what is due by {@code now}: missed accept deadlines re-match, passed lead-time promises
     * are flagged (an assignment has one deadline entry at a time: the earlier of the two, which
     * schedules the later one when it still matters); then waitlists drain (a producer coming back
     * to life frees capacity without any event reaching the desk) and changed catalog entries are
     * published.
     */
    public void tick(Instant now) {
        // a check may schedule the other one of its assignment, already due after a long pause: a second round runs it
        for (int round = 0; round < 2; round++) {
            for (Deadline deadline : books.due(now)) {
                check(deadline, now);
            }
        }
        for (String capability : books.countedCapabilities()) {
            if (books.counts(capability).getWaiting() > 0) {
                drain(capability, now);
            }
        }
        ledger.publishChangedCatalogs(now);
    }

    /**
     * Runs one due check: a missed accept re-matches, a passed promise is flagged; each schedules
     * the other when it still matters.
     */
    private void check(Deadline deadline, Instant now) {
        books.unschedule(deadline);
        RequestStatus status = books.request(deadline.requestId());
        if (status == null || status.getAttempt() != deadline.attempt()) {
            return;
        }
        if (deadline.kind() == Deadline.Kind.WAIT) {
            if (status.getState() == RequestState.WAITING) {
                expire(status, now);
            }
            return;
        }
        if (!Lifecycle.isAssigned(status)) {
            return;
        }
        switch (deadline.kind()) {
            case ACCEPT -> {
                if (status.getState() == RequestState.MATCHED) {
                    events.acceptDeadlineMissed(status.getCapability(), status.getProducerId());
                    ledger.instruct(status, AssignmentAction.CANCEL, now, now);
                    giveUp(status, RequestState.REJECTED, "not accepted by " + status.getProducerId()
                            + " within " + settings.acceptDeadline().toMillis() + " ms", true, now);
                } else if (!status.getSloBreached()) {
                    books.schedule(new Deadline(sloDue(status), Deadline.Kind.SLO, status.getAttempt(), status.getRequestId()));
                }
            }
            case SLO -> {
                if (!status.getSloBreached()) {
                    ledger.save(Lifecycle.sloBreached(status, "lead-time promise of " + ledger.promiseOf(status) + " ms passed", now));
                    ledger.score(status.getCapability(), status.getProducerId(), s -> s.sloBreached(now));
                    events.sloBreached(status.getCapability(), status.getProducerId());
                }
                if (status.getState() == RequestState.MATCHED) {
                    books.schedule(new Deadline(matchedAt(status).plus(settings.acceptDeadline()), Deadline.Kind.ACCEPT,
                            status.getAttempt(), status.getRequestId()));
                }
            }
            default -> throw new IllegalStateException("unhandled deadline " + deadline.kind());
        }
    }

    /** Publishes the scorecard and the catalog entry of every capability counted here. */
    public void publishScores(Instant now) {
        for (String capability : books.countedCapabilities()) {
            CapabilityCounters counts = books.counts(capability);
            OfferPool pool = ledger.pool(capability, now);
            ScoreState overall = books.scoreOf(capability);
            CapabilityScore score = Scorecards.publish(capability, overall, books.scoresUnder(capability + "/"),
                    pool.states(), counts.getWaiting(), counts.getBacklog(), now);
            events.scorecard(score);
            outbox.scorecard(score);
            CapabilityView view = CatalogFolder.fold(capability, List.copyOf(pool.states()),
                    books.contracts(capability), pool::isLive, now);
            if (view != null) {
                events.catalog(view);
            }
        }
    }

    // ---- matching

    /**
     * The current offer gave the request up: exclude it, then match again, wait, or fail when the
     * attempts are used up.
     */
    private void giveUp(RequestStatus status, RequestState recordedAs, String detail, boolean unanswered, Instant now) {
        String capability = status.getCapability();
        String producerId = status.getProducerId();
        ledger.release(status, OfferRecord.Outcome.FAILURE, 0);
        if (recordedAs == RequestState.REJECTED) {
            ledger.score(capability, producerId, s -> s.rejected(now));
        } else {
            ledger.score(capability, producerId, s -> s.failed(now));
        }
        RequestStatus givenUp = Lifecycle.offerGaveUp(status, recordedAs, detail, unanswered, now);
        if (recordedAs == RequestState.REJECTED) {
            ledger.save(givenUp);
        } else {
            // a transient FAILED is never published: it would end every reader's wait
            books.putRequest(givenUp);
        }
        if (Lifecycle.exhausted(givenUp, settings.maxAttempts())) {
            ledger.save(Lifecycle.failed(givenUp, "gave up after " + givenUp.getAttempt() + " attempts; last: " + detail, now));
            ledger.finish(capability, RequestState.FAILED);
        } else {
            assign(givenUp, now);
        }
        drain(capability, now);
    }

    /** Matches a request that holds no offer, or puts it on the waitlist. */
    private void assign(RequestStatus status, Instant now) {
        String capability = status.getCapability();
        OfferPool pool = ledger.pool(capability, now);
        Decision decision = matcher.match(Lifecycle.matchRequest(status), pool.candidates(), pool.loads(), pool.liveness(), now);
        if (decision instanceof Decision.Matched matched) {
            matchTo(status, matched.offer(), now);
        } else {
            RequestStatus waiting = Lifecycle.waiting(status, ((Decision.NoMatch) decision).reason(), now);
            ledger.save(waiting);
            ledger.startWaiting(waiting);
            books.schedule(new Deadline(waiting.getSubmittedAt().plus(settings.maxWait()), Deadline.Kind.WAIT,
                    waiting.getAttempt(), waiting.getRequestId()));
        }
    }

    private void matchTo(RequestStatus status, Offer offer, Instant now) {
        String capability = status.getCapability();
        boolean rematch = status.getAttempt() > 0;
        RequestStatus matched = Lifecycle.matched(status, offer, now);
        ledger.save(matched);
        ledger.assigned(capability, offer.offerId());
        Instant acceptBy = now.plus(settings.acceptDeadline());
        Instant sloDue = now.plusMillis(offer.leadTimeSloMs());
        // one entry per assignment: the earlier check schedules the later one when it still matters
        books.schedule(sloDue.isBefore(acceptBy)
                ? new Deadline(sloDue, Deadline.Kind.SLO, matched.getAttempt(), matched.getRequestId())
                : new Deadline(acceptBy, Deadline.Kind.ACCEPT, matched.getAttempt(), matched.getRequestId()));
        outbox.assignment(DeskLedger.assignment(matched, AssignmentAction.FULFIL, acceptBy, offer.leadTimeSloMs(), now));
        Duration sinceSubmitted = rematch ? null : Duration.between(matched.getSubmittedAt(), now);
        ledger.score(capability, offer.producerId(), s -> s.matched(now, sinceSubmitted));
        events.matched(capability, offer.producerId(), rematch);
    }

    /**
     * Serves the capability's waitlist, by priority then age, while any offer has capacity left,
     * examining at most {@link #DRAIN_BATCH} requests: when capacity is left after a full batch,
     * the next drain goes on after it, and starts at the head again once it reached the end.
     */
    private void drain(String capability, Instant now) {
        if (books.counts(capability).getWaiting() == 0 || !ledger.pool(capability, now).anyAvailable()) {
            return;
        }
        WaitTicket from = drainFrom.remove(capability);
        List<WaitTicket> batch = books.queue(capability, from, DRAIN_BATCH);
        if (batch.isEmpty() && from != null) {
            batch = books.queue(capability, null, DRAIN_BATCH);
        }
        for (WaitTicket ticket : batch) {
            RequestStatus status = books.request(ticket.requestId());
            if (status == null || status.getState() != RequestState.WAITING) {
                books.dequeue(ticket);
                continue;
            }
            OfferPool pool = ledger.pool(capability, now);
            Decision decision = matcher.match(Lifecycle.matchRequest(status), pool.candidates(), pool.loads(),
                    pool.liveness(), now);
            if (decision instanceof Decision.Matched matched) {
                ledger.stopWaiting(status);
                matchTo(status, matched.offer(), now);
                if (!ledger.pool(capability, now).anyAvailable()) {
                    return;
                }
            }
        }
        if (batch.size() == DRAIN_BATCH) {
            drainFrom.put(capability, batch.get(batch.size() - 1));
        }
    }

    /** A request waited {@code matching.max-wait} since its submission: it fails. */
    private void expire(RequestStatus waiting, Instant now) {
        ledger.stopWaiting(waiting);
        ledger.save(Lifecycle.failed(waiting, "not matched within " + describe(settings.maxWait()) + " of its submission; last: "
                + waiting.getReason(), now));
        ledger.finish(waiting.getCapability(), RequestState.FAILED);
    }

    /** When the request's current attempt runs past its offer's lead-time promise. */
    private Instant sloDue(RequestStatus status) {
        return matchedAt(status).plusMillis(ledger.promiseOf(status));
    }

    /** A duration as the configuration writes it: {@code 1d}, {@code 90m}, {@code 1500ms}. */
    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        for (var unit : List.of(Map.entry(86_400_000L, "d"), Map.entry(3_600_000L, "h"), Map.entry(60_000L, "m"),
                Map.entry(1_000L, "s"))) {
            if (millis % unit.getKey() == 0) {
                return millis / unit.getKey() + unit.getValue();
            }
        }
        return millis + "ms";
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
}
