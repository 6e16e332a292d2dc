package io.capmarket.topology.internal;

import io.capmarket.topology.core.score.ScoreState;
import io.capmarket.topology.core.score.ScoreStateCodec;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scorecard states by key (a capability, or {@code capability/producerId}), stored encoded with
 * {@link ScoreStateCodec}.
 *
 * <p>Decoding and encoding a busy state on every event would cost more than matching itself, so
 * states are kept decoded while the task runs and written back by {@link #flush()}, which the
 * engine calls on a wall-clock interval (5 s) and when its task closes. A crash can therefore lose
 * the scorecard events of that interval (the request state itself is never affected); scorecards
 * are statistics, and they remain consistent, just slightly short.
 */
final class ScoreBook {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> store;
    private final Duration window;
    private final StepJournal journal;
    private boolean keeping;
    private final Map<String, ScoreState> decoded = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    /** The capabilities with a state: read once from the store at start, then kept as states are added. */
    private final Set<String> capabilities = new TreeSet<>();

    /**
     * @param journal keeps a state's value from before a step's first event on it, while
     *     {@link #keepChanges} says so
     */
    ScoreBook(KeyValueStore<String, byte[]> store, Duration window, StepJournal journal) {
        this.store = store;
        this.window = window;
        this.journal = journal;
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> noteCapability(entry.key));
        }
    }

    /**
     * Whether the steps from now on keep, for their undo, each state's value from before their first
     * event on it: it costs an encode of the state, so only the clock's steps, which a failure makes
     * run again, keep them; a record's step that fails runs once, and its events stay.
     */
    void keepChanges(boolean keep) {
        this.keeping = keep;
    }

    /** Applies an event to the state kept under {@code key}. */
    void update(String key, Consumer<ScoreState> event) {
        if (keeping) {
            keepBefore(key);
        }
        event.accept(state(key));
        if (dirty.add(key)) {
            noteCapability(key);
        }
    }

    private void keepBefore(String key) {
        Change change = new Change(key);
        if (journal.keeps(change)) {
            return;
        }
        ScoreState held = decoded.get(key);
        byte[] before = held != null ? ScoreStateCodec.encode(held) : store.get(key);
        journal.changing(change, () -> {
            if (before == null) {
                decoded.remove(key); // never stored, so never dirty before the step
                dirty.remove(key);
            } else {
                decoded.put(key, ScoreStateCodec.decode(before, window));
                dirty.add(key);
            }
        });
    }

    /** Names a state, for the step's journal. */
    private record Change(String key) {
    }

    private void noteCapability(String key) {
        if (key.indexOf('/') < 0) {
            capabilities.add(key);
        }
    }

    /** The state kept under {@code key}; a new one when there is none. */
    ScoreState state(String key) {
        return decoded.computeIfAbsent(key, k -> {
            byte[] bytes = store.get(k);
            return bytes == null ? new ScoreState(window) : ScoreStateCodec.decode(bytes, window);
        });
    }

    /** The states kept under keys starting with {@code prefix}, by the rest of the key. */
    Map<String, ScoreState> under(String prefix) {
        flush();
        Map<String, ScoreState> states = new HashMap<>();
        try (KeyValueIterator<String, byte[]> scan = store.prefixScan(prefix, KEYS)) {
            while (scan.hasNext()) {
                String key = scan.next().key;
                states.put(key.substring(prefix.length()), state(key));
            }
        }
        return states;
    }

    /** Every capability with a scorecard state (kept under its own name, not {@code capability/producerId}). */
    Set<String> capabilities() {
        return Collections.unmodifiableSet(capabilities);
    }

    /** Writes every state changed since the last flush to the store. */
    void flush() {
        for (String key : dirty) {
            store.put(key, ScoreStateCodec.encode(decoded.get(key)));
        }
        dirty.clear();
    }
}
