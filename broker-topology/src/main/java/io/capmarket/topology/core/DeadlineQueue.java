package io.capmarket.topology.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The deadlines of one task's requests, earliest first, in memory. They are not written anywhere:
 * each kept request's next deadline follows from its status ({@link Deadline#next}), so a task
 * rebuilds them from its requests when it starts.
 */
public final class DeadlineQueue {

    private static final Comparator<Deadline> EARLIEST_FIRST = Comparator.comparing(Deadline::due)
            .thenComparing(Deadline::kind).thenComparing(Deadline::attempt).thenComparing(Deadline::requestId);

    private final TreeSet<Deadline> deadlines = new TreeSet<>(EARLIEST_FIRST);

    public void add(Deadline deadline) {
        deadlines.add(deadline);
    }

    public void remove(Deadline deadline) {
        deadlines.remove(deadline);
    }

    /** Every deadline due by {@code now}, earliest first. */
    public List<Deadline> due(Instant now) {
        List<Deadline> due = new ArrayList<>();
        for (Deadline deadline : deadlines) {
            if (deadline.due().isAfter(now)) {
                break;
            }
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
