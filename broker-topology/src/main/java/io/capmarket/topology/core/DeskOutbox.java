package io.capmarket.topology.core;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamUsage;

/**
 * Where the {@link CapabilityDesk} puts what it decided, for its plumbing to write out. A request
 * may get several statuses in one step; each holds the full history, so only the last of a step
 * needs to be written.
 */
public interface DeskOutbox {

    /** A request's new status. */
    void status(RequestStatus status);

    /** A request deleted from the books: its status is deleted too (a tombstone). */
    void deleted(String requestId);

    /** An instruction for the producer the assignment names. */
    void assignment(Assignment assignment);

    /** A capability's catalog entry; null removes the entry. */
    void catalog(String capability, CapabilityView view);

    /** A capability's scorecard. */
    void scorecard(CapabilityScore score);

    /** What a team holds of a capability now. */
    void usage(TeamUsage usage);

    /** A fulfilment report recorded but not applied, with why, for the dead-letter topic. */
    void refusedReport(FulfilmentEvent report, String reason);

    /**
     * An offer change refused, with why, for the dead-letter topic.
     *
     * @param offer the offer, or null for a refused withdrawal
     * @param producerId the producer whose offers topic the change came from
     */
    void refusedOffer(String offerId, CapabilityOffer offer, String producerId, String reason);
}
