package io.capmarket.topology.replay;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How long producers took, read off the recorded histories: for each producer on each capability
 * (and for each capability, every producer together) the median time from a match to its
 * acceptance, the median time from acceptance to fulfilment, and the share of accepted work that
 * failed for good (a failure after which the request was matched again is not counted). A replay
 * answers the work it moves with these ({@link ModelProducers}).
 */
final class WorkModel {

    /** Samples kept per producer or capability at most: the median is that of the first ones. */
    static final int MAX_SAMPLES = 100_000;

    /**
     * How a producer works.
     *
     * @param acceptAfter from a match to the acceptance
     * @param workFor from the acceptance to the end of the work
     * @param failShare of work ended, the share that failed
     * @param source where the figures come from, in words
     */
    record Work(Duration acceptAfter, Duration workFor, double failShare, String source) {
    }

    private static final class Samples {
        final List<Duration> accepts = new ArrayList<>();
        final List<Duration> works = new ArrayList<>();
        int fulfilled;
        int failed;

        Optional<Work> work(String source) {
            if (accepts.isEmpty() || works.isEmpty()) {
                return Optional.empty();
            }
            int ended = fulfilled + failed;
            return Optional.of(new Work(Outcomes.percentile(accepts, 50).orElseThrow(), Outcomes.percentile(works, 50).orElseThrow(),
                    ended == 0 ? 0 : (double) failed / ended, source + ": accepts in " + ReplayText.duration(
                            Outcomes.percentile(accepts, 50).orElseThrow()) + " (median of " + accepts.size() + "), works "
                            + ReplayText.duration(Outcomes.percentile(works, 50).orElseThrow()) + " (median of " + works.size()
                            + "), fails " + ReplayText.percent(ended == 0 ? 0 : (double) failed / ended) + " for good"));
        }

        void add(List<Duration> to, Duration value) {
            if (to.size() < MAX_SAMPLES) {
                to.add(value);
            }
        }
    }

    private final Map<String, Samples> byProducer = new TreeMap<>();
    private final Map<String, Samples> byCapability = new TreeMap<>();

    private WorkModel() {
    }

    /** The model of the recorded {@code statuses}, whose offers' producers {@code producerOfOffer} names. */
    static WorkModel of(Collection<RequestStatus> statuses, Map<String, String> producerOfOffer) {
        WorkModel model = new WorkModel();
        for (RequestStatus status : statuses) {
            StatusTransition matched = null;
            StatusTransition accepted = null;
            for (StatusTransition transition : status.getHistory()) {
                if (transition.getState() == RequestState.MATCHED && (matched == null || matched.getAttempt() != transition.getAttempt())) {
                    matched = transition;
                    accepted = null;
                    continue;
                }
                if (matched == null || transition.getAttempt() != matched.getAttempt()) {
                    continue;
                }
                String producer = producerOfOffer.get(matched.getOfferId());
                if (producer == null) {
                    continue;
                }
                List<Samples> of = List.of(model.byProducer.computeIfAbsent(producer + "/" + status.getCapability(),
                                p -> new Samples()),
                        model.byCapability.computeIfAbsent(status.getCapability(), c -> new Samples()));
                if (transition.getState() == RequestState.ACCEPTED && accepted == null) {
                    accepted = transition;
                    Duration accept = Duration.between(matched.getAt(), transition.getAt());
                    of.forEach(s -> s.add(s.accepts, accept));
                } else if (transition.getState() == RequestState.FULFILLED && accepted != null) {
                    Duration work = Duration.between(accepted.getAt(), transition.getAt());
                    of.forEach(s -> {
                        s.add(s.works, work);
                        s.fulfilled++;
                    });
                    matched = null;
                } else if (transition.getState() == RequestState.FAILED && accepted != null) {
                    if (!matchedAgain(status.getHistory(), transition.getAttempt())) {
                        of.forEach(s -> s.failed++);
                    }
                    matched = null;
                }
            }
        }
        return model;
    }

    /** Whether the request was matched again after {@code attempt}: its failure was not for good. */
    private static boolean matchedAgain(List<StatusTransition> history, int attempt) {
        return history.stream().anyMatch(t -> t.getState() == RequestState.MATCHED && t.getAttempt() > attempt);
    }

    /**
     * How {@code producerId} works on {@code capability}: its own record; else its capability's;
     * else accepted at once and done in half the offer's lead-time promise, never failing.
     */
    Work work(String producerId, String capability, long leadTimeSloMs) {
        Samples own = byProducer.get(producerId + "/" + capability);
        Optional<Work> work = own == null ? Optional.empty() : own.work("producer " + producerId + " on " + capability);
        if (work.isEmpty()) {
            Samples all = byCapability.get(capability);
            work = all == null ? Optional.empty() : all.work("producer " + producerId + " on " + capability
                    + " (no record of its own; the capability's)");
        }
        return work.orElseGet(() -> new Work(Duration.ofSeconds(1), Duration.ofMillis(Math.max(1, leadTimeSloMs / 2)), 0,
                "producer " + producerId + " on " + capability + " (no record of its own or the capability's): accepts "
                        + "in 1s, works half its "
                        + "lead-time promise, " + ReplayText.duration(Duration.ofMillis(Math.max(1, leadTimeSloMs / 2)))
                        + ", never fails"));
    }
}
