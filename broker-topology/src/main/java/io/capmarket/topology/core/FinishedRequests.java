package io.capmarket.topology.core;

import io.capmarket.schemas.RequestStatus;
import io.capmarket.topology.EngineEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Finished requests (DEPROVISIONED, FAILED, CANCELLED) leave the books {@link Day2Policy#retainFinished}
 * after their last change, and their status with them (a tombstone on the status topic), so that
 * what a task keeps is bounded by its live requests and the finished ones of the retention period.
 * The desk sweeps its kept requests in id order, a batch of {@value #SWEEP_BATCH} from where the
 * last sweep stopped; while a batch deletes some and the end is not reached, the sweep goes on with
 * the next, up to {@value #MAX_BATCHES} batches. A task keeping n requests so examines each at least
 * once every n / {@value #SWEEP_BATCH} sweeps, deletes up to {@value #MAX_BATCHES} times as many a
 * sweep while many expire (a backlog after the retention was lowered, or a high rate of finished
 * requests), and no sweep writes more than {@value #SWEEP_BATCH} × {@value #MAX_BATCHES} tombstones.
 * A zero retention keeps finished requests for good: a sweep then does nothing. A finished
 * request holds no load, count, deadline or waitlist place, so deleting it changes nothing else.
 * Once deleted, its id is unknown again: a later submit with it is a new request, and a late
 * report on it is refused as one on an unknown request.
 */
final class FinishedRequests {

    /** Kept requests a batch examines. */
    static final int SWEEP_BATCH = 1_000;
    /** Batches a sweep examines at most. */
    static final int MAX_BATCHES = 10;

    private final Duration retain;
    private final EngineEvents events;
    private final DeskBooks books;
    private final DeskOutbox outbox;
    /** The last request id the previous sweep examined, or null to start from the first. */
    private String sweptTo;

    FinishedRequests(Duration retain, EngineEvents events, DeskBooks books, DeskOutbox outbox) {
        this.retain = retain;
        this.events = events;
        this.books = books;
        this.outbox = outbox;
    }

    /**
     * Whether {@code status} is finished and was last changed {@code retain} or longer before
     * {@code now}; never with a zero {@code retain} (kept for good).
     */
    static boolean expired(RequestStatus status, Duration retain, Instant now) {
        // compared as an age, which cannot overflow however long the retention
        return !retain.isZero() && Lifecycle.isTerminal(status) && Duration.between(status.getUpdatedAt(), now).compareTo(retain) >= 0;
    }

    /** Examines the next batches of kept requests and deletes the expired ones; returns how many it deleted. */
    int sweep(Instant now) {
        if (retain.isZero()) {
            return 0;
        }
        int deleted = 0;
        for (int round = 0; round < MAX_BATCHES; round++) {
            List<RequestStatus> batch = books.requestsAfter(sweptTo, SWEEP_BATCH);
            if (batch.isEmpty() && sweptTo != null) {
                // the last batch ended the store exactly: start again from the first
                sweptTo = null;
                batch = books.requestsAfter(null, SWEEP_BATCH);
            }
            int before = deleted;
            for (RequestStatus status : batch) {
                if (expired(status, retain, now)) {
                    books.deleteRequest(status.getRequestId());
                    outbox.deleted(status.getRequestId());
                    events.purged(status.getCapability());
                    deleted++;
                }
            }
            sweptTo = batch.size() < SWEEP_BATCH ? null : batch.get(batch.size() - 1).getRequestId();
            if (sweptTo == null || deleted == before) {
                break;
            }
        }
        return deleted;
    }
}
