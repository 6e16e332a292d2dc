package io.capmarket.topology.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The deadlines of one task's requests, earliest first, in memory: at most one per request, the
 * next one its status calls for ({@link Deadline#next}), replaced whenever its status is kept
 * and gone once it is finished. They are not written anywhere: a task rebuilds them from its
 * kept requests when it starts, by the same rule.
 */
public final class DeadlineQueue {

    private static final Comparator<Deadline> EARLIEST_FIRST = Comparator.comparing(Deadline::due)
            .thenComparing(Deadline::kind).thenComparing(Deadline::attempt).thenComparing(Deadline::requestId);

    private final TreeSet<Deadline> deadlines = new TreeSet<>(EARLIEST_FIRST);
    private final Map<String, Deadline> byRequest = new HashMap<>();

    /** The request's deadline is now {@code next} (null: it has none), instead of the one it had. */
    public void put(String requestId, Deadline next) {
        Deadline previous = next == null ? byRequest.remove(requestId) : byRequest.put(requestId, next);
        if (previous != null) {
            deadlines.remove(previous);
        }
        if (next != null) {
            deadlines.add(next);
        }
    }

    /** Takes every deadline due by {@code now} out of the queue, earliest first. */
    public List<Deadline> takeDue(Instant now) {
        List<Deadline> due = new ArrayList<>();
        while (!deadlines.isEmpty() && !deadlines.first().due().isAfter(now)) {
            Deadline deadline = deadlines.pollFirst();
            byRequest.remove(deadline.requestId(), deadline);
            due.add(deadline);
        }
        return due;
    }

    /** Every deadline kept, earliest first. */
    public List<Deadline> all() {
        return List.copyOf(deadlines);
    }

    /** How many deadlines are kept. */
    public int size() {
        return deadlines.size();
    }
}
