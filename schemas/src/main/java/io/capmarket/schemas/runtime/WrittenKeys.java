package io.capmarket.schemas.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys written to one state store of a task, held in memory as their {@link String#hashCode},
 * so that a read of a key never written skips the store. Such reads are the common case for the
 * stores of requests: every new request is looked up (as a duplicate, for its trace, as a retried
 * submit) before it is kept. RocksDB answers each of them by searching its memtable and probing the
 * filters and indexes of its files, and, in its JNI layer, by throwing and catching a C++ exception.
 *
 * <p>{@link #mayHold} never says no for a key that was {@link #add added}; for any other key it says
 * yes only when an added key shares its 32-bit hash (then the store is read, and answers null).
 * Keys are never removed: a hash alone cannot say whether another key held shares it, so the id of
 * a request its store deleted (a finished request past its retention) stays until the task starts
 * again, and a read of it goes to the store, which answers null. Bounded: past {@code maxKeys} keys it
 * lets its table go, logs it, tells its owner (who counts it), and says yes for every key, so every
 * read goes to the store again: slower, never wrong.
 *
 * <p>One thread adds (the task's stream thread, which writes the store); any thread may ask. A key
 * is added before the store's write of it, so a reader that finds the key in the store would have
 * found it here too.
 */
public final class WrittenKeys {

    private static final Logger LOG = LoggerFactory.getLogger(WrittenKeys.class);

    /** The bound for a store of requests: 4,194,304 keys, a table of at most 32 MB. */
    public static final int MAX_KEYS = 1 << 22;
    private static final int FIRST_CAPACITY = 1 << 10;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);

    private final String name;
    private final int maxKeys;
    private final Runnable onFull;
    /** Hashes by open addressing; 0 marks a free slot, so a key hashing to 0 is recorded apart. Replaced whole when it grows. */
    private volatile int[] slots = new int[FIRST_CAPACITY];
    private volatile boolean zeroWritten;
    private volatile boolean full;
    private int size;

    /**
     * @param name the store and task, for the log line at the bound
     * @param maxKeys the bound ({@link #MAX_KEYS} for a store of requests)
     * @param onFull called once, by the {@link #add} that passes the bound
     */
    public WrittenKeys(String name, int maxKeys, Runnable onFull) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, but was " + maxKeys);
        }
        this.name = name;
        this.maxKeys = maxKeys;
        this.onFull = onFull;
    }

    /**
     * The memory of a store of requests in one task: bound {@link #MAX_KEYS}, named after the store
     * and the task in its log line.
     *
     * @param store the store's name
     * @param task the task's id, as Kafka Streams prints it
     * @param onFull called once, when the bound is passed
     */
    public static WrittenKeys ofRequestStore(String store, Object task, Runnable onFull) {
        return new WrittenKeys("store " + store + " of task " + task, MAX_KEYS, onFull);
    }

    /** Whether {@code key} may have been written: false means it certainly was not. */
    public boolean mayHold(String key) {
        int hash = key.hashCode();
        if (hash == 0) {
            return zeroWritten || full;
        }
        int[] table = slots;
        if (full) {
            return true;
        }
        int mask = table.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            int slot = (int) SLOT.getAcquire(table, i);
            if (slot == hash) {
                return true;
            }
            if (slot == 0) {
                return false;
            }
        }
    }

    /** Records that {@code key} is written; call it before the store's write, on the one thread that writes the store. */
    public void add(String key) {
        if (full) {
            return;
        }
        int hash = key.hashCode();
        if (hash == 0) {
            zeroWritten = true;
        } else if (insert(slots, hash)) {
            size++;
            if (size > maxKeys) {
                full = true;
                slots = new int[0];
                LOG.warn("{} holds more than {} keys: from now on a read of a key never written reads the store too (slower, not "
                        + "wrong)", name, maxKeys);
                onFull.run();
            } else if (size * 4L > slots.length * 3L) {
                grow();
            }
        }
    }

    /** Whether the bound was passed, and every key is now said to be possibly written. */
    public boolean full() {
        return full;
    }

    /** How many distinct hashes are held (a key hashing to 0 aside). */
    public int size() {
        return size;
    }

    /** Fills a table twice as large, then publishes it: a reader of the old one still finds every key added before. */
    private void grow() {
        int[] larger = new int[slots.length * 2];
        for (int hash : slots) {
            if (hash != 0) {
                insert(larger, hash);
            }
        }
        slots = larger;
    }

    /** Puts {@code hash} in {@code table}; false when it was there already. */
    private static boolean insert(int[] table, int hash) {
        int mask = table.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            int slot = table[i];
            if (slot == hash) {
                return false;
            }
            if (slot == 0) {
                SLOT.setRelease(table, i, hash);
                return true;
            }
        }
    }

    /** Spreads a string's hash over the table's slots (Fibonacci hashing). */
    private static int spread(int hash) {
        int mixed = hash * 0x9E3779B9;
        return mixed ^ (mixed >>> 16);
    }
}
