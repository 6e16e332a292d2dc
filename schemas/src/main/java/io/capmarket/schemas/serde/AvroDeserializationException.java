package io.capmarket.schemas.serde;

import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be deserialized: says which topic (and, once known, which partition and
 * offset) and why. The record is poison for this reader: skip it or dead-letter it; reading it
 * again will fail again.
 *
 * <p>A Kafka consumer wraps this in a {@link RecordDeserializationException} that knows the
 * partition and offset; {@link #locate(RecordDeserializationException)} combines the two.
 */
public class AvroDeserializationException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;
    private final long offset;
    private final String reason;

    public AvroDeserializationException(String topic, String reason, Throwable cause) {
        this(topic, -1, -1L, reason, cause);
    }

    public AvroDeserializationException(String topic, int partition, long offset, String reason, Throwable cause) {
        super("cannot deserialize record from topic " + topic
                + (partition >= 0 ? " partition " + partition + " offset " + offset : "") + ": " + reason, cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.reason = reason;
    }

    /**
     * The failure a consumer reported, with its partition and offset.
     *
     * @return the located failure, with this library's reason when the deserializer was one of ours
     */
    public static AvroDeserializationException locate(RecordDeserializationException failure) {
        String reason = failure.getCause() instanceof AvroDeserializationException own
                ? own.reason()
                : String.valueOf(failure.getCause() == null ? failure.getMessage() : failure.getCause().getMessage());
        return new AvroDeserializationException(failure.topicPartition().topic(), failure.topicPartition().partition(),
                failure.offset(), reason, failure);
    }

    /** The topic the record came from. */
    public String topic() {
        return topic;
    }

    /** The record's partition, or -1 when not known. */
    public int partition() {
        return partition;
    }

    /** The record's offset, or -1 when not known. */
    public long offset() {
        return offset;
    }

    /** Why the record could not be read. */
    public String reason() {
        return reason;
    }
}
