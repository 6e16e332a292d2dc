package io.capmarket.sdk.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which offsets of each partition may be committed: a record is committable only when it and every
 * record before it in its partition are done, so a crash never skips unfinished work. Pure; used
 * by the consumer thread only.
 *
 * @param <P> the partition type
 */
public final class OffsetTracker<P> {

    /** Per partition: offset received -> done. */
    private final Map<P, TreeMap<Long, Boolean>> open = new HashMap<>();
    /** Per partition: the next offset to commit (one past the last contiguous done offset). */
    private final Map<P, Long> committable = new HashMap<>();
    private final Map<P, Long> committed = new HashMap<>();

    /** A record was received. */
    public void received(P partition, long offset) {
        open.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, false);
    }

    /** A record's work is finished (outcome published, or nothing to do); ignored for a forgotten partition. */
    public void done(P partition, long offset) {
        TreeMap<Long, Boolean> offsets = open.get(partition);
        if (offsets == null || !offsets.containsKey(offset)) {
            return;
        }
        offsets.put(offset, true);
        while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
            long first = offsets.pollFirstEntry().getKey();
            committable.put(partition, first + 1);
        }
    }

    /** Offsets (next to read) that advanced since the last {@link #markCommitted}. */
    public Map<P, Long> toCommit() {
        Map<P, Long> result = new HashMap<>();
        committable.forEach((p, next) -> {
            if (!next.equals(committed.get(p))) {
                result.put(p, next);
            }
        });
        return result;
    }

    /** The offsets were committed. */
    public void markCommitted(Map<P, Long> offsets) {
        committed.putAll(offsets);
    }

    /**
     * Records of the partition received and not committable yet: not done, or done behind one that is
     * not. Bounding it bounds what a new owner of the partition reads again.
     */
    public int open(P partition) {
        TreeMap<Long, Boolean> offsets = open.get(partition);
        return offsets == null ? 0 : offsets.size();
    }

    /** Records of the partition done but not committable, since an earlier one is not done: run again if it moves. */
    public int doneBehind(P partition) {
        TreeMap<Long, Boolean> offsets = open.get(partition);
        return offsets == null ? 0 : (int) offsets.values().stream().filter(d -> d).count();
    }

    /** Records received and not done, over all partitions. */
    public int unfinished() {
        return open.values().stream().mapToInt(m -> (int) m.values().stream().filter(d -> !d).count()).sum();
    }

    /** Forgets partitions this consumer no longer owns: their unfinished records are redelivered to the new owner. */
    public void forget(Set<P> partitions) {
        for (P p : partitions) {
            open.remove(p);
            committable.remove(p);
            committed.remove(p);
        }
    }
}
