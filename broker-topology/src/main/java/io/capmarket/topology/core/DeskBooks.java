package io.capmarket.topology.core;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.score.ScoreState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the {@link CapabilityDesk} keeps between events, for the capabilities of one task: the
 * port its plumbing implements over state stores, and its tests over maps. The desk is the only
 * writer of everything here except liveness, producer approvals, approval policies, contract handovers and
 * quotas, which it only reads.
 */
public interface DeskBooks {

    /** The capability's offers by offerId, withdrawn ones included (they may still hold work); not to be modified. */
    Map<String, OfferState> offers(String capability);

    /** Stores an offer's state under its capability and offerId. */
    void putOffer(String capability, OfferState state);

    /**
     * Forgets an offer, but not the producer it belonged to ({@link #formerOwner}): an offerId stays
     * its first producer's in its capability, withdrawn and forgotten or not.
     */
    void deleteOffer(String capability, String offerId);

    /**
     * The producer of an offer of the capability forgotten by {@link #deleteOffer}, or null when none
     * of that offerId was.
     */
    String formerOwner(String capability, String offerId);

    /** Every capability with an offer stored. */
    List<String> offeredCapabilities();

    /** A capability version's contract, or null when it has none yet. */
    CapabilityContract contract(String capability, int version);

    /** Stores a capability version's contract. */
    void putContract(CapabilityContract contract);

    /** The capability's contracts by version. */
    Map<Integer, CapabilityContract> contracts(String capability);

    /** A request's current status, or null when the request is unknown. */
    RequestStatus request(String requestId);

    /**
     * Stores a request's status and the deadline it calls for ({@link Deadline#next}; null: none),
     * which replaces the one it had.
     */
    void putRequest(RequestStatus status, Deadline next);

    /** Puts a request on its capability's waitlist. */
    void enqueue(WaitTicket ticket);

    /** Takes a request off its capability's waitlist; nothing happens when it is not on it. */
    void dequeue(WaitTicket ticket);

    /**
     * Tickets of the capability's waitlist in the order it is served, at most {@code limit}: from
     * its head, or after {@code after} when it is not null.
     */
    List<WaitTicket> queue(String capability, WaitTicket after, int limit);

    /**
     * Kept requests in the order of their ids, at most {@code limit}: from the first, or after
     * {@code afterId} when it is not null.
     */
    List<RequestStatus> requestsAfter(String afterId, int limit);

    /** Forgets a request: its status and its deadline. */
    void deleteRequest(String requestId);

    /** Takes every deadline due at or before {@code now} out of the books, earliest first. */
    List<Deadline> takeDue(Instant now);

    /** The request's next check, or null when it waits for none. */
    Deadline deadline(String requestId);

    /** Puts a request's next check back, replacing the one it holds: a failed check to run again. */
    void putDeadline(Deadline deadline);

    /** The capability's waiting and backlog counts; zero for a capability never counted. */
    CapabilityCounters counts(String capability);

    /** Stores the capability's counts. */
    void putCounts(String capability, CapabilityCounters counts);

    /** Every capability ever counted. */
    List<String> countedCapabilities();

    /**
     * How many live resources (FULFILLED, UPDATING or DEPROVISIONING requests) the offer holds:
     * while it holds any, its record is kept, withdrawn or not, since their updates, expiry and
     * approvals follow its terms.
     */
    int liveResources(String capability, String offerId);

    /** Keeps how many live resources the offer holds. */
    void putLiveResources(String capability, String offerId, int count);

    /** What the team holds of the capability; {@link TeamLoad#NONE} when nothing. */
    TeamLoad teamLoad(String capability, String team);

    /** Stores what the team holds of the capability. */
    void putTeamLoad(String capability, String team, TeamLoad load);

    /** Every team holding, or having held since the task started, something of the capability. */
    List<String> teamsOf(String capability);

    /** The platform admins' quota of the team on the capability, or null when they set none. */
    TeamQuota quota(String capability, String team);

    /** Applies an event to the scorecard state kept under {@code key} (a capability, or a capability's producer). */
    void score(String key, Consumer<ScoreState> event);

    /** The scorecard state kept under {@code key}, never null. */
    ScoreState scoreOf(String key);

    /** The scorecard states kept under keys starting with {@code prefix}, by the rest of the key. */
    Map<String, ScoreState> scoresUnder(String prefix);

    /** The producer's last sign of life, or null when it never sent a heartbeat. */
    ProducerLiveness liveness(String producerId);

    /** The producer's approval, or null when it has none (never approved, or revoked). */
    ProducerApproval approval(String producerId);

    /** The platform admins' approval policy of a capability version, or null when they set none. */
    ApprovalPolicy approvalPolicy(String capability, int version);

    /** The producer the platform admins handed a capability version's contract to, or null when they named none. */
    String contractHandedTo(String capability, int version);

    /**
     * The 95th percentile of an offer's observed lead times ({@link OfferRecord#leadTimeP95}),
     * which books may keep while the state's lead times are the same.
     */
    default Long leadTimeP95(OfferState state) {
        return OfferRecord.leadTimeP95(state);
    }
}
