package io.capmarket.topology.replay;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topology.CancelCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The log's commands at the instants the live desk took them, where the recorded statuses say:
 * a record's timestamp is when its writer sent it, a moment before the topology read it, and in
 * a burst that moment decides which offer had room. A submit is taken when its first decision
 * was recorded (the transition after SUBMITTED), a report on provisioning when the transition it
 * caused was (ACCEPTED, IN_PROGRESS, FULFILLED, REJECTED or FAILED of its attempt and offer), a
 * cancellation when the request was CANCELLED. Every other fact keeps its record's time.
 */
final class Retiming {

    private Retiming() {
    }

    /** {@code facts} with each command the recorded statuses date moved to that time, ordered by time again. */
    static List<Recorded> asProcessed(List<Recorded> facts, Map<String, RequestStatus> recorded) {
        List<Recorded> retimed = new ArrayList<>(facts.size());
        boolean moved = false;
        for (Recorded fact : facts) {
            Instant at = fact instanceof Recorded.Command command ? processedAt(command, recorded) : null;
            if (at != null && !at.equals(fact.at())) {
                Recorded.Command command = (Recorded.Command) fact;
                retimed.add(new Recorded.Command(at, command.capability(), command.event()));
                moved = true;
            } else {
                retimed.add(fact);
            }
        }
        if (moved) {
            retimed.sort(Comparator.comparing(Recorded::at)); // stable: ties keep the log's order
        }
        return retimed;
    }

    private static Instant processedAt(Recorded.Command command, Map<String, RequestStatus> recorded) {
        Object event = command.event();
        if (event instanceof SubmitRequest submit) {
            RequestStatus status = recorded.get(submit.getRequestId());
            List<StatusTransition> history = status == null ? List.of() : status.getHistory();
            return history.size() > 1 && history.get(0).getState() == RequestState.SUBMITTED ? history.get(1).getAt() : null;
        }
        if (event instanceof CancelCommand cancel) {
            return first(recorded.get(cancel.getRequestId()), RequestState.CANCELLED, -1, null);
        }
        if (event instanceof FulfilmentEvent report && report.getRevision() == 0) {
            RequestState caused = switch (report.getKind()) {
                case ACCEPTED -> RequestState.ACCEPTED;
                case PROGRESS -> RequestState.IN_PROGRESS;
                case FULFILLED -> RequestState.FULFILLED;
                case REJECTED -> RequestState.REJECTED;
                case FAILED -> RequestState.FAILED;
            };
            return first(recorded.get(report.getRequestId()), caused, report.getAttempt(), report.getOfferId());
        }
        return null;
    }

    /** The first transition to {@code state} (of {@code attempt} and {@code offerId}, when given), or null. */
    private static Instant first(RequestStatus status, RequestState state, int attempt, String offerId) {
        if (status == null) {
            return null;
        }
        for (StatusTransition transition : status.getHistory()) {
            if (transition.getState() == state && (attempt < 0 || transition.getAttempt() == attempt)
                    && (offerId == null || Objects.equals(offerId, transition.getOfferId()))) {
                return transition.getAt();
            }
        }
        return null;
    }
}
