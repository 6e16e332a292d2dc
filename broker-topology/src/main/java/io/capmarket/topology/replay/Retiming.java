package io.capmarket.topology.replay;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topology.CancelCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The log's commands at the instants the live desk took them, where the recorded statuses say:
 * a record's timestamp is when its writer sent it, a moment before the topology read it, and in
 * a burst that moment decides which offer had room. A submit is taken when its first decision
 * was recorded (the transition after SUBMITTED), a report on provisioning when the transition it
 * caused was (ACCEPTED, IN_PROGRESS, FULFILLED, REJECTED or FAILED of its attempt and offer; the
 * n-th such report, the n-th such transition), a cancellation when the request was CANCELLED.
 * A command is only ever moved later, never before its writer sent it. Every other fact (approval
 * decisions and updates among them) keeps its record's time.
 */
final class Retiming {

    private Retiming() {
    }

    /** {@code facts} with each command the recorded statuses date moved to that time, ordered by time again. */
    static List<Recorded> asProcessed(List<Recorded> facts, Map<String, RequestStatus> recorded) {
        List<Recorded> retimed = new ArrayList<>(facts.size());
        Set<StatusTransition> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean moved = false;
        for (Recorded fact : facts) {
            Instant at = fact instanceof Recorded.Command command ? processedAt(command, recorded, claimed) : null;
            if (at != null && at.isAfter(fact.at())) {
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

    private static Instant processedAt(Recorded.Command command, Map<String, RequestStatus> recorded, Set<StatusTransition> claimed) {
        Object event = command.event();
        Instant sent = command.at();
        if (event instanceof SubmitRequest submit) {
            RequestStatus status = recorded.get(submit.getRequestId());
            List<StatusTransition> history = status == null ? List.of() : status.getHistory();
            return history.size() > 1 && history.get(0).getState() == RequestState.SUBMITTED ? history.get(1).getAt() : null;
        }
        if (event instanceof CancelCommand cancel) {
            return claim(recorded.get(cancel.getRequestId()), RequestState.CANCELLED, -1, null, sent, claimed);
        }
        if (event instanceof FulfilmentEvent report && report.getRevision() == 0) {
            RequestState caused = switch (report.getKind()) {
                case ACCEPTED -> RequestState.ACCEPTED;
                case PROGRESS -> RequestState.IN_PROGRESS;
                case FULFILLED -> RequestState.FULFILLED;
                case REJECTED -> RequestState.REJECTED;
                case FAILED -> RequestState.FAILED;
            };
            return claim(recorded.get(report.getRequestId()), caused, report.getAttempt(), report.getOfferId(), sent, claimed);
        }
        return null;
    }

    /**
     * The first transition to {@code state} (of {@code attempt} and {@code offerId}, when given) at
     * or after {@code sent} that no earlier command claimed, claimed now; null when there is none.
     */
    private static Instant claim(RequestStatus status, RequestState state, int attempt, String offerId, Instant sent,
            Set<StatusTransition> claimed) {
        if (status == null) {
            return null;
        }
        for (StatusTransition transition : status.getHistory()) {
            if (transition.getState() == state && (attempt < 0 || transition.getAttempt() == attempt)
                    && (offerId == null || Objects.equals(offerId, transition.getOfferId()))
                    && !transition.getAt().isBefore(sent) && claimed.add(transition)) {
                return transition.getAt();
            }
        }
        return null;
    }
}
