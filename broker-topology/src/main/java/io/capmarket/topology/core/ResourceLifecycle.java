package io.capmarket.topology.core;

import io.capmarket.schemas.ParameterChanges;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.UpdateRequest;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The life of a request's resource after FULFILLED: an update to new parameters, a deprovision,
 * and the follow-up of both. Each operation counts one more revision, which its assignment and
 * the producer's reports carry, so that a late report on an earlier operation is never taken
 * for the current one. Pure, like {@link Lifecycle}: every method returns a new status.
 *
 * <pre>
 * FULFILLED -> UPDATING -> FULFILLED (done: the new parameters and outputs; failed or given up:
 *                                     the parameters it had, the failure in the history)
 * FULFILLED or UPDATING -> DEPROVISIONING -> DEPROVISIONED
 *                               \-> orphaned (failed for good, or unanswered past its deadline; still
 *                                   DEPROVISIONING, so that a late report of success ends it, and
 *                                   asked again by a cancel: a deprovision of its own)
 * </pre>
 */
public final class ResourceLifecycle {

    /** How the desk's note on an update it refused begins ({@link #refusalNote}). */
    private static final String UPDATE_REFUSED = "update asked by ";
    /** How the desk's note on a moved expiry begins ({@link #expiryMoved}). */
    private static final String EXPIRY_MOVED = "expiry moved to ";

    private ResourceLifecycle() {
    }

    /**
     * Why an update cannot be applied to the request as it stands, or empty when it can: the
     * request is not FULFILLED, its parameters are no longer those the update was made from, the
     * update's parameters are not a JSON object, or it changes a parameter the offer does not
     * declare updatable.
     *
     * @param updatable the top-level parameters the request's offer declares updatable
     */
    public static Optional<String> updateRefusal(RequestStatus status, UpdateRequest update, Collection<String> updatable) {
        if (status.getState() != RequestState.FULFILLED) {
            return Optional.of("request " + status.getRequestId() + " is " + status.getState()
                    + "; only a FULFILLED request is updated");
        }
        if (!ParameterChanges.sameJson(update.getBaseParameters(), status.getParameters())) {
            return Optional.of("the request's parameters changed since the update was made from them; make it again from "
                    + "the current ones");
        }
        List<String> changed;
        try {
            changed = ParameterChanges.between(status.getParameters(), update.getParameters());
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        List<String> fixed = changed.stream().filter(name -> !updatable.contains(name)).toList();
        if (!fixed.isEmpty()) {
            return Optional.of("parameters " + fixed + " cannot be updated in place"
                    + (updatable.isEmpty() ? ": offer " + status.getOfferId() + " declares no updatable parameters"
                            : "; offer " + status.getOfferId() + " declares only " + new TreeSet<>(updatable) + " updatable"));
        }
        return Optional.empty();
    }

    /** The note in the history on an update asked by {@code by} and refused, saying why. */
    public static String refusalNote(String by, String refusal) {
        return UPDATE_REFUSED + by + " refused: " + refusal;
    }

    /** The update goes to the producer holding the resource: a new revision, the asked parameters pending. */
    public static RequestStatus updating(RequestStatus status, UpdateRequest update, Instant now) {
        int revision = status.getRevision() + 1;
        RequestStatus updating = started(status, RequestState.UPDATING, "update " + revision + " asked by "
                + update.getRequestedBy().getName() + " (" + String.join(", ",
                        ParameterChanges.between(status.getParameters(), update.getParameters())) + ")", now);
        updating.setRevision(revision);
        updating.setPendingParameters(update.getParameters());
        updating.setReason(null);
        if (status.getSubmittedParameters() == null
                && status.getHistory().stream().noneMatch(entry -> entry.getState() == RequestState.UPDATING)) {
            updating.setSubmittedParameters(status.getParameters()); // its first update: the parameters are still the submitted ones
        }
        return updating;
    }

    /** The producer reported the update done: FULFILLED with the new parameters, and its outputs when it reported any. */
    public static RequestStatus updated(RequestStatus status, Map<String, String> outputs, String message, Instant now) {
        RequestStatus updated = Lifecycle.next(status, RequestState.FULFILLED, now, status.getAttempt(), status.getOfferId(),
                message == null ? "update " + status.getRevision() + " done" : message);
        updated.setParameters(status.getPendingParameters());
        updated.setPendingParameters(null);
        if (!outputs.isEmpty()) {
            updated.setOutputs(outputs);
        }
        updated.setReason(null);
        return updated;
    }

    /** The update failed or was given up: FULFILLED again, with the parameters the resource had, and why. */
    public static RequestStatus updateFailed(RequestStatus status, String detail, Instant now) {
        String reason = "update " + status.getRevision() + " failed: " + detail;
        RequestStatus failed = Lifecycle.next(status, RequestState.FULFILLED, now, status.getAttempt(), status.getOfferId(), reason);
        failed.setPendingParameters(null);
        failed.setReason(reason);
        return failed;
    }

    /**
     * The consumer gave the resource back: the producer holding it deprovisions it (an update going
     * on is abandoned). From an orphaned deprovision, a deprovision of its own: a new revision, no
     * longer an orphan, its deadlines counted from now ({@link #operationEntries}).
     */
    public static RequestStatus deprovisioning(RequestStatus status, String detail, Instant now) {
        int revision = status.getRevision() + 1;
        String abandoned = status.getState() == RequestState.UPDATING ? "; update " + status.getRevision() + " abandoned" : "";
        RequestStatus deprovisioning = started(status, RequestState.DEPROVISIONING, detail + abandoned, now);
        deprovisioning.setRevision(revision);
        deprovisioning.setPendingParameters(null);
        deprovisioning.setOrphaned(false);
        deprovisioning.setReason(detail);
        return deprovisioning;
    }

    /** The producer reported the resource gone: the request ends. */
    public static RequestStatus deprovisioned(RequestStatus status, String message, Instant now) {
        RequestStatus gone = Lifecycle.next(status, RequestState.DEPROVISIONED, now, status.getAttempt(), status.getOfferId(),
                message == null ? "deprovisioned by " + status.getProducerId() : message);
        gone.setOrphaned(false);
        gone.setReason(null);
        return gone;
    }

    /**
     * The deprovision cannot be completed by the marketplace: its producer failed it for good, or
     * did not answer in time. The request stays DEPROVISIONING, flagged for an operator, until a
     * late success ends it or a cancel asks for a deprovision again ({@link #deprovisioning}).
     */
    public static RequestStatus orphaned(RequestStatus status, String detail, Instant now) {
        String reason = "orphaned: " + detail;
        RequestStatus orphaned = noted(status, reason, now);
        orphaned.setOrphaned(true);
        orphaned.setReason(reason);
        return orphaned;
    }

    /**
     * A request just FULFILLED, with the expiry its ttl (or else its offer's {@code maxTtlMs}) gives
     * it: never past the offer's bound, which it may have lowered since the match; none when
     * neither is set.
     *
     * @param maxTtlMs the offer's bound, or null for none
     */
    public static RequestStatus expiring(RequestStatus fulfilled, Long maxTtlMs, Instant now) {
        Long asked = fulfilled.getTtlMs();
        if (asked == null && maxTtlMs == null) {
            return fulfilled;
        }
        long ttl = asked == null ? maxTtlMs : maxTtlMs == null ? asked : Math.min(asked, maxTtlMs);
        RequestStatus expiring = Lifecycle.copyOf(fulfilled);
        expiring.setExpiresAt(now.plusMillis(ttl));
        expiring.setExpiryAnnounced(false);
        return expiring;
    }

    /**
     * Why a resource's expiry cannot move to {@code expiresAt}, or empty when it can: the request
     * is not FULFILLED or UPDATING, the instant is not in the future, or it is past the offer's
     * {@code maxTtlMs} from the fulfilment.
     *
     * @param maxTtlMs the offer's bound, or null for none
     */
    public static Optional<String> expiryRefusal(RequestStatus status, Instant expiresAt, Long maxTtlMs, Instant now) {
        if (status.getState() != RequestState.FULFILLED && status.getState() != RequestState.UPDATING) {
            return Optional.of("request " + status.getRequestId() + " is " + status.getState()
                    + "; only a FULFILLED or UPDATING resource's expiry moves");
        }
        if (!expiresAt.isAfter(now)) {
            return Optional.of("expiresAt " + expiresAt + " is not in the future");
        }
        Instant fulfilledAt = fulfilledAt(status);
        if (maxTtlMs != null && fulfilledAt != null && expiresAt.isAfter(fulfilledAt.plusMillis(maxTtlMs))) {
            return Optional.of("expiresAt " + expiresAt + " is past what offer " + status.getOfferId() + " allows: its resources "
                    + "live " + maxTtlMs + " ms at most, so this one until " + fulfilledAt.plusMillis(maxTtlMs));
        }
        return Optional.empty();
    }

    /** The resource's expiry moved to {@code expiresAt} by {@code by}; it is announced again before it comes. */
    public static RequestStatus expiryMoved(RequestStatus status, Instant expiresAt, String by, Instant now) {
        RequestStatus moved = noted(status, EXPIRY_MOVED + expiresAt + " by " + by, now);
        moved.setExpiresAt(expiresAt);
        moved.setExpiryAnnounced(false);
        return moved;
    }

    /** The coming expiry, announced in the history. */
    public static RequestStatus expiryAnnounced(RequestStatus status, Instant now) {
        RequestStatus announced = noted(status, "expires at " + status.getExpiresAt()
                + ": deprovisioned then, unless its expiry is moved (PATCH expiresAt)", now);
        announced.setExpiryAnnounced(true);
        return announced;
    }

    /** When the request was first FULFILLED, or null when the history no longer says. */
    static Instant fulfilledAt(RequestStatus status) {
        for (StatusTransition transition : status.getHistory()) {
            if (transition.getState() == RequestState.FULFILLED) {
                return transition.getAt();
            }
        }
        return null;
    }

    /**
     * A note in the history that leaves the state as it is: an answer of the producer during an
     * operation, an assignment sent again, an update refused. Past {@link Lifecycle#MAX_HISTORY}
     * entries, a note that would follow a note replaces it: the entry that began the state or the
     * operation going on (which its deadlines are counted from) stays, and the history stops growing.
     * There, a note on what the request's team asked meanwhile (an update refused, an expiry moved)
     * is left out rather than take the place of a send or an answer, which the next send is timed by.
     */
    public static RequestStatus noted(RequestStatus status, String detail, Instant now) {
        List<StatusTransition> history = status.getHistory();
        int size = history.size();
        if (size >= Lifecycle.MAX_HISTORY && history.get(size - 1).getState() == status.getState()
                && history.get(size - 2).getState() == status.getState() && operationStart(status) != size - 1) {
            if (askedMeanwhile(detail) && !askedMeanwhile(history.get(size - 1).getDetail())) {
                return status;
            }
            return Lifecycle.replacingLast(status, status.getState(), detail, now);
        }
        return Lifecycle.next(status, status.getState(), now, status.getAttempt(), status.getOfferId(), detail);
    }

    /**
     * The history entries of the operation going on (UPDATING or DEPROVISIONING): its start, each
     * answer and each send since, oldest first; empty when none goes on. The start of a deprovision
     * asked again of an orphan begins them: the orphaned deprovision's entries are not its own.
     */
    public static List<StatusTransition> operationEntries(RequestStatus status) {
        List<StatusTransition> history = status.getHistory();
        return history.subList(operationStart(status), history.size());
    }

    /**
     * The entries of the operation going on that its sends are scheduled by ({@link Deadline#next}):
     * its start, each send and each answer of its producer, oldest first; not the desk's notes on
     * what the request's team asked meanwhile (an update refused, an expiry moved), so that asking
     * again and again does not put off the next send. A producer whose answer reads like such a note
     * only has the operation sent to it sooner.
     */
    public static List<StatusTransition> exchanges(RequestStatus status) {
        List<StatusTransition> operation = operationEntries(status);
        return IntStream.range(0, operation.size()).filter(i -> i == 0 || !askedMeanwhile(operation.get(i))).mapToObj(operation::get)
                .toList();
    }

    private static boolean askedMeanwhile(StatusTransition entry) {
        return askedMeanwhile(entry.getDetail());
    }

    private static boolean askedMeanwhile(String detail) {
        return detail != null && (detail.startsWith(UPDATE_REFUSED) || detail.startsWith(EXPIRY_MOVED));
    }

    /**
     * Where in the history the operation going on began, the history's size when none goes on: its
     * start, the last entry of its state that names no offer ({@link #started}); or the first entry of
     * its state, for a status kept before starts named none.
     */
    private static int operationStart(RequestStatus status) {
        RequestState state = status.getState();
        List<StatusTransition> history = status.getHistory();
        if (state != RequestState.UPDATING && state != RequestState.DEPROVISIONING) {
            return history.size();
        }
        int first = history.size();
        while (first > 0 && history.get(first - 1).getState() == state) {
            first--;
            if (history.get(first).getOfferId() == null) {
                break;
            }
        }
        return first;
    }

    /**
     * The entry that starts an operation on the resource. It names no offer: it records what the
     * request's team asked (or its expiry), as a submission does, not a step of the producer, whose
     * sends and answers name the offer; so no answer passes for a start, and a deprovision asked
     * again of an orphan, in the same state, begins at its own.
     */
    private static RequestStatus started(RequestStatus status, RequestState state, String detail, Instant now) {
        return Lifecycle.next(status, state, now, status.getAttempt(), null, detail);
    }
}
