package io.capmarket.topology.replay;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The figures of a window read off requests' histories, the same way for the recorded statuses
 * and the simulated ones; a history is read up to the window's end only.
 */
final class Outcomes {

    /** States in which a matched request still holds its offer's capacity. */
    private static final Set<RequestState> HOLDING = EnumSet.of(RequestState.MATCHED, RequestState.ACCEPTED,
            RequestState.IN_PROGRESS);
    private static final Set<RequestState> DONE = EnumSet.of(RequestState.FULFILLED, RequestState.UPDATING,
            RequestState.DEPROVISIONING, RequestState.DEPROVISIONED);

    private final Instant from;
    private final Instant to;

    Outcomes(Instant from, Instant to) {
        this.from = from;
        this.to = to;
    }

    /** The transitions of {@code status} before the window's end. */
    List<StatusTransition> history(RequestStatus status) {
        List<StatusTransition> history = new ArrayList<>();
        for (StatusTransition transition : status.getHistory()) {
            if (!transition.getAt().isBefore(to)) {
                break;
            }
            history.add(transition);
        }
        return history;
    }

    /** Whether the request was submitted in the window. */
    boolean inWindow(RequestStatus status) {
        return !status.getSubmittedAt().isBefore(from) && status.getSubmittedAt().isBefore(to);
    }

    /**
     * What matching decided for the request, in order: {@code matched <offer> (attempt n)} and
     * {@code waiting (attempt n)}, a decision repeated by a later transition of the same step counted once.
     */
    List<String> decisions(RequestStatus status) {
        List<String> decisions = new ArrayList<>();
        for (StatusTransition transition : history(status)) {
            String decision = transition.getState() == RequestState.MATCHED
                    ? "matched " + transition.getOfferId() + " (attempt " + transition.getAttempt() + ")"
                    : transition.getState() == RequestState.WAITING ? "waiting (attempt " + transition.getAttempt() + ")" : null;
            if (decision != null && (decisions.isEmpty() || !decisions.get(decisions.size() - 1).equals(decision))) {
                decisions.add(decision);
            }
        }
        return decisions;
    }

    /** Matches per offer: each attempt matched to it counts one. */
    Map<String, Integer> matches(Collection<RequestStatus> statuses) {
        Map<String, Integer> matches = new HashMap<>();
        for (RequestStatus status : statuses) {
            int attempt = -1;
            for (StatusTransition transition : history(status)) {
                if (transition.getState() == RequestState.MATCHED && transition.getAttempt() != attempt) {
                    attempt = transition.getAttempt();
                    matches.merge(transition.getOfferId(), 1, Integer::sum);
                }
            }
        }
        return matches;
    }

    /**
     * Milliseconds of capacity each offer's work held in the window, from a match to what ended the
     * attempt: of every request given, a request submitted before the window included.
     */
    Map<String, Long> busy(Collection<RequestStatus> statuses) {
        Map<String, Long> busy = new HashMap<>();
        for (RequestStatus status : statuses) {
            String offer = null;
            Instant since = null;
            for (StatusTransition transition : history(status)) {
                boolean holds = HOLDING.contains(transition.getState()) && transition.getOfferId() != null;
                if (offer != null && (!holds || !transition.getOfferId().equals(offer))) {
                    hold(busy, offer, since, transition.getAt());
                    offer = null;
                }
                if (holds && offer == null) {
                    offer = transition.getOfferId();
                    since = transition.getAt();
                }
            }
            if (offer != null) {
                hold(busy, offer, since, to);
            }
        }
        return busy;
    }

    /** Adds the part of [{@code since}, {@code until}) in the window. */
    private void hold(Map<String, Long> busy, String offer, Instant since, Instant until) {
        Instant start = since.isBefore(from) ? from : since;
        if (until.isAfter(start)) {
            busy.merge(offer, Duration.between(start, until).toMillis(), Long::sum);
        }
    }

    /**
     * One side's figures over {@code statuses}, with {@code capacities} the capacity of each offer
     * in scope and {@code busy} what its work held ({@link #busy}), for the utilisation.
     */
    ReplayReport.Side side(Collection<RequestStatus> statuses, Map<String, Integer> capacities, Map<String, Long> busy) {
        int requests = 0;
        int fulfilled = 0;
        int failed = 0;
        int open = 0;
        int reassignments = 0;
        List<Duration> leadTimes = new ArrayList<>();
        List<Duration> waits = new ArrayList<>();
        for (RequestStatus status : statuses) {
            requests++;
            List<StatusTransition> history = history(status);
            Instant firstMatch = null;
            Instant done = null;
            int matched = 0;
            int attempt = -1;
            for (StatusTransition transition : history) {
                if (transition.getState() == RequestState.MATCHED && transition.getAttempt() != attempt) {
                    attempt = transition.getAttempt();
                    matched++;
                    firstMatch = firstMatch == null ? transition.getAt() : firstMatch;
                }
                if (transition.getState() == RequestState.FULFILLED && done == null) {
                    done = transition.getAt();
                }
            }
            reassignments += Math.max(0, matched - 1);
            RequestState last = history.isEmpty() ? RequestState.SUBMITTED : history.get(history.size() - 1).getState();
            Instant ended = history.isEmpty() ? to : history.get(history.size() - 1).getAt();
            if (done != null || DONE.contains(last)) {
                fulfilled++;
                if (done != null) {
                    leadTimes.add(Duration.between(status.getSubmittedAt(), done));
                }
            } else if (last == RequestState.FAILED || last == RequestState.REJECTED) {
                failed++;
            } else if (last != RequestState.CANCELLED) {
                open++;
                ended = to;
            }
            waits.add(Duration.between(status.getSubmittedAt(), firstMatch != null ? firstMatch : ended));
        }
        long capacity = capacities.values().stream().mapToLong(Integer::longValue).sum();
        long held = busy.entrySet().stream().filter(e -> capacities.containsKey(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        return new ReplayReport.Side(requests, fulfilled, failed, open, percentile(leadTimes, 50), percentile(leadTimes, 95),
                percentile(waits, 50), percentile(waits, 95), reassignments, utilisation(held, capacity));
    }

    /** The share of {@code capacity} offers over the window that {@code heldMillis} of work held. */
    double utilisation(long heldMillis, long capacity) {
        long window = Duration.between(from, to).toMillis();
        return capacity <= 0 ? 0 : (double) heldMillis / ((double) capacity * window);
    }

    /** The nearest-rank percentile; empty for no values. */
    static Optional<Duration> percentile(List<Duration> values, int percent) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        List<Duration> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return Optional.of(sorted.get(Math.max(0, rank - 1)));
    }
}
