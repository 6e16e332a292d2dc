package io.capmarket.topology.core;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.config.ConfigParsers;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The desk's due checks ({@link Deadline}), run on the clock by {@link CapabilityDesk#tick}: a
 * missed accept re-matches, a passed promise is flagged, a wait too long fails, an approval not
 * given in time expires, a resource's operation is sent again or given up, its expiry announced
 * or carried out. Each check is a step of its own ({@link DeskSteps}): one that fails is undone
 * and runs again {@link CapabilityDesk#CHECK_RETRY} later, and the others due with it still run.
 */
final class DeskChecks {

    private final TopologySettings settings;
    private final EngineEvents events;
    private final DeskBooks books;
    private final DeskSteps steps;
    private final DeskLedger ledger;
    private final DeskMatching matching;
    private final DeskResources resources;

    DeskChecks(TopologySettings settings, EngineEvents events, DeskBooks books, DeskSteps steps, DeskLedger ledger,
            DeskMatching matching, DeskResources resources) {
        this.settings = settings;
        this.events = events;
        this.books = books;
        this.steps = steps;
        this.ledger = ledger;
        this.matching = matching;
        this.resources = resources;
    }

    /**
     * Runs the checks due by {@code now} (a request has one deadline at a time, the next its status
     * calls for, see {@link Deadline#next}); {@code undone} is told of the capability of a check
     * that failed and was undone.
     */
    void runDue(Instant now, Consumer<String> undone) {
        // a checked request's new status may call for a deadline already due after a long pause: a second round runs it
        for (int round = 0; round < 2; round++) {
            for (Deadline deadline : books.takeDue(now)) {
                try {
                    steps.run(() -> check(deadline, now));
                } catch (RuntimeException e) {
                    // undone whole; the due checks were taken off the queue together: the others still run
                    retryLater(deadline, now, e, undone);
                }
            }
        }
    }

    /**
     * A due check failed and was undone ({@link DeskSteps}): it runs again
     * {@link CapabilityDesk#CHECK_RETRY} from now, and {@code undone} puts what the undone step had
     * taken off the lists of what to publish back on them.
     */
    private void retryLater(Deadline deadline, Instant now, RuntimeException failure, Consumer<String> undone) {
        if (books.deadline(deadline.requestId()) == null) {
            // else an earlier step of the tick gave the request a newer check, which stays
            books.putDeadline(new Deadline(now.plus(CapabilityDesk.CHECK_RETRY), deadline.kind(), deadline.attempt(),
                    deadline.requestId()));
        }
        RequestStatus status = books.request(deadline.requestId());
        if (status != null) {
            undone.accept(status.getCapability());
        }
        events.checkFailed(deadline.requestId(), deadline.kind().name(), failure);
    }

    /**
     * Runs one due check: a missed accept re-matches, a passed promise is flagged, a wait too long
     * fails, an unanswered operation on a resource is sent again or given up. The status kept
     * brings the request's next deadline.
     */
    private void check(Deadline deadline, Instant now) {
        RequestStatus status = books.request(deadline.requestId());
        if (status == null || !deadline.isFor(status)) {
            return;
        }
        if (deadline.kind() == Deadline.Kind.EXPIRY_NOTICE || deadline.kind() == Deadline.Kind.EXPIRE) {
            resources.expiryCheck(status, deadline, now);
            return;
        }
        if (deadline.kind().ofResource()) {
            if (!ResourceLifecycle.operationEntries(status).isEmpty() && !status.getOrphaned()) {
                resources.check(status, deadline, now);
            }
            return;
        }
        if (deadline.kind() == Deadline.Kind.APPROVAL) {
            if (status.getState() == RequestState.PENDING_APPROVAL) {
                ledger.teamLoad(status, -1, 0, 0, 0);
                ledger.save(ApprovalLifecycle.expired(status, now));
                ledger.finish(status.getCapability(), RequestState.FAILED);
                events.approval(status.getCapability(), "expired");
            }
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
                    matching.giveUp(status, RequestState.REJECTED, "not accepted by " + status.getProducerId()
                            + " within " + settings.acceptDeadline().toMillis() + " ms", true, now);
                }
            }
            case SLO -> {
                if (!status.getSloBreached()) {
                    // kept with the next deadline it calls for: the accept deadline, while not accepted
                    ledger.save(Lifecycle.sloBreached(status, "lead-time promise of " + ledger.promiseOf(status) + " ms passed", now));
                    ledger.score(status.getCapability(), status.getProducerId(), s -> s.sloBreached(now));
                    events.sloBreached(status.getCapability(), status.getProducerId());
                }
            }
            default -> throw new IllegalStateException("unhandled deadline " + deadline.kind());
        }
    }

    /** A request waited {@code matching.max-wait} since it began to wait ({@link Waits#waitingSince}): it fails. */
    private void expire(RequestStatus waiting, Instant now) {
        ledger.stopWaiting(waiting);
        if (waiting.getAttempt() == 0) {
            ledger.demand(waiting.getCapability(), d -> d.failedUnmatched(waiting.getCapabilityVersion(), waiting.getConstraints(), now));
        }
        ledger.save(Lifecycle.failed(waiting, "not matched within " + ConfigParsers.describe(settings.maxWait()) + " of "
                + Waits.waitingSinceDescribed(waiting) + "; last: " + waiting.getReason(), now));
        ledger.finish(waiting.getCapability(), RequestState.FAILED);
    }
}
