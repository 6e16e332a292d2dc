package io.capmarket.topology.replay;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Producers as a replay takes them: work matched where it was recorded is answered by the
 * recorded reports, which are facts of the log; work matched elsewhere is answered as the
 * {@link WorkModel} says that producer works, the failures among it picked by a hash of the
 * requestId (so every run picks the same).
 */
final class ModelProducers implements Simulation.Producers {

    private final WorkModel model;
    private final Set<String> recordedMatches;
    private final Map<String, String> used = new TreeMap<>();

    /**
     * @param recordedMatches the matches recorded, as {@link #key}s
     */
    ModelProducers(WorkModel model, Set<String> recordedMatches) {
        this.model = model;
        this.recordedMatches = recordedMatches;
    }

    /** A match's key: the request, its attempt and the offer. */
    static String key(String requestId, int attempt, String offerId) {
        return requestId + "\u0000" + attempt + "\u0000" + offerId;
    }

    @Override
    public List<Recorded.Command> answer(Assignment assignment, Instant now) {
        if (assignment.getAction() != AssignmentAction.FULFIL
                || recordedMatches.contains(key(assignment.getRequestId(), assignment.getAttempt(), assignment.getOfferId()))) {
            return List.of();
        }
        WorkModel.Work work = model.work(assignment.getProducerId(), assignment.getCapability(), assignment.getLeadTimeSloMs());
        used.putIfAbsent(assignment.getProducerId() + "/" + assignment.getCapability(), work.source());
        Instant accepted = now.plus(atLeastOneMilli(work.acceptAfter()));
        Instant ended = accepted.plus(atLeastOneMilli(work.workFor()));
        boolean fails = share(assignment.getRequestId()) < work.failShare();
        return List.of(report(assignment, FulfilmentKind.ACCEPTED, accepted),
                report(assignment, fails ? FulfilmentKind.FAILED : FulfilmentKind.FULFILLED, ended));
    }

    /** How the producers that answered moved work were taken, one line each. */
    List<String> used() {
        return List.copyOf(used.values());
    }

    private static Recorded.Command report(Assignment assignment, FulfilmentKind kind, Instant at) {
        FulfilmentEvent report = new FulfilmentEvent(assignment.getRequestId(), assignment.getOfferId(), assignment.getProducerId(),
                assignment.getCapability(), assignment.getAttempt(), kind, "simulated", new java.util.HashMap<>(), false, at, 0);
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
