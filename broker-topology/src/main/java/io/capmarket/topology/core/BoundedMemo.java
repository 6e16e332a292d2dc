package io.capmarket.topology.core;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A function's results kept by key, so that what is worked out from a topic name, an offer record
 * or a producerId is worked out once rather than per record. Bounded: the map is emptied when it
 * reaches its bound, and what is asked again is worked out again. The function must not return
 * null.
 *
 * @param <K> the key
 * @param <V> the result
 */
public final class BoundedMemo<K, V> {

    private final Map<K, V> kept;
    private final int bound;
    private final Function<K, V> work;

    private BoundedMemo(Map<K, V> kept, int bound, Function<K, V> work) {
        this.kept = kept;
        this.bound = bound;
        this.work = work;
    }

    /** Keys compared by {@code equals}; for one thread. */
    public static <K, V> BoundedMemo<K, V> byEquality(int bound, Function<K, V> work) {
        return new BoundedMemo<>(new HashMap<>(), bound, work);
    }

    /** Keys compared by identity (records never changed in place); for one thread. */
    public static <K, V> BoundedMemo<K, V> byIdentity(int bound, Function<K, V> work) {
        return new BoundedMemo<>(new IdentityHashMap<>(), bound, work);
    }

    /** Keys compared by {@code equals}; shared by threads (two may work out one key once each). */
    public static <K, V> BoundedMemo<K, V> concurrent(int bound, Function<K, V> work) {
        return new BoundedMemo<>(new ConcurrentHashMap<>(), bound, work);
    }

    /** The result for {@code key}, worked out now if it is not kept. */
    public V get(K key) {
        V known = kept.get(key);
        if (known != null) {
            return known;
        }
        V result = work.apply(key);
        if (kept.size() >= bound) {
            kept.clear();
        }
        kept.put(key, result);
        return result;
    }

    /** How many results are kept. */
    public int size() {
        return kept.size();
    }
}
