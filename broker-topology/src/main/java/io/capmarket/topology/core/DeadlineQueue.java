package io.capmarket.topology.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The deadlines of one task's requests, earliest first, in memory: at most one per request, the
 * next one its status calls for ({@link Deadline#next}), replaced whenever its status is kept
 * and gone once it is finished. They are not written anywhere: a task rebuilds them from its
 * kept requests when it starts, by the same rule.
 *
 * <p>A task holds a deadline for every request in flight, which can be millions, so they are kept
 * without an object each: in parallel arrays of primitives, one slot per request (its due instant,
 * kind, attempt and id), a binary heap of slot numbers ordered {@link #EARLIEST_FIRST}, and an
 * open-addressed table from a request id's hash to its slot. A request id in the canonical form of
 * a UUID (every id the gateway makes) is kept as its two 64-bit halves; any other id
 * is kept as its string. A slot costs about 60 bytes (up to twice that while the arrays are below
 * half full: they double when full and halve below a quarter) and, for a UUID, the collector
 * nothing to trace, where a map entry, a {@link Deadline}, its {@link Instant} and its id's string
 * took about 200 bytes in five objects, which every young collection copied while they were new and
 * a full one traced after. The table places an id by a hash seeded at random per queue (for a
 * UUID, of both halves; for any other id, of every character), so ids chosen to share a {@link
 * String#hashCode} do not share a probe chain. A new deadline is nearly always the latest (a request just matched or submitted), which
 * the heap adds at its end in constant time. Used by one thread.
 */
public final class DeadlineQueue {

    /** The order deadlines come due in: by instant, then kind, attempt and request id. */
    static final Comparator<Deadline> EARLIEST_FIRST = Comparator.comparing(Deadline::due).thenComparing(Deadline::kind)
            .thenComparingInt(Deadline::attempt).thenComparing(Deadline::requestId);
    private static final Deadline.Kind[] KINDS = Deadline.Kind.values();
    private static final int FIRST_CAPACITY = 16;

    // slot s: one request's deadline; slots 0..size-1 are in use, a removed one is filled by the last
    private long[] dueSeconds = new long[FIRST_CAPACITY];
    private int[] dueNanos = new int[FIRST_CAPACITY];
    private byte[] kinds = new byte[FIRST_CAPACITY];
    private int[] attempts = new int[FIRST_CAPACITY];
    /** The id's halves when it is a canonical UUID. */
    private long[] idHigh = new long[FIRST_CAPACITY];
    private long[] idLow = new long[FIRST_CAPACITY];
    /** The id when it is not a canonical UUID; made at the first such id. */
    private String[] otherIds;
    /** The id's seeded hash ({@link #hashOf}), by which the table places the slot. */
    private int[] hashes = new int[FIRST_CAPACITY];
    /** Where the slot is in {@link #heap}. */
    private int[] heapIndex = new int[FIRST_CAPACITY];
    private int size;

    /** Slot numbers, the earliest deadline first. */
    private int[] heap = new int[FIRST_CAPACITY];
    /** Slot number + 1 by hash, linear probing, at most half full; 0 is free. */
    private int[] table = new int[2 * FIRST_CAPACITY];
    private final long seed = ThreadLocalRandom.current().nextLong();

    /**
     * The request's deadline is now {@code next} (null: it has none), instead of the one it had.
     *
     * @throws IllegalArgumentException when {@code next} is another request's deadline
     */
    public void put(String requestId, Deadline next) {
        Objects.requireNonNull(requestId, "requestId");
        if (next != null && !next.requestId().equals(requestId)) {
            throw new IllegalArgumentException("a deadline of request " + next.requestId() + " put as request " + requestId + "'s");
        }
        UUID uuid = PackedUuid.isCanonical(requestId) ? UUID.fromString(requestId) : null;
        boolean packed = uuid != null;
        long high = packed ? uuid.getMostSignificantBits() : 0;
        long low = packed ? uuid.getLeastSignificantBits() : 0;
        int hash = hashOf(packed, high, low, requestId);
        int position = find(requestId, packed, high, low, hash);
        int slot = position < 0 ? -1 : table[position] - 1;
        if (next == null) {
            if (slot >= 0) {
                remove(slot, position);
            }
            return;
        }
        if (slot >= 0) {
            if (holds(slot, next)) {
                return;
            }
            set(slot, next);
            int at = heapIndex[slot];
            siftDown(siftUp(at));
            return;
        }
        slot = add(requestId, packed, high, low, hash, next);
        seat(slot, slot); // the heap has exactly as many entries as there are slots
        siftUp(slot);
    }

    /** The request's deadline, or null when it has none. */
    public Deadline get(String requestId) {
        UUID uuid = PackedUuid.isCanonical(requestId) ? UUID.fromString(requestId) : null;
        boolean packed = uuid != null;
        long high = packed ? uuid.getMostSignificantBits() : 0;
        long low = packed ? uuid.getLeastSignificantBits() : 0;
        int position = find(requestId, packed, high, low, hashOf(packed, high, low, requestId));
        return position < 0 ? null : deadline(table[position] - 1);
    }

    /** Takes every deadline due by {@code now} out of the queue, earliest first. */
    public List<Deadline> takeDue(Instant now) {
        List<Deadline> due = new ArrayList<>();
        while (size > 0 && !isAfter(heap[0], now)) {
            int slot = heap[0];
            due.add(deadline(slot));
            remove(slot, positionOf(slot));
        }
        return due;
    }

    /** When the earliest deadline kept comes due; null when the queue holds none. */
    public Instant notBefore() {
        return size == 0 ? null : Instant.ofEpochSecond(dueSeconds[heap[0]], dueNanos[heap[0]]);
    }

    /** Every deadline kept, earliest first. */
    public List<Deadline> all() {
        List<Deadline> all = new ArrayList<>(size);
        for (int slot = 0; slot < size; slot++) {
            all.add(deadline(slot));
        }
        all.sort(EARLIEST_FIRST);
        return all;
    }

    /** How many deadlines are kept. */
    public int size() {
        return size;
    }

    private Deadline deadline(int slot) {
        return new Deadline(Instant.ofEpochSecond(dueSeconds[slot], dueNanos[slot]), KINDS[kinds[slot]], attempts[slot], idOf(slot));
    }

    private String idOf(int slot) {
        String other = otherIds == null ? null : otherIds[slot];
        return other != null ? other : PackedUuid.text(idHigh[slot], idLow[slot]);
    }

    private boolean holds(int slot, Deadline deadline) {
        return dueSeconds[slot] == deadline.due().getEpochSecond() && dueNanos[slot] == deadline.due().getNano()
                && kinds[slot] == deadline.kind().ordinal() && attempts[slot] == deadline.attempt();
    }

    private void set(int slot, Deadline deadline) {
        dueSeconds[slot] = deadline.due().getEpochSecond();
        dueNanos[slot] = deadline.due().getNano();
        kinds[slot] = (byte) deadline.kind().ordinal();
        attempts[slot] = deadline.attempt();
    }

    private boolean isAfter(int slot, Instant now) {
        long seconds = dueSeconds[slot];
        return seconds > now.getEpochSecond() || seconds == now.getEpochSecond() && dueNanos[slot] > now.getNano();
    }

    // --- slots and the table ---

    private int add(String requestId, boolean packed, long high, long low, int hash, Deadline next) {
        if (size == dueSeconds.length) {
            resize(2 * dueSeconds.length);
        }
        int slot = size;
        set(slot, next);
        idHigh[slot] = high;
        idLow[slot] = low;
        if (!packed) {
            if (otherIds == null) {
                otherIds = new String[dueSeconds.length];
            }
            otherIds[slot] = requestId;
        }
        hashes[slot] = hash;
        place(slot);
        size = slot + 1;
        return slot;
    }

    /** The table position of {@code requestId}'s slot, or -1. */
    private int find(String requestId, boolean packed, long high, long low, int hash) {
        int mask = table.length - 1;
        for (int i = hash & mask; table[i] != 0; i = (i + 1) & mask) {
            int slot = table[i] - 1;
            if (hashes[slot] == hash && sameId(slot, requestId, packed, high, low)) {
                return i;
            }
        }
        return -1;
    }

    private boolean sameId(int slot, String requestId, boolean packed, long high, long low) {
        String other = otherIds == null ? null : otherIds[slot];
        return packed ? other == null && idHigh[slot] == high && idLow[slot] == low : requestId.equals(other);
    }

    private int positionOf(int slot) {
        int mask = table.length - 1;
        int i = hashes[slot] & mask;
        while (table[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void place(int slot) {
        int mask = table.length - 1;
        int i = hashes[slot] & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot + 1;
    }

    /** Takes {@code slot} (at table {@code position}) out of the heap and the table, and fills it with the last slot. */
    private void remove(int slot, int position) {
        int at = heapIndex[slot];
        int lastAt = size - 1;
        if (at != lastAt) {
            seat(heap[lastAt], at);
        }
        unplace(position);
        int last = size - 1;
        if (slot != last) {
            table[positionOf(last)] = slot + 1;
            dueSeconds[slot] = dueSeconds[last];
            dueNanos[slot] = dueNanos[last];
            kinds[slot] = kinds[last];
            attempts[slot] = attempts[last];
            idHigh[slot] = idHigh[last];
            idLow[slot] = idLow[last];
            hashes[slot] = hashes[last];
            heapIndex[slot] = heapIndex[last];
            heap[heapIndex[slot]] = slot;
            if (otherIds != null) {
                otherIds[slot] = otherIds[last];
            }
        }
        if (otherIds != null && otherIds[last] != null) {
            otherIds[last] = null;
        }
        size = last;
        if (at < size) {
            siftDown(siftUp(at));
        }
        if (dueSeconds.length > FIRST_CAPACITY && size < dueSeconds.length / 4) {
            resize(dueSeconds.length / 2);
        }
    }

    /** Frees table position {@code hole}, moving back the entries after it that probed past it. */
    private void unplace(int hole) {
        int mask = table.length - 1;
        table[hole] = 0;
        for (int i = (hole + 1) & mask; table[i] != 0; i = (i + 1) & mask) {
            int home = hashes[table[i] - 1] & mask;
            // the entry at i may fill the hole unless its home lies cyclically in (hole, i]
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                table[hole] = table[i];
                table[i] = 0;
                hole = i;
            }
        }
    }

    /** Moves the slots into arrays of {@code capacity} (at least {@link #size}) and places them again. */
    private void resize(int capacity) {
        dueSeconds = Arrays.copyOf(dueSeconds, capacity);
        dueNanos = Arrays.copyOf(dueNanos, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        attempts = Arrays.copyOf(attempts, capacity);
        idHigh = Arrays.copyOf(idHigh, capacity);
        idLow = Arrays.copyOf(idLow, capacity);
        if (otherIds != null) {
            otherIds = Arrays.copyOf(otherIds, capacity);
        }
        hashes = Arrays.copyOf(hashes, capacity);
        heapIndex = Arrays.copyOf(heapIndex, capacity);
        heap = Arrays.copyOf(heap, capacity);
        table = new int[2 * capacity];
        for (int slot = 0; slot < size; slot++) {
            place(slot);
        }
    }

    /**
     * Where the table places an id: a canonical UUID by both its halves, any other id by each of its
     * characters, mixed in turn with this queue's seed. Not by {@link String#hashCode}: ids on a
     * team's topic are chosen by the team's bots, and strings sharing one are easy to make, so that
     * a team could otherwise put every deadline of a task on one probe chain.
     */
    private int hashOf(boolean packed, long high, long low, String id) {
        long mixed = packed ? mix(mix(high ^ seed) ^ low) : charactersHash(id);
        return (int) (mixed ^ (mixed >>> 32));
    }

    /** {@code id}'s characters, each mixed in after the ones before it, from this queue's seed. */
    private long charactersHash(String id) {
        long hash = seed;
        for (int i = 0; i < id.length(); i++) {
            hash = mix(hash ^ id.charAt(i));
        }
        return mix(hash ^ id.length());
    }

    /** Where the table places {@code requestId} (for tests of its spread). */
    int tableHash(String requestId) {
        UUID uuid = PackedUuid.isCanonical(requestId) ? UUID.fromString(requestId) : null;
        return uuid == null ? hashOf(false, 0, 0, requestId)
                : hashOf(true, uuid.getMostSignificantBits(), uuid.getLeastSignificantBits(), requestId);
    }

    /** The finalizer of SplitMix64: every bit of the result depends on every bit of {@code value}. */
    private static long mix(long value) {
        long z = (value ^ (value >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // --- the heap ---

    /** Moves the entry at heap position {@code at} up while it comes due before its parent; its new position. */
    private int siftUp(int at) {
        int slot = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (compare(heap[parent], slot) <= 0) {
                break;
            }
            seat(heap[parent], at);
            at = parent;
        }
        seat(slot, at);
        return at;
    }

    private void siftDown(int at) {
        int slot = heap[at];
        int half = size >>> 1;
        while (at < half) {
            int child = 2 * at + 1;
            int right = child + 1;
            if (right < size && compare(heap[right], heap[child]) < 0) {
                child = right;
            }
            if (compare(slot, heap[child]) <= 0) {
                break;
            }
            seat(heap[child], at);
            at = child;
        }
        seat(slot, at);
    }

    /** Puts {@code slot} at heap position {@code at}. */
    private void seat(int slot, int at) {
        heap[at] = slot;
        heapIndex[slot] = at;
    }

    /** {@link #EARLIEST_FIRST} between two slots. */
    private int compare(int a, int b) {
        int order = Long.compare(dueSeconds[a], dueSeconds[b]);
        if (order == 0) {
            order = Integer.compare(dueNanos[a], dueNanos[b]);
        }
        if (order == 0) {
            order = Integer.compare(kinds[a], kinds[b]);
        }
        if (order == 0) {
            order = Integer.compare(attempts[a], attempts[b]);
        }
        if (order != 0) {
            return order;
        }
        boolean bothPacked = otherIds == null || otherIds[a] == null && otherIds[b] == null;
        if (!bothPacked) {
            return idOf(a).compareTo(idOf(b));
        }
        // the text of a canonical UUID is its 32 lower-case hex digits in order: text order is unsigned order
        order = Long.compareUnsigned(idHigh[a], idHigh[b]);
        return order != 0 ? order : Long.compareUnsigned(idLow[a], idLow[b]);
    }
}
