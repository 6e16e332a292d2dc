package io.capmarket.topology.replay;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Replay} re-runs: the facts of a window of the marketplace's log, oldest first
 * (facts recorded at the same instant in the order they were read).
 *
 * <p>It holds, before {@code from}, the state the window starts from: every offer, approval,
 * approval policy, contract handover and quota as it stood, and the last heartbeat of each producer's processes. From {@code from}
 * to {@code to} it holds every change of those, every heartbeat, every command on a request
 * submitted in the window, and ({@link Recorded.Outcome}) the latest status the topology recorded
 * for each of those requests. Requests submitted before {@code from} are not in it.
 *
 * @param from the window's start, inclusive
 * @param to the window's end, exclusive
 * @param facts the facts, ordered by {@link Recorded#at()}
 */
public record RecordedLog(Instant from, Instant to, List<Recorded> facts) {

    public RecordedLog {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to must be after from, but was " + to + " (from " + from + ")");
        }
        facts = List.copyOf(facts);
        for (int i = 1; i < facts.size(); i++) {
            if (facts.get(i).at().isBefore(facts.get(i - 1).at())) {
                throw new IllegalArgumentException("facts must be ordered by time, but fact " + i + " at " + facts.get(i).at()
                        + " comes after one at " + facts.get(i - 1).at());
            }
        }
    }
}
