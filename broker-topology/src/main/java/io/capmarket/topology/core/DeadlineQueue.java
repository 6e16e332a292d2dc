package io.capmarket.topology.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The deadlines of one task's requests, earliest first, in memory: at most one per request, the
 * next one its status calls for ({@link Deadline#next}), replaced whenever its status is kept
 * and gone once it is finished. They are not written anywhere: a task rebuilds them from its
 * kept requests when it starts, by the same rule.
 *
 * <p>A binary heap with lazy removal: a replaced deadline stays in the heap until it reaches the
 * top (or the heap is rebuilt, once it holds more than twice the live deadlines), and counts only
 * while it is the one its request holds. A new deadline is nearly always the latest (a request
 * just matched or submitted), which a heap adds at its end in constant time.
 */
public final class DeadlineQueue {

    private static final Comparator<Deadline> EARLIEST_FIRST = (a, b) -> {
        int order = a.due().compareTo(b.due());
        if (order == 0) {
            order = a.kind().compareTo(b.kind());
        }
        if (order == 0) {
            order = Integer.compare(a.attempt(), b.attempt());
        }
        return order != 0 ? order : a.requestId().compareTo(b.requestId());
    };
    /** Replaced deadlines the heap may hold beyond the live ones before it is rebuilt. */
    private static final int SLACK = 1_024;

    private PriorityQueue<Deadline> heap = new PriorityQueue<>(EARLIEST_FIRST);
    private final Map<String, Deadline> byRequest = new HashMap<>();

    /** The request's deadline is now {@code next} (null: it has none), instead of the one it had. */
    public void put(String requestId, Deadline next) {
        if (next == null) {
            byRequest.remove(requestId);
            return;
        }
        Deadline previous = byRequest.put(requestId, next);
        if (next.equals(previous)) {
            byRequest.put(requestId, previous); // the heap holds that one already
            return;
        }
        heap.add(next);
        if (heap.size() > 2 * byRequest.size() + SLACK) {
            heap = new PriorityQueue<>(byRequest.size() + SLACK, EARLIEST_FIRST);
            heap.addAll(byRequest.values());
        }
    }

    /** Takes every deadline due by {@code now} out of the queue, earliest first. */
    public List<Deadline> takeDue(Instant now) {
        List<Deadline> due = new ArrayList<>();
        while (!heap.isEmpty() && !heap.peek().due().isAfter(now)) {
            Deadline deadline = heap.poll();
            if (byRequest.get(deadline.requestId()) == deadline) {
                byRequest.remove(deadline.requestId());
                due.add(deadline);
            }
        }
        return due;
    }

    /**
     * No deadline kept is due before this: the earliest kept, or earlier (a replaced deadline may
     * still be counted); null when the queue holds none.
     */
    public Instant notBefore() {
        return heap.isEmpty() ? null : heap.peek().due();
    }

    /** Every deadline kept, earliest first. */
    public List<Deadline> all() {
        List<Deadline> all = new ArrayList<>(byRequest.values());
        all.sort(EARLIEST_FIRST);
        return all;
    }

    /** How many deadlines are kept. */
    public int size() {
        return byRequest.size();
    }
}
