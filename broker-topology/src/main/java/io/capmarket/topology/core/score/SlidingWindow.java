package io.capmarket.topology.core.score;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A sliding window made of a fixed ring of {@value #BUCKETS} time buckets.
 *
 * <p>Time is cut into slots of {@code window / BUCKETS}; slot {@code s} covers epoch milliseconds
 * {@code [s * width, (s + 1) * width)} and lives in ring position {@code s mod BUCKETS}. At a
 * reference instant in slot {@code r}, the window holds slots {@code r - BUCKETS + 1 .. r}: the
 * current, partly elapsed slot and the {@code BUCKETS - 1} full ones before it. A bucket whose
 * slot dropped out is reset when its ring position is next touched or when the window is read,
 * so an idle scope costs nothing to keep up to date.
 */
final class SlidingWindow {

    /** Buckets per window: enough for a smooth slide, few enough to keep the state small. */
    static final int BUCKETS = 15;

    /** One time slot and what happened during it. */
    record Bucket(long slot, Tally tally) {
    }

    private final Duration length;
    private final long bucketMillis;
    private final Bucket[] ring = new Bucket[BUCKETS];

    SlidingWindow(Duration length) {
        this.length = length;
        this.bucketMillis = requireSplittable(length);
    }

    /** The bucket width of a window, failing when the window cannot be cut into equal whole-millisecond buckets. */
    static long requireSplittable(Duration length) {
        long millis;
        try {
            millis = length.toMillis();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("window must fit in a long of milliseconds, but was " + length, e);
        }
        if (millis <= 0 || millis % BUCKETS != 0 || !Duration.ofMillis(millis).equals(length)) {
            throw new IllegalArgumentException("window must be a positive whole number of milliseconds divisible by "
                    + BUCKETS + " (it is cut into " + BUCKETS + " equal buckets), but was " + length);
        }
        return millis / BUCKETS;
    }

    Duration length() {
        return length;
    }

    long bucketMillis() {
        return bucketMillis;
    }

    long slotOf(long epochMillis) {
        return Math.floorDiv(epochMillis, bucketMillis);
    }

    /** Whether {@code slot} is inside the window that ends at the reference instant {@code refMillis}. */
    boolean inWindow(long slot, long refMillis) {
        long refSlot = slotOf(refMillis);
        return slot > refSlot - BUCKETS && slot <= refSlot;
    }

    /**
     * The tally to record an event at {@code atMillis} into, or null when the event is older than
     * the window ending at {@code refMillis} (a late arrival, which counts all time only).
     * The caller has already moved {@code refMillis} to at least {@code atMillis}.
     */
    Tally tallyAt(long atMillis, long refMillis) {
        long slot = slotOf(atMillis);
        if (!inWindow(slot, refMillis)) {
            return null;
        }
        int position = (int) Math.floorMod(slot, (long) BUCKETS);
        Bucket bucket = ring[position];
        // Any other slot at this position is at least one window older: it expired.
        if (bucket == null || bucket.slot() != slot) {
            bucket = new Bucket(slot, new Tally());
            ring[position] = bucket;
        }
        return bucket.tally();
    }

    /** Drops the buckets that are no longer inside the window ending at {@code refMillis}. */
    void expire(long refMillis) {
        for (int i = 0; i < ring.length; i++) {
            if (ring[i] != null && !inWindow(ring[i].slot(), refMillis)) {
                ring[i] = null;
            }
        }
    }

    /** The buckets inside the window ending at {@code refMillis}, oldest first; expired ones are dropped. */
    List<Bucket> buckets(long refMillis) {
        expire(refMillis);
        List<Bucket> live = new ArrayList<>(BUCKETS);
        for (Bucket bucket : ring) {
            if (bucket != null) {
                live.add(bucket);
            }
        }
        live.sort(Comparator.comparingLong(Bucket::slot));
        return live;
    }

    /** Everything inside the window ending at {@code refMillis}, merged into a new tally. */
    Tally merged(long refMillis) {
        Tally sum = new Tally();
        for (Bucket bucket : buckets(refMillis)) {
            sum.merge(bucket.tally());
        }
        return sum;
    }

    /** Where the window ending at {@code refMillis} starts: the beginning of its oldest slot. */
    long startMillis(long refMillis) {
        return (slotOf(refMillis) - BUCKETS + 1) * bucketMillis;
    }

    /** Puts back a bucket read by the decoder, failing when its ring position is taken. */
    void restore(Bucket bucket) {
        int position = (int) Math.floorMod(bucket.slot(), (long) BUCKETS);
        if (ring[position] != null) {
            throw new IllegalArgumentException("buckets for slots " + ring[position].slot() + " and " + bucket.slot()
                    + " share ring position " + position);
        }
        ring[position] = bucket;
    }
}
