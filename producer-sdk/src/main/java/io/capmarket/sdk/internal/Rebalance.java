package io.capmarket.sdk.internal;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.ProducerListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the assignment loop does when the group moves partitions. A revoked partition goes to another
 * process of the producer, which reads it from its committed offset on: work still running here from
 * it would run there a second time, at once. So a revocation first waits, up to a bound, for that work
 * (and only that work) to settle, applying completions and committing as they come; the new owner then
 * starts past it. Work still running when the bound passes is handed over: logged and told to the
 * {@link ProducerListener}, since the next owner may run it again. A lost partition (this process was
 * out of the group) is someone else's already: there is nothing to wait for, only the handover to tell.
 * Either way, what waits here from the partition and its offsets are then forgotten. While the loop
 * stops, its drain waits for running work and reports what it hands back, so a revocation then waits
 * no longer than the drain and reports nothing. Called on the consumer thread only.
 */
final class Rebalance implements ConsumerRebalanceListener {

    /** The loop's side of a rebalance; called on the consumer thread. */
    interface Work {

        /**
         * Applies the completions of finished work and commits what is settled, first waiting up to
         * {@code wait} for one. False when the thread was interrupted while it waited.
         */
        boolean settle(Duration wait);

        /** The assignments running here that one of {@code partitions} delivered (first or again). */
        List<Assignment> runningFrom(Set<TopicPartition> partitions);

        /** Drops what is held of partitions no longer owned here: work not started, offsets, read back-off. */
        void forget(Set<TopicPartition> partitions);

        /** Whether the loop is stopping: its drain, not a revocation, reports the work it hands back. */
        boolean stopping();

        /** Whether the loop is stopping and the time its drain may take has passed. */
        boolean drainOver();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Rebalance.class);
    /** How long one wait for a completion lasts before the bound and the drain are checked again. */
    private static final Duration CHECK = Duration.ofMillis(50);

    private final Work work;
    private final Duration bound;
    private final ProducerListener listener;

    /** @param bound how long a revocation waits for running work of its partitions */
    Rebalance(Work work, Duration bound, ProducerListener listener) {
        this.work = work;
        this.bound = bound;
        this.listener = listener;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Set<TopicPartition> revoked = Set.copyOf(partitions);
        List<Assignment> left = awaitRunning(revoked);
        if (!left.isEmpty() && !work.stopping()) {
            handOver(left, "partitions " + revoked + " go to another process of the producer after waiting up to " + bound
                    + " for");
        }
        work.forget(revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        Set<TopicPartition> lost = Set.copyOf(partitions);
        List<Assignment> left = work.runningFrom(lost);
        LOG.warn("partitions {} were lost (this process was out of the group, its session expired or its poll was late): they are "
                + "another process's already, and nothing of them is committed from here any more", lost);
        if (!left.isEmpty() && !work.stopping()) {
            handOver(left, "partitions " + lost + " were lost with");
        }
        work.forget(lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // offsets come from the group's committed positions
    }

    /** Waits until no work of {@code revoked} runs here, the bound passed or the drain ran out; the work still running. */
    private List<Assignment> awaitRunning(Set<TopicPartition> revoked) {
        long deadline = System.nanoTime() + bound.toNanos();
        work.settle(Duration.ZERO);
        List<Assignment> left = work.runningFrom(revoked);
        if (!left.isEmpty()) {
            LOG.info("partitions {} are revoked: waiting up to {} for {} assignments from them running here ({})", revoked, bound,
                    left.size(), requestIds(left));
        }
        while (!left.isEmpty() && System.nanoTime() - deadline < 0 && !work.drainOver()) {
            if (!work.settle(CHECK)) {
                break; // interrupted: the thread is asked to end, not to wait
            }
            left = work.runningFrom(revoked);
        }
        return left;
    }

    private void handOver(List<Assignment> left, String what) {
        LOG.warn("{} {} assignments still running here ({}): their offsets are not committed, so the next owner may run the same "
                + "request and attempt again, even while it runs here; their outcomes are still reported from here", what, left.size(),
                requestIds(left));
        left.forEach(listener::assignmentHandedOver);
    }

    private static List<String> requestIds(List<Assignment> assignments) {
        return assignments.stream().map(a -> a.requestId() + " (attempt " + a.attempt() + ", revision " + a.revision() + ")").toList();
    }
}
