package io.capmarket.topology.core;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.score.DemandTally;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The desk's bookkeeping: how one decision is written to the books and the outbox (a status kept
 * and published, a unit of capacity taken or given back, counts and scorecards moved, a catalog
 * entry marked for republishing). The rules that decide are in {@link CapabilityDesk}.
 */
final class DeskLedger {

    /** More producers' offers than a deployment holds; past it the memo starts again. */
    private static final int MAX_OFFERS_SEEN = 10_000;

    private final DeskBooks books;
    private final DeskOutbox outbox;
    private final EngineEvents events;
    private final MatchingPolicy policy;
    private final TopologySettings settings;
    /** Capabilities whose catalog entry changed since it was last published. */
    private final Set<String> dirtyCatalogs = new LinkedHashSet<>();
    /** The contract owner of each version a capability's catalog entry listed when last published; one entry per capability. */
    private final Map<String, Map<Integer, String>> publishedOwners = new LinkedHashMap<>();
    /** Capabilities and teams ({@code capability} then {@code team}) whose load changed since it was last published. */
    private final Set<Map.Entry<String, String>> dirtyUsage = new LinkedHashSet<>();
    /**
     * Matching's view of each offer, by the identity of the offer record its states share (a
     * state that changes only its load keeps it): made once per offer, not per request.
     */
    private final BoundedMemo<CapabilityOffer, Offer> offersSeen = BoundedMemo.byIdentity(MAX_OFFERS_SEEN, OfferRecord::offer);
    private final Standings standings;

    DeskLedger(DeskBooks books, DeskOutbox outbox, EngineEvents events, TopologySettings settings) {
        this.books = books;
        this.outbox = outbox;
        this.events = events;
        this.policy = settings.matching();
        this.settings = settings;
        this.standings = new Standings(books, policy.probation(), settings.scorecardWindow(), events);
    }

    /** The producers' standing per capability. */
    Standings standings() {
        return standings;
    }

    /** The capability's offers as matching sees them now. */
    OfferPool pool(String capability, Instant now) {
        return OfferPool.of(books, capability, policy, now, state -> offersSeen.get(state.getOffer()),
                standings.of(capability));
    }

    /** Keeps and publishes a request's status. */
    void save(RequestStatus status) {
        keep(status);
        outbox.status(status);
    }

    /**
     * Saves {@code status} with a note in its history ({@link ResourceLifecycle#noted}), counting
     * the note that replaced another past the history's bound.
     */
    void note(RequestStatus status, String detail, Instant now) {
        RequestStatus noted = ResourceLifecycle.noted(status, detail, now);
        if (noted.getHistory().size() <= status.getHistory().size()) {
            events.historyTrimmed(status.getCapability());
        }
        save(noted);
    }

    /**
     * Keeps a request's status, and with it the deadline it calls for ({@link Deadline#next}); without its
     * matching decisions, which only the record published in the same step carries.
     */
    void keep(RequestStatus status) {
        books.putRequest(Lifecycle.withoutDecisions(status), Deadline.next(status, settings, this::promiseOf));
    }

    /** Publishes a status without keeping it (a request's first status, kept by what follows in the same step). */
    void announce(RequestStatus status) {
        outbox.status(status);
    }

    /** The offer takes one more request. */
    void assigned(String capability, String offerId) {
        books.putOffer(capability, OfferRecord.assigned(books.offers(capability).get(offerId)));
        dirtyCatalogs.add(capability);
    }

    /**
     * The request's offer gets its unit of capacity back; a withdrawn offer left with no work and
     * no live resource is forgotten.
     */
    void release(RequestStatus status, OfferRecord.Outcome outcome, long leadTimeMs, Instant now) {
        if (Lifecycle.isAssigned(status)) {
            teamLoad(status, 0, 0, -1, 0);
        }
        String capability = status.getCapability();
        OfferState state = books.offers(capability).get(status.getOfferId());
        if (state == null) {
            return;
        }
        OfferState released = OfferRecord.released(state, outcome, leadTimeMs, now, policy.failureHalfLife());
        if (unused(capability, released)) {
            books.deleteOffer(capability, status.getOfferId());
        } else {
            books.putOffer(capability, released);
        }
        dirtyCatalogs.add(capability);
    }

    /** The request's resource now exists (FULFILLED): its team and its offer hold one more live resource. */
    void resourceLive(RequestStatus status) {
        teamLoad(status, 0, 0, 0, 1);
        if (status.getOfferId() != null) {
            String capability = status.getCapability();
            books.putLiveResources(capability, status.getOfferId(), books.liveResources(capability, status.getOfferId()) + 1);
        }
    }

    /**
     * The request's resource is gone (DEPROVISIONED): its team and its offer hold one live resource
     * less, and a withdrawn offer left with no work and no live resource is forgotten.
     */
    void resourceGone(RequestStatus status) {
        teamLoad(status, 0, 0, 0, -1);
        String capability = status.getCapability();
        String offerId = status.getOfferId();
        if (offerId == null) {
            return;
        }
        books.putLiveResources(capability, offerId, Math.max(0, books.liveResources(capability, offerId) - 1));
        OfferState state = books.offers(capability).get(offerId);
        if (state != null && unused(capability, state)) {
            books.deleteOffer(capability, offerId);
            dirtyCatalogs.add(capability);
        }
    }

    /**
     * Whether a withdrawn offer can be forgotten: no work in flight, and no live resource whose
     * updates, expiry and approvals follow its terms (its offerId stays its producer's meanwhile).
     */
    boolean unused(String capability, OfferState state) {
        return state.getWithdrawn() && state.getInFlight() == 0
                && books.liveResources(capability, state.getOffer().getOfferId()) == 0;
    }

    /**
     * Moves what the request's team holds of its capability ({@link TeamLoad}); published with the
     * next {@link #publishChangedUsage}.
     */
    void teamLoad(RequestStatus status, int pendingApproval, int waiting, int inFlight, int live) {
        String capability = status.getCapability();
        String team = status.getConsumerTeam();
        books.putTeamLoad(capability, team, books.teamLoad(capability, team).plus(pendingApproval, waiting, inFlight, live));
        dirtyUsage.add(Map.entry(capability, team));
    }

    /** Marks what every team holds for republishing (after a restart or rebalance). */
    void markAllUsage(List<String> capabilities) {
        for (String capability : capabilities) {
            for (String team : books.teamsOf(capability)) {
                dirtyUsage.add(Map.entry(capability, team));
            }
        }
    }

    /** Publishes what each team whose load changed since holds of the capability. */
    void publishChangedUsage(Instant now) {
        for (Map.Entry<String, String> key : dirtyUsage) {
            TeamLoad load = books.teamLoad(key.getKey(), key.getValue());
            outbox.usage(new TeamUsage(key.getValue(), key.getKey(), load.live(), load.inFlight(), load.waiting(),
                    load.pendingApproval(), now));
        }
        dirtyUsage.clear();
    }

    /** A waiting request goes on its capability's waitlist. */
    void startWaiting(RequestStatus waiting) {
        teamLoad(waiting, 0, 1, 0, 0);
        books.enqueue(WaitTicket.of(waiting));
        count(waiting.getCapability(), 1, 0);
        events.waiting(waiting.getCapability());
    }

    /** A waiting request leaves its capability's waitlist (matched or cancelled). */
    void stopWaiting(RequestStatus status) {
        teamLoad(status, 0, -1, 0, 0);
        books.dequeue(WaitTicket.of(status));
        count(status.getCapability(), -1, 0);
        events.stoppedWaiting(status.getCapability());
    }

    /** A request reached a terminal state. */
    void finish(String capability, RequestState state) {
        count(capability, 0, -1);
        events.finished(capability, state.name());
    }

    /** Adds to the capability's counts; neither goes below zero. */
    void count(String capability, int waitingDelta, int backlogDelta) {
        CapabilityCounters current = books.counts(capability);
        books.putCounts(capability, new CapabilityCounters(Math.max(0, current.getWaiting() + waitingDelta),
                Math.max(0, current.getBacklog() + backlogDelta)));
    }

    /** Records what a team asked of the capability ({@link DemandTally}), kept with its scorecard. */
    void demand(String capability, Consumer<DemandTally> event) {
        books.score(capability, state -> event.accept(state.demand()));
    }

    /** Records an event in the capability's scorecard and, when a producer is named, in the producer's. */
    void score(String capability, String producerId, Consumer<ScoreState> event) {
        books.score(capability, event);
        if (producerId != null) {
            books.score(capability + "/" + producerId, event);
        }
    }

    /** Sends the request's producer an instruction about its current attempt. */
    void instruct(RequestStatus status, AssignmentAction action, Instant acceptBy, Instant now) {
        outbox.assignment(assignment(status, action, acceptBy, promiseOf(status), now));
    }

    /** The lead time the request's offer promises, 0 when the offer is gone. */
    long promiseOf(RequestStatus status) {
        OfferState offer = books.offers(status.getCapability()).get(status.getOfferId());
        return offer == null ? 0 : offer.getOffer().getLeadTimeSloMs();
    }

    /** Records a report that does not apply, without applying it. */
    void notApplied(FulfilmentEvent report, String ignored, String deadLettered, String reason) {
        events.ignored(ignored);
        events.deadLettered(deadLettered);
        outbox.refusedReport(report, reason);
    }

    /** Marks every capability with an offer for republishing (after a restart or rebalance). */
    void markAllCatalogs() {
        dirtyCatalogs.addAll(books.offeredCapabilities());
    }

    /** Marks the capability's catalog entry for republishing. */
    void markCatalog(String capability) {
        dirtyCatalogs.add(capability);
    }

    /** Publishes the catalog entry of every capability whose offers changed since. */
    void publishChangedCatalogs(Instant now) {
        for (String capability : List.copyOf(dirtyCatalogs)) {
            publishCatalog(capability, now);
        }
    }

    /** Publishes the capability's catalog entry now. */
    void publishCatalog(String capability, Instant now) {
        dirtyCatalogs.remove(capability);
        OfferPool pool = pool(capability, now);
        CapabilityView view = catalogEntry(capability, pool, now);
        if (view == null) {
            publishedOwners.remove(capability);
        } else {
            Map<Integer, String> owners = new HashMap<>();
            view.getVersions().forEach(version -> owners.put(version.getVersion(), version.getContractOwner()));
            publishedOwners.put(capability, owners);
        }
        outbox.catalog(capability, view);
    }

    /** The capability's catalog entry as it stands, or null when it lists nothing. */
    CapabilityView catalogEntry(String capability, OfferPool pool, Instant now) {
        return CatalogFolder.fold(capability, List.copyOf(pool.states()), books.contracts(capability),
                version -> books.contractHandedTo(capability, version), pool::isLive, standings.of(capability)::get, now);
    }

    /**
     * Publishes again the catalog entry of every capability where the owner of a version it lists
     * changed since it was published: the admins handed a contract over, which the desk learns of
     * only by reading. A look-up of each listed version's contract and handover, per capability.
     */
    void publishHandedOverCatalogs(Instant now) {
        for (String capability : List.copyOf(publishedOwners.keySet())) {
            boolean changed = publishedOwners.get(capability).entrySet().stream()
                    .anyMatch(shown -> !Objects.equals(shown.getValue(), contractOwner(capability, shown.getKey())));
            if (changed) {
                publishCatalog(capability, now);
            }
        }
    }

    private String contractOwner(String capability, int version) {
        CapabilityContract contract = books.contract(capability, version);
        return contract == null ? null : CapabilityContracts.owner(contract, books.contractHandedTo(capability, version));
    }

    static Assignment assignment(RequestStatus status, AssignmentAction action, Instant acceptBy, long promise, Instant now) {
        // set field by field, not through a builder, which would look the unset default up by hashing its field
        Assignment assignment = new Assignment();
        assignment.setRequestId(status.getRequestId());
        assignment.setAction(action);
        assignment.setOfferId(status.getOfferId());
        assignment.setProducerId(status.getProducerId());
        assignment.setCapability(status.getCapability());
        assignment.setCapabilityVersion(status.getCapabilityVersion());
        assignment.setConsumerTeam(status.getConsumerTeam());
        assignment.setAttempt(status.getAttempt());
        assignment.setParameters(status.getParameters());
        assignment.setAssignedAt(now);
        assignment.setAcceptDeadline(acceptBy);
        assignment.setLeadTimeSloMs(promise);
        assignment.setRevision(status.getRevision());
        assignment.setPreviousParameters(null);
        return assignment;
    }
}
