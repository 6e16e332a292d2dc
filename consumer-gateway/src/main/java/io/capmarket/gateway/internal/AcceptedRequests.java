package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.RequestStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests this instance accepted that its store does not hold yet: a submit is answered once
 * Kafka has acknowledged it, and the topology's first status of the request reaches the store a
 * little later. Until then the request is read from here, on the instance that owns its id (every
 * instance forwards its reads and submits there), so a caller reads what it just wrote.
 *
 * <p>Bounded: at most {@link #MAX_HELD} requests, each for at most {@link #MAX_AGE} (the topology
 * may be stopped; the request is then readable once it runs again). When full, a submit is
 * refused with a {@link RetryLaterException} before anything is written. Held in memory only: an
 * instance whose views task starts (after a restart, or taking the partition over from another
 * instance) holds again the submits of its partition the topology has not taken yet
 * ({@link #holdPending}), read back from {@code requests}. Each request is held with the partition
 * of the views it lives in: when that partition's task closes here (it moved to another instance,
 * or restarts), its acknowledged requests are no longer held here ({@link #forget}), and lists
 * show only those of the partitions this instance serves, so a request is listed once, by its owner.
 */
public final class AcceptedRequests {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptedRequests.class);

    /** The most requests held at once. */
    public static final int MAX_HELD = 100_000;
    /** The longest a request is held when no status of it arrives. */
    public static final Duration MAX_AGE = Duration.ofMinutes(15);

    /** A request held, of a partition of the views; {@code acknowledged} once Kafka has it (only then is it read from here). */
    private record Held(RequestStatus status, int partition, long heldAtNanos, boolean acknowledged) {
    }

    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    /** @param nanos a monotonic clock ({@code System::nanoTime}) */
    public AcceptedRequests(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * Holds a request about to be written, unread until {@link #acknowledged}: the store may get
     * the topology's status of it before the acknowledgement arrives, and then it is not held any
     * more. Refuses the submit when the bound is reached (nothing has been written yet).
     *
     * @param partition the partition of the views the request lives in
     */
    public void reserve(RequestStatus status, int partition) {
        if (held.size() >= MAX_HELD) {
            throw new RetryLaterException("this gateway instance holds " + MAX_HELD
                    + " accepted requests the topology has not taken yet; retry shortly", Duration.ofSeconds(5));
        }
        held.put(status.getRequestId(), new Held(status, partition, nanos.getAsLong(), false));
    }

    /**
     * Holds, as acknowledged, a request accepted {@code age} ago (by this instance or another) that
     * the topology had not taken when a task of its views started here ({@link PendingSubmits}); it
     * expires {@link #MAX_AGE} after it was accepted. A request already held stays as it is.
     *
     * @param partition the partition of the views the request lives in
     * @return whether this call holds it: false when it was held already, is older than the hold, or the bound is reached
     */
    public boolean holdPending(RequestStatus status, int partition, Duration age) {
        if (age.compareTo(MAX_AGE) >= 0) {
            return false;
        }
        if (held.size() >= MAX_HELD) {
            LOG.warn("this gateway instance holds {} accepted requests the topology has not taken yet; request {} is readable once "
                    + "the topology has taken it", MAX_HELD, status.getRequestId());
            return false;
        }
        return held.putIfAbsent(status.getRequestId(), new Held(status, partition, nanos.getAsLong() - age.toNanos(), true)) == null;
    }

    /** Kafka acknowledged the request: it is read from here until {@link #stored} (unless that came first). */
    public void acknowledged(String requestId) {
        held.computeIfPresent(requestId, (id, entry) -> new Held(entry.status(), entry.partition(), entry.heldAtNanos(), true));
    }

    /** Kafka did not write the request: stop holding it. */
    public void release(String requestId) {
        held.computeIfPresent(requestId, (id, entry) -> entry.acknowledged() ? entry : null);
    }

    /** Whether {@code requestId} is held but not acknowledged: Kafka has not settled its write yet. */
    public boolean writing(String requestId) {
        Held entry = held.get(requestId);
        return entry != null && !entry.acknowledged();
    }

    /** The acknowledged request held, if any. */
    public Optional<RequestStatus> get(String requestId) {
        Held entry = held.get(requestId);
        return entry == null || !entry.acknowledged() ? Optional.empty() : Optional.of(entry.status());
    }

    /** Every acknowledged request held of the partitions {@code served} accepts (for lists). */
    public List<RequestStatus> all(IntPredicate served) {
        return held.values().stream().filter(entry -> entry.acknowledged() && served.test(entry.partition())).map(Held::status).toList();
    }

    /** The ids of the requests held of {@code partition}, acknowledged or not. */
    public List<String> heldOf(int partition) {
        return held.entrySet().stream().filter(entry -> entry.getValue().partition() == partition).map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The task of {@code partition} closed here: its acknowledged requests are no longer held here
     * (the instance that starts it next reads back those the topology has not taken yet). Those
     * still waiting for Kafka's acknowledgement stay until it comes; lists and reads skip them
     * unless the partition is served here again. Returns how many were forgotten.
     */
    public int forget(int partition) {
        int[] removed = new int[1];
        held.values().removeIf(entry -> {
            boolean forgotten = entry.partition() == partition && entry.acknowledged();
            removed[0] += forgotten ? 1 : 0;
            return forgotten;
        });
        return removed[0];
    }

    /** The store has the request now: stop holding it. */
    public void stored(String requestId) {
        held.remove(requestId);
    }

    /** Forgets requests held longer than {@link #MAX_AGE}; returns how many. */
    public int expire() {
        long now = nanos.getAsLong();
        int[] removed = new int[1];
        held.values().removeIf(entry -> {
            boolean old = now - entry.heldAtNanos() > MAX_AGE.toNanos();
            removed[0] += old ? 1 : 0;
            return old;
        });
        return removed[0];
    }

    /** How many requests are held. */
    public int size() {
        return held.size();
    }
}
