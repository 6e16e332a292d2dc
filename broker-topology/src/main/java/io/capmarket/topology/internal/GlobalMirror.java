package io.capmarket.topology.internal;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * What the engine reads of a global table for every request (a producer's liveness, its
 * approval), kept in memory beside the table's store, as the engine reads it: the store's own
 * processor ({@link #updater}) writes each record to the store and then here, so a read is one
 * map look-up instead of a store read that encodes the key and decodes the value. A key not here
 * is looked up in the store and kept, its absence too (most capability versions have no admins'
 * approval policy, most teams no quota, and every submit asks), should a restore ever fill the
 * store without its processor. One per topology instance, shared by its stream threads and
 * written by its global thread; it holds at most {@link #MAX_ENTRIES} keys, and starts over past them.
 *
 * <p>Never stale for longer than the store: the processor writes the store first and this map
 * second, and a look-up that fills a missing key does so under the map's lock for that key, so
 * the processor's write of the key follows it.
 *
 * @param <V> the table's values
 * @param <T> what the engine reads of a value
 */
final class GlobalMirror<V, T> {

    private final String storeName;
    /** What the engine reads of a key, from what it read before (null: nothing) and the key's new value. */
    private final BiFunction<T, V, T> fold;
    /** Keys kept at most: more than a deployment's producers, capability versions or teams and capabilities. */
    static final int MAX_ENTRIES = 100_000;

    private final ConcurrentHashMap<String, Optional<T>> entries = new ConcurrentHashMap<>();

    /**
     * @param storeName the global store the updater keeps
     * @param view what the engine reads of a value, made once per record
     */
    GlobalMirror(String storeName, Function<V, T> view) {
        this(storeName, (BiFunction<T, V, T>) (before, value) -> view.apply(value));
    }

    /**
     * A mirror whose view of a key folds every value the key takes, in the table's order: what the
     * engine reads then depends on the values before the latest too (a producer's liveness, on the
     * heartbeats of each of its processes). A key looked up in the store (never seen by the updater,
     * or after the mirror started over at {@link #MAX_ENTRIES}) starts from its stored value alone, the
     * table's latest; a deleted key starts again from nothing.
     *
     * @param fold the view from the one before (null for none) and the key's new value
     */
    GlobalMirror(String storeName, BiFunction<T, V, T> fold) {
        this.storeName = storeName;
        this.fold = fold;
    }

    /** The name of the global store this mirrors. */
    String storeName() {
        return storeName;
    }

    /** The view of {@code key}'s value, or null when the table has none. */
    T get(String key, TimestampedKeyValueStore<String, V> store) {
        Optional<T> known = entries.get(key);
        if (known != null) {
            return known.orElse(null);
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        return entries.computeIfAbsent(key, missing -> {
            ValueAndTimestamp<V> stored = store.get(missing);
            return stored == null || stored.value() == null ? Optional.empty() : Optional.of(fold.apply(null, stored.value()));
        }).orElse(null);
    }

    /**
     * The processor of the global store: puts each record in the store (a null value deletes its
     * key; a null key is dropped, as Kafka Streams' tables do) and then in this mirror.
     */
    ProcessorSupplier<String, V, Void, Void> updater() {
        return () -> new Processor<>() {
            private TimestampedKeyValueStore<String, V> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(storeName);
            }

            @Override
            public void process(Record<String, V> record) {
                String key = record.key();
                if (key == null) {
                    return;
                }
                if (record.value() == null) {
                    store.delete(key);
                    entries.put(key, Optional.empty());
                } else {
                    store.put(key, ValueAndTimestamp.make(record.value(), record.timestamp()));
                    entries.compute(key, (k, before) -> Optional.of(fold.apply(before == null ? null : before.orElse(null),
                            record.value())));
                }
            }
        };
    }
}
