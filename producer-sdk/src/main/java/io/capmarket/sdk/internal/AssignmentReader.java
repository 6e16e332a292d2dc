package io.capmarket.sdk.internal;

import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.schemas.serde.RegistryFailure;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.ProducerListener;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one record of {@link AssignmentLoop}'s topic and hands what it holds to the {@link Workload}.
 * A record that can never be read (bytes that are not Avro of an assignment, a schema id the
 * registry does not know) or that is no valid assignment of this producer is skipped: logged,
 * told to {@link ProducerListener#assignmentSkipped} and committed past. A record that cannot be
 * read for another reason (the schema registry unavailable, refusing the credentials, timing out)
 * is read again: the loop seeks back to it and holds every partition for a back-off
 * ({@link ReadBackOff}: 1 s doubling to 30 s), and {@link #unhealthy()} is true until it is read.
 * Touched by the loop's consumer thread only, but for {@link #unhealthy()}.
 */
final class AssignmentReader {

    /** The loop's logger, as before this class was split off it: logging set up for the loop still covers these messages. */
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLoop.class);

    private final String topic;
    private final Deserializer<io.capmarket.schemas.Assignment> deserializer;
    private final String producerId;
    private final ProducerListener listener;
    private final OffsetTracker<TopicPartition> tracker;
    private final Workload work;
    private final ReadBackOff readBackOff;

    /** @param nanoTime times the back-off of reads ({@code System::nanoTime}, or a test's manual ticker) */
    AssignmentReader(String topic, Deserializer<io.capmarket.schemas.Assignment> deserializer, String producerId,
            ProducerListener listener, OffsetTracker<TopicPartition> tracker, Workload work, LongSupplier nanoTime) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.producerId = producerId;
        this.listener = listener;
        this.tracker = tracker;
        this.work = work;
        this.readBackOff = new ReadBackOff(nanoTime);
    }

    /** Whether a record cannot be read now, for a reason other than the record: false again once it is read. */
    boolean unhealthy() {
        return readBackOff.unhealthy();
    }

    /** Whether reading waits out a back-off after a record could not be read. */
    boolean holding() {
        return readBackOff.holding();
    }

    /**
     * Takes one record in: hands it on, or skips it when it can never be read or is no valid
     * assignment of this producer. False when it cannot be read now for a reason other than the
     * record itself: nothing of it was taken, and it must be read again.
     */
    boolean receive(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        io.capmarket.schemas.Assignment avro;
        try {
            avro = record.value() == null ? null : deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            if (!poison(e)) {
                cannotRead(partition, record.offset(), e);
                return false;
            }
            readable(Set.of(partition));
            skip(partition, record.offset(), "it cannot be read: " + e.getMessage());
            return true;
        }
        readable(Set.of(partition));
        if (avro == null || !producerId.equals(avro.getProducerId())) {
            skip(partition, record.offset(), avro == null ? "empty record" : "it is for producer " + avro.getProducerId());
            return true;
        }
        Assignment assignment;
        try {
            assignment = AssignmentCodec.fromAvro(avro);
        } catch (RuntimeException e) {
            skip(partition, record.offset(), "it is no valid assignment: " + e.getMessage());
            return true;
        }
        work.take(partition, record.offset(), assignment, record.headers());
        return true;
    }

    /** Records of {@code partitions} can be read (or the partitions were taken away): once none is left unreadable, reading is healthy. */
    void readable(Set<TopicPartition> partitions) {
        if (readBackOff.readable(partitions)) {
            LOG.info("assignments of {} are read again", topic);
        }
    }

    /**
     * Whether a failure to deserialize is the record's own, so that reading it again fails again:
     * bytes that are not Avro of an assignment, or a schema id the registry does not know (40403).
     * Any other registry failure (unavailable, credentials refused, a 404 without that code) is not.
     */
    private static boolean poison(RuntimeException failure) {
        return failure instanceof AvroDeserializationException && RegistryFailure.in(failure).isEmpty();
    }

    /** Skips a record for good: nothing to do, so done at once, and the commit passes it. */
    private void skip(TopicPartition partition, long offset, String reason) {
        LOG.error("skipping the assignment at {}-{}@{}: {}", partition.topic(), partition.partition(), offset, reason);
        listener.assignmentSkipped(partition.topic(), partition.partition(), offset, reason);
        tracker.received(partition, offset);
        tracker.done(partition, offset);
    }

    /** A record could not be read, not for anything in it: read again after a back-off, the process unhealthy until then. */
    private void cannotRead(TopicPartition partition, long offset, RuntimeException failure) {
        Duration readBackoff = readBackOff.failed(partition);
        LOG.warn("cannot read the assignment at {}-{}@{} now: {}; reading it again in {} s, and this process's heartbeats say it is "
                + "unhealthy until it can", partition.topic(), partition.partition(), offset, failure.toString(), readBackoff.toSeconds());
    }
}
