package io.capmarket.topology.core;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.QuotaRules;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.Optional;

/**
 * The desk's matching: a request that holds no offer is matched or waits (for an offer with
 * capacity, or for its team's quota to allow it), an offer that gave a
 * request up is excluded and the request matched again, and a capability's waitlist is served
 * when capacity frees. The events that lead here are {@link CapabilityDesk}'s.
 */
final class DeskMatching {

    private final Matcher matcher;
    private final Explanations explanations;
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
    /** The team whose waiting request was matched last, per capability: the next turn is another's ({@link FairShare}). */
    private final Map<String, String> servedLast = new HashMap<>();

    DeskMatching(TopologySettings settings, EngineEvents events, DeskBooks books, DeskOutbox outbox, DeskLedger ledger) {
        this.matcher = new Matcher(settings.matching());
        this.explanations = new Explanations(settings.matching());
        this.settings = settings;
        this.events = events;
        this.books = books;
        this.outbox = outbox;
        this.ledger = ledger;
    }

    /**
     * Serves the capability's waitlist on the clock: from where the last full batch stopped (or its
     * head), so that over successive ticks the whole waitlist is examined. Each request served is a
     * step of its own ({@code steps}): one that fails is undone and told to {@code failed}, stays
     * waiting for the next tick, and the requests after it are still served.
     */
    void drainOnTick(String capability, Instant now, DeskSteps steps, Consumer<RuntimeException> failed) {
        drain(capability, drainFrom.remove(capability), now, steps, failed);
    }

    /**
     * The current offer gave the request up: exclude it, then match again, wait, or fail when the
     * attempts are used up.
     */
    void giveUp(RequestStatus status, RequestState recordedAs, String detail, boolean unanswered, Instant now) {
        String capability = status.getCapability();
        String producerId = status.getProducerId();
        ledger.release(status, OfferRecord.Outcome.FAILURE, 0, now);
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
            ledger.keep(givenUp);
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
    void assign(RequestStatus status, Instant now) {
        assign(status, null, now);
    }

    /**
     * Matches a request that holds no offer among {@code pool}'s, or puts it on the waitlist.
     *
     * @param pool the capability's offers as of {@code now}, or null to take them from the books
     */
    void assign(RequestStatus status, OfferPool pool, Instant now) {
        String capability = status.getCapability();
        Optional<String> overQuota = overQuota(status);
        if (overQuota.isPresent()) {
            RequestStatus waiting = Lifecycle.waiting(status, overQuota.get(),
                    explanations.held(overQuota.get(), status.getAttempt(), now), now);
            ledger.save(waiting);
            ledger.startWaiting(waiting);
            events.quotaHeld(capability);
            return;
        }
        if (pool == null) {
            pool = ledger.pool(capability, now);
        }
        Decision decision = matcher.match(Lifecycle.matchRequest(status, pool.gatedOffers(status)), pool.candidates(), pool.loads(),
                pool.liveness(), now);
        if (decision instanceof Decision.Matched matched) {
            matchTo(status, matched, pool, now);
        } else if (!askProducers(status, pool, false, now)) {
            RequestStatus waiting = Lifecycle.waiting(status, ((Decision.NoMatch) decision).reason(),
                    explanations.of(decision, pool.unapproved(), status.getAttempt(), now), now);
            if (Explanations.fitsNone(decision)) {
                ledger.demand(capability, d -> d.unmet(status.getCapabilityVersion(), status.getConstraints(), now));
            }
            ledger.save(waiting);
            ledger.startWaiting(waiting);
        }
    }

    private void matchTo(RequestStatus status, Decision.Matched decision, OfferPool pool, Instant now) {
        String capability = status.getCapability();
        Offer offer = decision.offer();
        boolean rematch = status.getAttempt() > 0;
        RequestStatus matched = Lifecycle.matched(status, offer,
                explanations.of(decision, pool.unapproved(), status.getAttempt() + 1, now), now);
        ledger.save(matched);
        ledger.assigned(capability, offer.offerId());
        ledger.teamLoad(matched, 0, 0, 1, 0);
        Instant acceptBy = now.plus(settings.acceptDeadline());
        outbox.assignment(DeskLedger.assignment(matched, AssignmentAction.FULFIL, acceptBy, offer.leadTimeSloMs(), now));
        Duration sinceSubmitted = rematch ? null : Duration.between(matched.getSubmittedAt(), now);
        ledger.score(capability, offer.producerId(), s -> s.matched(now, sinceSubmitted));
        ledger.demand(capability, d -> d.matched(offer.offerId(), offer.producerId(), offer.version(), now));
        events.matched(capability, offer.producerId(), rematch);
    }

    /**
     * Asks the producers for their approval of a request no offer can serve now, when only their
     * offers could serve it and each asks for an approval the request was not given
     * ({@link OfferPool#policiesToAsk}): the offers that asked for none have gone, or given the request
     * up, since it was submitted. The request then waits in PENDING_APPROVAL, from now on.
     *
     * @param waiting whether the request is on the waitlist
     * @return whether it now waits for the producers' approvals
     */
    private boolean askProducers(RequestStatus status, OfferPool pool, boolean waiting, Instant now) {
        List<ApprovalLifecycle.ProducerPolicy> asking = pool.policiesToAsk(status);
        if (asking.isEmpty()) {
            return false;
        }
        Optional<ApprovalLifecycle.Pending> pending = ApprovalLifecycle.pending(status, asking, null,
                settings.day2().approvalExpiresAfter(), now);
        if (pending.isEmpty()) {
            return false;
        }
        if (waiting) {
            ledger.stopWaiting(status);
        }
        ledger.save(ApprovalLifecycle.pendingApproval(status, pending.get(), now));
        ledger.teamLoad(status, 1, 0, 0, 0);
        events.approval(status.getCapability(), "pending");
        return true;
    }

    /**
     * Why the request's team may not have one more of its capability provisioned now
     * ({@link QuotaRules}), or empty when it may.
     */
    private Optional<String> overQuota(RequestStatus status) {
        TeamQuota quota = books.quota(status.getCapability(), status.getConsumerTeam());
        if (quota == null) {
            return Optional.empty();
        }
        TeamLoad load = books.teamLoad(status.getCapability(), status.getConsumerTeam());
        return QuotaRules.refusal(quota, load.live(), load.inFlight());
    }

    /**
     * Serves the capability's waitlist from its head, by priority, the teams taking turns within a
     * priority ({@link FairShare}), each team's oldest first, while any offer has
     * capacity left (capacity freed, or an offer changed), examining at most
     * {@link CapabilityDesk#DRAIN_BATCH} requests: when capacity is left after a full batch, the
     * next tick goes on after it.
     */
    void drain(String capability, Instant now) {
        drain(capability, null, now, DeskSteps.UNDOING_NOTHING, failure -> {
            throw failure;
        });
    }

    private void drain(String capability, WaitTicket from, Instant now, DeskSteps steps, Consumer<RuntimeException> failed) {
        if (books.counts(capability).getWaiting() == 0) {
            return;
        }
        // the offers change only when a request is matched: one view of them until then
        OfferPool pool = ledger.pool(capability, now);
        if (!pool.anyAvailable()) {
            return;
        }
        List<WaitTicket> batch = books.queue(capability, from, CapabilityDesk.DRAIN_BATCH);
        if (batch.isEmpty() && from != null) {
            batch = books.queue(capability, null, CapabilityDesk.DRAIN_BATCH);
        }
        for (WaitTicket ticket : FairShare.order(batch, servedLast.get(capability))) {
            OfferPool current = pool;
            boolean[] matched = new boolean[1];
            try {
                steps.run(() -> matched[0] = serve(ticket, current, now));
            } catch (RuntimeException e) {
                failed.accept(e);
                matched[0] = true; // its changes undone: the offers are read again
            }
            if (matched[0]) {
                pool = ledger.pool(capability, now);
                if (!pool.anyAvailable()) {
                    return;
                }
            }
        }
        if (batch.size() == CapabilityDesk.DRAIN_BATCH) {
            drainFrom.put(capability, batch.get(batch.size() - 1));
        }
    }

    /** Serves one waiting request from {@code pool}; whether it was matched (the offers changed). */
    private boolean serve(WaitTicket ticket, OfferPool pool, Instant now) {
        RequestStatus status = books.request(ticket.requestId());
        if (status == null || status.getState() != RequestState.WAITING) {
            books.dequeue(ticket);
            return false;
        }
        if (overQuota(status).isPresent()) {
            return false; // its team's quota holds it: served once the team's usage allows
        }
        Decision decision = matcher.match(Lifecycle.matchRequest(status, pool.gatedOffers(status)), pool.candidates(),
                pool.loads(), pool.liveness(), now);
        if (decision instanceof Decision.Matched matched) {
            ledger.stopWaiting(status);
            matchTo(status, matched, pool, now);
            servedLast.put(status.getCapability(), status.getConsumerTeam());
            return true;
        }
        askProducers(status, pool, true, now);
        return false;
    }
}
