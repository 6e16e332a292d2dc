package io.capmarket.sdk.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions of {@link AssignmentLoop} whose next record could not be read for a reason other
 * than the record (the schema registry unavailable, refusing the credentials), and how long reading
 * waits before trying again: {@value #FIRST_SECONDS} s, doubling to {@value #MAX_SECONDS} s while
 * reads keep failing, from zero again once none is left unreadable. Touched by the loop's consumer
 * thread; {@link #unhealthy()} by any.
 */
final class ReadBackOff {

    /** Seconds before reading again after the first failure. */
    static final int FIRST_SECONDS = 1;
    /** The most seconds before reading again. */
    static final int MAX_SECONDS = 30;

    private final LongSupplier nanoTime;
    private final Set<TopicPartition> unreadable = new HashSet<>();
    /** Whether a partition is unreadable, for the heartbeat thread. */
    private volatile boolean unhealthy;
    private Duration backOff = Duration.ZERO;
    private long readAgainAtNanos;

    ReadBackOff(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A record of {@code partition} could not be read: the next back-off, doubled from the last. */
    Duration failed(TopicPartition partition) {
        Duration doubled = backOff.multipliedBy(2);
        Duration max = Duration.ofSeconds(MAX_SECONDS);
        backOff = backOff.isZero() ? Duration.ofSeconds(FIRST_SECONDS) : doubled.compareTo(max) > 0 ? max : doubled;
        readAgainAtNanos = nanoTime.getAsLong() + backOff.toNanos();
        unreadable.add(partition);
        unhealthy = true;
        return backOff;
    }

    /**
     * Records of {@code partitions} can be read (or the partitions were taken away).
     *
     * @return whether that left no partition unreadable, where one was
     */
    boolean readable(Set<TopicPartition> partitions) {
        if (unreadable.removeAll(partitions) && unreadable.isEmpty()) {
            backOff = Duration.ZERO;
            unhealthy = false;
            return true;
        }
        return false;
    }

    /** Whether reading waits out a back-off. */
    boolean holding() {
        return !unreadable.isEmpty() && nanoTime.getAsLong() - readAgainAtNanos < 0;
    }

    /** Whether a partition cannot be read now. */
    boolean unhealthy() {
        return unhealthy;
    }
}
