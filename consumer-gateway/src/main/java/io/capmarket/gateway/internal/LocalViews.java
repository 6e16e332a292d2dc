package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The view stores of the tasks running on this instance, by partition, as their processors hold
 * them from start to close, and whether each has caught up with its partition of
 * {@code request-status}. A read of one request goes straight to its partition's store, which
 * Kafka Streams' interactive queries reach only after looking through every thread's tasks on
 * each read (a tenth of a submit's cost). The stores are the same ones interactive queries read,
 * safe to read from any thread; a store closed meanwhile fails the read as it would there.
 *
 * <p>A task that starts (after a restart, an unclean stop or a move to this instance) may be behind
 * its partition: statuses written while no instance read them, or read and not committed before a
 * crash. Until it has processed the last status its partition held past its committed position
 * when it started ({@link LastStatuses}, asked off the stream thread), a request absent from its store may only be
 * not read yet: such a read answers "retry later" instead of "no such request", and the instance
 * is not ready. A partition whose last status cannot be learned, or that has not reached it within
 * the bound (a status its processor never sees, as one refused by its deserializer), counts as
 * caught up, with a warning. Before learning where its partition ends, a starting task loads what
 * its reads need beside the store ({@link Preload}: the submits of its partition the topology has
 * not taken yet, {@link PendingSubmits}).
 */
public final class LocalViews {

    private static final Logger LOG = LoggerFactory.getLogger(LocalViews.class);
    /** How long a started partition may take to catch up before it counts as caught up anyway. */
    public static final Duration CATCH_UP_BOUND = Duration.ofSeconds(60);

    /**
     * The offset of the last status a starting task has still to read in its partition of
     * {@code request-status}: past its group's committed position, up to where a read_committed reader ends.
     */
    @FunctionalInterface
    public interface LastStatuses {

        /** Empty when there is none left to read; fails when it cannot be learned. */
        OptionalLong lastOffset(int partition);
    }

    /**
     * What else a starting task must have before its reads may say "no such request": asked off
     * the stream thread, before where its partition ends is learned; one call loads every task
     * started and not loaded yet.
     */
    @FunctionalInterface
    public interface Preload {

        /**
         * Loads what each of {@code partitions} needs beside its store (the view of each, by
         * partition); a failure counts as loaded, with a warning.
         */
        void load(Map<Integer, View> partitions);

        /**
         * The task of {@code partition} closed here (on the stream thread), or closed before its load
         * ended (then after it): what was loaded for it is no longer served from here.
         */
        default void unload(int partition) {
        }
    }

    private final ConcurrentHashMap<Integer, View> byPartition = new ConcurrentHashMap<>();
    /** The views opened and not loaded yet. */
    private final ConcurrentHashMap<Integer, View> starting = new ConcurrentHashMap<>();
    private final AtomicLong idsFull = new AtomicLong();
    private final AtomicLong unreadableDropped = new AtomicLong();
    private final AtomicLong indexRebuilds = new AtomicLong();
    private final AtomicLong indexRebuildNanos = new AtomicLong();
    private final AtomicLong indexEntriesRebuilt = new AtomicLong();
    private final Preload preload;
    private final LastStatuses lastStatuses;
    private final Executor asking;
    private final LongSupplier nanos;

    /** Views that count as caught up as soon as they start (a topology test, whose input is all there). */
    public LocalViews() {
        this(partition -> OptionalLong.empty(), Runnable::run, System::nanoTime);
    }

    /** Views with nothing to load beside their stores. */
    public LocalViews(LastStatuses lastStatuses, Executor asking, LongSupplier nanos) {
        this(partitions -> { }, lastStatuses, asking, nanos);
    }

    /**
     * @param preload what starting partitions load before they may catch up; every task start is in one of its calls
     * @param lastStatuses where each partition of {@code request-status} ends; asked once per task start, after the preload
     * @param asking runs both, off the stream thread, one task at a time in the order given
     * @param nanos the monotonic clock the catch-up bound is measured with
     */
    public LocalViews(Preload preload, LastStatuses lastStatuses, Executor asking, LongSupplier nanos) {
        this.preload = preload;
        this.lastStatuses = lastStatuses;
        this.asking = asking;
        this.nanos = nanos;
    }

    /**
     * The store of one started task and how far it has read, kept together: a read that asks
     * {@link #caughtUp()} before reading the store learns it of that store, even if the task moves meanwhile.
     */
    public final class View {

        private final KeyValueStore<String, RequestStatus> store;
        private final Predicate<String> mayHold;
        private final UnaryOperator<RequestStatus> withKeptDecisions;
        private final Progress progress;

        private View(KeyValueStore<String, RequestStatus> store, Predicate<String> mayHold,
                UnaryOperator<RequestStatus> withKeptDecisions, Progress progress) {
            this.store = store;
            this.mayHold = mayHold;
            this.withKeptDecisions = withKeptDecisions;
            this.progress = progress;
        }

        /** Whether this task has caught up with its partition: once true, its store holds every status it had to read. */
        public boolean caughtUp() {
            return progress.caughtUp(nanos.getAsLong());
        }

        /**
         * The view of a request in this store, if any; fails as an interactive query would when the
         * store closed meanwhile. A request the store never held is answered without reading it.
         */
        public Optional<RequestStatus> get(String requestId) {
            if (!mayHold.test(requestId)) {
                if (!store.isOpen()) {
                    throw new InvalidStateStoreException("the request views of partition " + progress.partition
                            + " closed on this instance");
                }
                return Optional.empty();
            }
            return Optional.ofNullable(store.get(requestId));
        }

        /**
         * A status of this store ({@link #get}) or accepted here, with every matching decision its view
         * keeps: a status carries only those of its own step. Fails as {@link #get} does when the store closed meanwhile.
         */
        public RequestStatus withKeptDecisions(RequestStatus status) {
            return withKeptDecisions.apply(status);
        }
    }

    /**
     * A task of {@code partition} started with {@code store}; its processor reports the offset of
     * each record it has stored to the progress returned.
     *
     * @param mayHold false for a request id the store certainly does not hold (its processor's {@code WrittenKeys})
     * @param withKeptDecisions a stored status with the decisions its view keeps beside the store ({@link View#withKeptDecisions})
     */
    Progress opened(int partition, KeyValueStore<String, RequestStatus> store, Predicate<String> mayHold,
            UnaryOperator<RequestStatus> withKeptDecisions) {
        Progress started = new Progress(partition, nanos);
        View view = new View(store, mayHold, withKeptDecisions, started);
        byPartition.put(partition, view);
        starting.put(partition, view);
        asking.execute(this::loadStarting);
        return started;
    }

    /**
     * Loads every partition started and not loaded yet at once (the tasks that start while an
     * earlier load runs share the next one), then asks where each of them ends.
     */
    private void loadStarting() {
        Map<Integer, View> batch = new TreeMap<>();
        for (Integer partition : List.copyOf(starting.keySet())) {
            View view = starting.remove(partition);
            if (view != null) {
                batch.put(partition, view);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            preload.load(Map.copyOf(batch));
        } catch (RuntimeException e) {
            LOG.warn("partitions {} of the request views could not load what they hold beside their stores; they catch up "
                    + "without it: {}", batch.keySet(), e.toString());
        }
        batch.forEach((partition, view) -> {
            if (byPartition.get(partition) != view) {
                // closed while it loaded: what the load held after the close's unload is not served from here either
                unload(partition);
            }
            long target;
            try {
                target = lastStatuses.lastOffset(partition).orElse(-1);
            } catch (RuntimeException e) {
                LOG.warn("could not learn where partition {} of request-status ends; its request views count as caught up: {}",
                        partition, e.toString());
                target = -1;
            }
            view.progress.target(target);
        });
    }

    /** The task of {@code partition} that held {@code store} closed: what was loaded for it is unloaded ({@link Preload#unload}). */
    void closed(int partition, KeyValueStore<String, RequestStatus> store) {
        View current = byPartition.get(partition);
        if (current != null && current.store == store && byPartition.remove(partition, current)) {
            unload(partition);
        }
    }

    private void unload(int partition) {
        try {
            preload.unload(partition);
        } catch (RuntimeException e) {
            LOG.warn("partition {} of the request views could not unload what it held beside its store: {}", partition, e.toString());
        }
    }

    /** A task's memory of the ids its store holds passed its bound (on the stream thread). */
    void idsOverflowed() {
        idsFull.incrementAndGet();
    }

    /** A starting task dropped a restored view it could not read (on the stream thread). */
    void droppedUnreadable() {
        unreadableDropped.incrementAndGet();
    }

    /** How many restored views starting tasks dropped because they could not be read, since this instance started. */
    public long unreadableDropped() {
        return unreadableDropped.get();
    }

    /** How many tasks' memories of their stores' ids passed their bound, since this instance started. */
    public long idsFull() {
        return idsFull.get();
    }

    /**
     * A starting task rebuilt its list index from its views (on the stream thread): wrote
     * {@code entries} in {@code nanos}, the clearing of the entries before included.
     */
    void indexRebuilt(long entries, long nanos) {
        indexEntriesRebuilt.addAndGet(entries);
        indexRebuildNanos.addAndGet(nanos);
        indexRebuilds.incrementAndGet();
    }

    /** How many times a starting task rebuilt its list index, since this instance started. */
    public long indexRebuilds() {
        return indexRebuilds.get();
    }

    /** How long the rebuilds of {@link #indexRebuilds} took together, in nanoseconds. */
    public long indexRebuildNanos() {
        return indexRebuildNanos.get();
    }

    /** How many list-index entries the rebuilds of {@link #indexRebuilds} wrote together. */
    public long indexEntriesRebuilt() {
        return indexEntriesRebuilt.get();
    }

    /** The view of a partition whose task runs here (its processor started), or null. */
    public View view(int partition) {
        return byPartition.get(partition);
    }

    /** Whether the views of every partition whose task runs here have caught up. */
    public boolean caughtUp() {
        long now = nanos.getAsLong();
        return byPartition.values().stream().allMatch(view -> view.progress.caughtUp(now));
    }

    /** How many partitions whose task runs here have not caught up yet. */
    public int catchingUp() {
        long now = nanos.getAsLong();
        return (int) byPartition.values().stream().filter(view -> !view.progress.caughtUp(now)).count();
    }

    /** How far one started partition has read, against where it ended when it started. */
    static final class Progress {

        private static final long UNKNOWN = Long.MIN_VALUE;

        private final int partition;
        private final LongSupplier nanos;
        private final long startedNanos;
        private volatile long target = UNKNOWN;
        private volatile long processed = -1;
        private volatile boolean caughtUp;

        private Progress(int partition, LongSupplier nanos) {
            this.partition = partition;
            this.nanos = nanos;
            this.startedNanos = nanos.getAsLong();
        }

        /** The processor read and stored the record at {@code offset} (on the stream thread). */
        void processed(long offset) {
            if (offset > processed) {
                processed = offset;
            }
            if (!caughtUp && target != UNKNOWN && offset >= target) {
                caughtUp = true;
                LOG.info("the request views of partition {} caught up with request-status (offset {}) {} ms after their task started",
                        partition, target, (nanos.getAsLong() - startedNanos) / 1_000_000);
            }
        }

        private void target(long offset) {
            target = offset;
            if (processed >= offset) {
                caughtUp = true;
            }
        }

        private boolean caughtUp(long now) {
            if (caughtUp) {
                return true;
            }
            if (target != UNKNOWN && processed >= target) {
                caughtUp = true;
                return true;
            }
            if (now - startedNanos > CATCH_UP_BOUND.toNanos()) {
                caughtUp = true;
                LOG.warn("the request views of partition {} did not reach offset {} of request-status within {} (at {}); they count "
                        + "as caught up", partition, target == UNKNOWN ? "unknown" : Long.toString(target), CATCH_UP_BOUND, processed);
                return true;
            }
            return false;
        }
    }
}
