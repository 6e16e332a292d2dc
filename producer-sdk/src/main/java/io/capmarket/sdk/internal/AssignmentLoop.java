package io.capmarket.sdk.internal;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.ProducerNotOnboardedException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread of the producer's own {@code producer.<producerId>.assignments} topic: waits
 * until the topic exists (onboarding creates it; the SDK never does), then reads each record
 * ({@link AssignmentReader}) and hands the assignments to the {@link Workload}, which runs them on
 * worker threads while the offer has a free slot and routes CANCELs. It reads on while assignments
 * wait for a slot (pausing every partition only once {@value #PENDING_BOUND} wait), and commits an
 * offset only when the assignment at it and every one before it in its partition is settled; so it
 * pauses a partition once {@value #PARTITION_BOUND} of its records are read and not committable, and
 * resumes it when the oldest settles. When the group takes a partition away, work running here from it
 * is waited for (up to a bound) and committed before it goes, so that its next owner does not run it
 * again at the same time ({@link Rebalance}); work settled here behind an assignment that still waits
 * is not committed, and runs again there (at most {@value #PARTITION_BOUND} records of the partition).
 *
 * <p>While {@link HandlerTimeouts#MAX_STUCK_HANDLERS} handler threads or more are stuck past their
 * time ({@link HandlerTimeouts#overStuckBound()}), the process takes no new work; so that the work on
 * its partitions does not wait for it meanwhile, the loop leaves the group (its partitions revoked as
 * above, and taken by the producer's other processes), and joins it again once a stuck thread returns.
 *
 * <p>A record that can never be read or that is no valid assignment of this producer is skipped and
 * committed past; one that cannot be read for another reason (the schema registry unavailable) is
 * read again after a back-off, every partition held until then, and {@link #failed()} is true until
 * it is read. {@link #stop} and {@link #failed()} may be called on any thread; everything else here runs
 * on the consumer thread.
 */
public final class AssignmentLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration TOPIC_RECHECK = Duration.ofSeconds(5);
    private static final Duration TOPIC_LOG_INTERVAL = Duration.ofMinutes(1);
    /**
     * How many assignments may wait here, read but not started, before the consumer pauses every
     * partition: twice the SDK's default {@code max.poll.records} (one poll may add up to that many
     * more). Below it the consumer reads on, so that a CANCEL, or work for another offer, behind an
     * assignment waiting for a slot is read at once; at it, records stay in Kafka until a slot frees.
     */
    static final int PENDING_BOUND = 100;
    /**
     * How many records of one partition may be held here read but not committable (the oldest one not
     * settled, waiting or running, and every one read behind it, settled or not) before that partition
     * alone is paused: the commit cannot pass the oldest, so the partition's next owner would read them
     * all again, and run again the work settled here. A record past the bound is not taken: the loop
     * seeks back to it, and reads it once the oldest settled. A CANCEL behind them waits as well.
     */
    static final int PARTITION_BOUND = 100;

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final OwnTopics ownTopics;

    private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
    private final Workload work;
    private final AssignmentReader reader;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    /** Set when the loop stopped on an error rather than by {@link #stop}: no assignment is consumed here any more. */
    private volatile boolean failed;
    private volatile long drainUntilNanos;
    private final Rebalance rebalance;
    private final HandlerTimeouts timeouts;
    /** Whether the consumer is subscribed: not while too many handler threads are stuck ({@link #stepAside}). */
    private boolean subscribed;
    /** Whether the loop has left the group for stuck threads at least once. */
    private boolean steppedAside;

    public AssignmentLoop(Consumer<String, byte[]> consumer, String topic, Deserializer<io.capmarket.schemas.Assignment> deserializer,
            OwnTopics ownTopics, String producerId, Slots slots, ExecutorService workers, ExecutorService cancels,
            AsyncAssignmentHandler handler, Function<Assignment, ReportingContext> contexts, boolean autoAccept, Clock clock,
            ProducerListener listener, Duration rebalanceDrain, HandlerTimeouts timeouts) {
        this(consumer, topic, deserializer, ownTopics, producerId, slots, workers, cancels, handler, contexts, autoAccept, clock, listener,
                rebalanceDrain, timeouts, System::nanoTime);
    }

    /** As the other constructor, timing the back-off of reads with {@code nanoTime} (a test's manual ticker). */
    public AssignmentLoop(Consumer<String, byte[]> consumer, String topic, Deserializer<io.capmarket.schemas.Assignment> deserializer,
            OwnTopics ownTopics, String producerId, Slots slots, ExecutorService workers, ExecutorService cancels,
            AsyncAssignmentHandler handler, Function<Assignment, ReportingContext> contexts, boolean autoAccept, Clock clock,
            ProducerListener listener, Duration rebalanceDrain, HandlerTimeouts timeouts, LongSupplier nanoTime) {
        this.consumer = consumer;
        this.topic = topic;
        this.ownTopics = ownTopics;
        this.work = new Workload(slots, workers, cancels, handler, contexts, autoAccept, clock, listener, tracker, () -> stopping,
                timeouts);
        this.reader = new AssignmentReader(topic, deserializer, producerId, listener, tracker, work, nanoTime);
        this.rebalance = new Rebalance(new HeldWork(), rebalanceDrain, listener);
        this.timeouts = timeouts;
    }

    /**
     * Whether this process should take no more work: the loop stopped on an error (the consumer
     * failed for good: fenced, not authorized, an {@link Error} such as a missing method...), not
     * because it was asked to, or an outcome could not be published at all, so that nothing past it
     * on its partition can be committed any more; either way its unsettled assignments go to the
     * producer's next process once this one stops. Also while an assignment cannot be read for a
     * reason other than the record (the schema registry unavailable or refusing the credentials):
     * false again once it is read.
     */
    public boolean failed() {
        return failed || reader.unhealthy() || work.unsettled() && !stopping;
    }

    @Override
    public void run() {
        try {
            if (!awaitTopic()) {
                return;
            }
            while (!stopping) {
                try {
                    if (timeouts.overStuckBound()) {
                        stepAside();
                        continue;
                    }
                    if (!subscribed) {
                        join();
                    }
                    step();
                } catch (WakeupException e) {
                    // close() woke the poll up; the loop condition decides
                }
            }
            drain();
        } catch (Throwable e) {
            if (!stopping || !(e instanceof WakeupException || e instanceof InterruptException)) {
                failed = true;
                LOG.error("assignment consumer for {} stopped: {}; unsettled assignments will be redelivered, and this process's "
                        + "heartbeats say it is unhealthy from now on, so that no work is matched to it unless a peer is live: "
                        + "restart it", topic, e.toString(), e);
            }
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            // the client stops the workers once it refuses further publishing, so handed-back work reports nothing
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.warn("closing the assignment consumer failed: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    /**
     * Stops taking work and lets running handlers finish for up to {@code drain}; then leaves the
     * group. Unsettled assignments stay uncommitted and are redelivered to the next consumer.
     *
     * @return whether the loop stopped within {@code drain} plus a grace period
     */
    public boolean stop(Duration drain) {
        drainUntilNanos = System.nanoTime() + drain.toNanos();
        stopping = true;
        stopRequested.countDown();
        consumer.wakeup();
        try {
            return stopped.await(drain.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the assignments topic exists, logging why it waits: subscribing to a missing topic
     * would wait silently. False when the client stopped first.
     */
    private boolean awaitTopic() {
        long nextLog = System.nanoTime();
        while (!stopping) {
            try {
                ownTopics.require(topic);
                return true;
            } catch (RuntimeException e) {
                if (System.nanoTime() - nextLog >= 0) {
                    if (e instanceof ProducerNotOnboardedException) {
                        LOG.error("not consuming assignments yet: {}", e.getMessage());
                    } else {
                        LOG.warn("cannot check {} yet: {}", topic, e.toString());
                    }
                    nextLog = System.nanoTime() + TOPIC_LOG_INTERVAL.toNanos();
                }
            }
            try {
                stopRequested.await(TOPIC_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Subscribes to the topic: the group gives this process partitions of it. */
    private void join() {
        if (steppedAside) {
            LOG.info("fewer than {} handler threads are stuck now: this process joins the group of {} again",
                    HandlerTimeouts.MAX_STUCK_HANDLERS, topic);
        }
        consumer.subscribe(List.of(topic), rebalance);
        subscribed = true;
    }

    /**
     * Out of the group while too many handler threads are stuck: leaves it once (its partitions
     * revoked, their running work waited for and committed, what waits here handed back), then
     * applies completions and waits for a stuck thread to return or the loop to stop.
     */
    private void stepAside() throws InterruptedException {
        if (subscribed) {
            LOG.warn("{} handler threads are stuck: this process leaves the group of {}, so that the producer's other processes "
                    + "take its partitions, until one returns", timeouts.stuck(), topic);
            consumer.unsubscribe();
            subscribed = false;
            steppedAside = true;
        }
        work.applyCompletions();
        stopRequested.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void step() {
        Set<TopicPartition> rewound = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (rewound.contains(partition)) {
                continue; // read again from an earlier record of this poll
            }
            if (reader.holding() || full(partition) || !reader.receive(partition, record)) {
                consumer.seek(partition, record.offset());
                rewound.add(partition);
            }
        }
        work.startPending();
        work.applyCompletions();
        work.startPending();
        commit();
        pauseOrResume();
    }

    /** Whether the partition holds {@value #PARTITION_BOUND} records read and not committable. */
    private boolean full(TopicPartition partition) {
        return tracker.open(partition) >= PARTITION_BOUND;
    }

    /**
     * Pauses every partition while a record waits out a read back-off or {@value #PENDING_BOUND}
     * assignments wait, else only the full ones ({@link #full}); resumes the others.
     */
    private void pauseOrResume() {
        Set<TopicPartition> assigned = consumer.assignment();
        boolean all = work.waiting() >= PENDING_BOUND || reader.holding();
        Set<TopicPartition> held = all ? assigned : assigned.stream().filter(this::full).collect(Collectors.toSet());
        if (!held.isEmpty()) {
            consumer.pause(held);
        }
        Set<TopicPartition> free = new HashSet<>(consumer.paused());
        free.removeAll(held);
        if (!free.isEmpty()) {
            consumer.resume(free);
        }
    }

    private void drain() {
        int dropped = work.dropWaiting();
        Set<String> running = work.runningRequests();
        consumer.pause(consumer.assignment());
        if (!running.isEmpty() || dropped > 0) {
            LOG.info("draining {} running assignments ({} not started are handed back)", running.size(), dropped);
        }
        while (System.nanoTime() < drainUntilNanos) {
            work.applyCompletions();
            commit();
            if (running.isEmpty()) {
                break;
            }
            try {
                if (subscribed) {
                    consumer.poll(Duration.ofMillis(50));
                } else {
                    work.awaitCompletion(Duration.ofMillis(50));
                }
            } catch (WakeupException e) {
                // already stopping
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        work.applyCompletions();
        commit();
        if (!running.isEmpty()) {
            LOG.warn("handing back {} unfinished assignments ({}): their offsets are not committed, so they are redelivered",
                    running.size(), running);
        }
    }

    private void commit() {
        Map<TopicPartition, Long> next = tracker.toCommit();
        if (next.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = next.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
        try {
            consumer.commitSync(offsets);
            tracker.markCommitted(next);
        } catch (WakeupException e) {
            consumer.commitSync(offsets); // a wakeup must not lose a commit; the next poll sees stopping
            tracker.markCommitted(next);
        } catch (KafkaException e) {
            LOG.warn("committing {} failed ({}); retried on the next loop", offsets, e.toString());
        }
    }

    /** The loop's side of a rebalance, on the consumer thread. */
    private final class HeldWork implements Rebalance.Work {

        @Override
        public boolean settle(Duration wait) {
            boolean interrupted = false;
            try {
                work.awaitCompletion(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                interrupted = true;
            }
            work.applyCompletions();
            commit();
            return !interrupted;
        }

        @Override
        public List<Assignment> runningFrom(Set<TopicPartition> partitions) {
            return work.runningFrom(partitions);
        }

        @Override
        public void forget(Set<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                int doneBehind = tracker.doneBehind(partition);
                if (doneBehind > 0) {
                    LOG.warn("{} records of {} settled here behind an earlier one not settled are not committed: its next owner "
                            + "reads them again, and runs their work a second time", doneBehind, partition);
                }
            }
            work.forget(partitions);
            tracker.forget(partitions);
            reader.readable(partitions);
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public boolean drainOver() {
            return stopping && System.nanoTime() - drainUntilNanos >= 0;
        }
    }
}
