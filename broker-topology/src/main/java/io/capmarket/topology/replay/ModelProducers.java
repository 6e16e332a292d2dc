package io.capmarket.topology.replay;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Producers as a replay takes them: work matched where and when it was recorded is answered by
 * the recorded reports, which are facts of the log; any other work, by the {@link WorkModel} of
 * how that producer works (its recorded reports, if any, are then left out), the failures among
 * it picked by a hash of the requestId, so that every run picks the same.
 *
 * <p>A match is as recorded when the request, attempt and offer are the recorded ones, it was
 * made within one check interval of the recorded match (a re-match after a missed deadline waits
 * for the desk's clock, whose phase the log does not hold), and before the producer's first answer
 * to it was recorded.
 */
final class ModelProducers implements Simulation.Producers {

    /** When a recorded match was made, and when the producer first answered it (null: never). */
    record RecordedMatch(Instant matchedAt, Instant answeredAt) {
    }

    private final WorkModel model;
    private final Map<String, RecordedMatch> recordedMatches;
    private final Duration tolerance;
    private final Set<String> answeredHere = new HashSet<>();
    private final Map<String, String> used = new TreeMap<>();

    /**
     * @param recordedMatches the matches recorded, by {@link #key}
     * @param tolerance how far from the recorded one a match still counts as recorded: the desk's check interval
     */
    ModelProducers(WorkModel model, Map<String, RecordedMatch> recordedMatches, Duration tolerance) {
        this.model = model;
        this.recordedMatches = recordedMatches;
        this.tolerance = tolerance;
    }

    /** The matches of the recorded {@code statuses}, by {@link #key}. */
    static Map<String, RecordedMatch> recordedMatches(Iterable<RequestStatus> statuses) {
        Map<String, RecordedMatch> matches = new HashMap<>();
        for (RequestStatus status : statuses) {
            List<StatusTransition> history = status.getHistory();
            for (int i = 0; i < history.size(); i++) {
                StatusTransition matched = history.get(i);
                String key = key(status.getRequestId(), matched.getAttempt(), matched.getOfferId());
                if (matched.getState() != RequestState.MATCHED || matches.containsKey(key)) {
                    continue;
                }
                Instant answered = null;
                for (int j = i + 1; j < history.size() && answered == null; j++) {
                    StatusTransition next = history.get(j);
                    if (next.getAttempt() != matched.getAttempt()) {
                        break;
                    }
                    if (next.getState() != RequestState.MATCHED) {
                        answered = next.getAt();
                    }
                }
                matches.put(key, new RecordedMatch(matched.getAt(), answered));
            }
        }
        return matches;
    }

    /** A match's key: the request, its attempt and the offer. */
    static String key(String requestId, int attempt, String offerId) {
        return requestId + "\u0000" + attempt + "\u0000" + offerId;
    }

    @Override
    public List<Recorded.Command> answer(Assignment assignment, Instant now) {
        if (assignment.getAction() != AssignmentAction.FULFIL) {
            return List.of();
        }
        String key = key(assignment.getRequestId(), assignment.getAttempt(), assignment.getOfferId());
        RecordedMatch recorded = recordedMatches.get(key);
        if (recorded != null && Duration.between(recorded.matchedAt(), now).abs().compareTo(tolerance) <= 0
                && (recorded.answeredAt() == null || now.isBefore(recorded.answeredAt()))) {
            return List.of();
        }
        answeredHere.add(key);
        WorkModel.Work work = model.work(assignment.getProducerId(), assignment.getCapability(), assignment.getLeadTimeSloMs());
        used.putIfAbsent(assignment.getProducerId() + "/" + assignment.getCapability(), work.source());
        Instant accepted = now.plus(atLeastOneMilli(work.acceptAfter()));
        Instant ended = accepted.plus(atLeastOneMilli(work.workFor()));
        boolean fails = share(assignment.getRequestId()) < work.failShare();
        return List.of(report(assignment, FulfilmentKind.ACCEPTED, accepted),
                report(assignment, fails ? FulfilmentKind.FAILED : FulfilmentKind.FULFILLED, ended));
    }

    @Override
    public boolean drops(Recorded.Command command) {
        return command.event() instanceof FulfilmentEvent report && report.getRevision() == 0
                && answeredHere.contains(key(report.getRequestId(), report.getAttempt(), report.getOfferId()));
    }

    /** How the producers that answered moved work were taken, one line each. */
    List<String> used() {
        return List.copyOf(used.values());
    }

    private static Recorded.Command report(Assignment assignment, FulfilmentKind kind, Instant at) {
        FulfilmentEvent report = new FulfilmentEvent(assignment.getRequestId(), assignment.getOfferId(), assignment.getProducerId(),
                assignment.getCapability(), assignment.getAttempt(), kind, "simulated", new HashMap<>(), false, at, 0);
        return new Recorded.Command(at, assignment.getCapability(), report);
    }

    private static Duration atLeastOneMilli(Duration duration) {
        return duration.toMillis() < 1 ? Duration.ofMillis(1) : duration;
    }

    /** A share in [0, 1) picked by the requestId. */
    private static double share(String requestId) {
        CRC32 crc = new CRC32();
        crc.update(requestId.getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() % 10_000) / 10_000.0;
    }
}
