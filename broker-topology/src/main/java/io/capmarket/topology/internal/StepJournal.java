package io.capmarket.topology.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What one step of the engine changed, so that a step that fails part-way can be undone: each
 * store key's value from before its first write in the step, and for what the books keep in
 * memory, how to put back each value the step changed first; {@link #rollBack()} puts them all
 * back, at a cost of the step's own size. Changes outside a step (what a punctuation does outside
 * the steps it runs: a tick's due checks and the requests it serves from waitlists are steps) are
 * not kept.
 * For the task's thread only.
 */
final class StepJournal {

    /** A key's value before the step: none, the key was absent. */
    private static final Object ABSENT = new Object();
    /** Changes of one step past which its tables are made anew rather than emptied. */
    private static final int LARGE_STEP = 64;

    /** By store, each key's value before the step; the maps stay, emptied, from one step to the next. */
    private final Map<KeyValueStore<String, ?>, Map<String, Object>> before = new IdentityHashMap<>();
    /** The in-memory values the step changed, by what names them, and how to put each back. */
    private Set<Object> changed = new HashSet<>();
    private final List<Runnable> restores = new ArrayList<>();
    private boolean open;
    private boolean written;
    /** The most keys of one store kept in this step. */
    private int largest;

    /** Starts keeping what the writes from now on replace; steps do not nest. */
    void begin() {
        if (open) {
            throw new IllegalStateException("a step began while another was open: steps do not nest");
        }
        forget();
        open = true;
    }

    /** The step succeeded: what it wrote stays. */
    void end() {
        forget();
        open = false;
    }

    /**
     * Empties the journal for the next step. A hash table's {@code clear} costs its capacity, which
     * never shrinks: after a large step (a waitlist drained), the tables are made anew, so that the
     * steps after it, one request each, do not pay for it.
     */
    private void forget() {
        if (written) {
            if (restores.size() > LARGE_STEP || largest > LARGE_STEP) {
                before.clear();
                changed = new HashSet<>();
            } else {
                before.values().forEach(Map::clear);
                changed.clear();
            }
            restores.clear();
            written = false;
            largest = 0;
        }
    }

    /**
     * The step is about to change an in-memory value that {@code key} names (equal keys name the
     * same value): {@code restore} puts back what it is now, should the step fail. Only the first
     * change of a key in a step is kept.
     */
    void changing(Object key, Runnable restore) {
        if (open && changed.add(key)) {
            restores.add(restore);
            written = true;
        }
    }

    /** Writes {@code value} (null: deletes), keeping the value it replaces, read from the store. */
    <V> void write(KeyValueStore<String, V> store, String key, V value) {
        if (open) {
            Map<String, Object> kept = before.computeIfAbsent(store, s -> new HashMap<>());
            written = true;
            if (!kept.containsKey(key)) {
                V previous = store.get(key);
                kept.put(key, previous == null ? ABSENT : previous);
                largest = Math.max(largest, kept.size());
            }
        }
        apply(store, key, value);
    }

    /**
     * Writes {@code value} (null: deletes), keeping {@code previous} as the value it replaces: for
     * a caller that knows what the store holds, so that the store is not read again.
     */
    <V> void write(KeyValueStore<String, V> store, String key, V value, V previous) {
        if (open) {
            Map<String, Object> kept = before.computeIfAbsent(store, s -> new HashMap<>());
            kept.putIfAbsent(key, previous == null ? ABSENT : previous);
            largest = Math.max(largest, kept.size());
            written = true;
        }
        apply(store, key, value);
    }

    /** Puts back every value the step replaced, in the stores and in memory; the journal is then closed. */
    @SuppressWarnings("unchecked")
    void rollBack() {
        try {
            before.forEach((store, kept) -> kept.forEach((key, value) ->
                    apply((KeyValueStore<String, Object>) store, key, value == ABSENT ? null : value)));
            for (int i = restores.size() - 1; i >= 0; i--) {
                restores.get(i).run();
            }
        } finally {
            end();
        }
    }

    /** Whether the open step already keeps how to put back the in-memory value {@code key} names. */
    boolean keeps(Object key) {
        return open && changed.contains(key);
    }

    /** How many store keys and in-memory values the open step changed. */
    int written() {
        return before.values().stream().mapToInt(Map::size).sum() + restores.size();
    }

    private static <V> void apply(KeyValueStore<String, V> store, String key, V value) {
        if (value == null) {
            store.delete(key);
        } else {
            store.put(key, value);
        }
    }
}
