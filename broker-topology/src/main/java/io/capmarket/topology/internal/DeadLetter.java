package io.capmarket.topology.internal;

import io.capmarket.schemas.topics.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record the topology refuses (an offer from an unapproved producer, a command for an unknown
 * request…), with its original bytes and the reason in {@link DeadLetterHeaders}.
 */
record DeadLetter(byte[] key, byte[] value, Headers headers) {

    /** A refusal of the record being processed, read from {@code source}. */
    static DeadLetter of(byte[] key, byte[] value, RecordMetadata source, String reason, Instant at) {
        return of(key, value, source.topic(), source.partition(), source.offset(), reason, at);
    }

    /**
     * A refusal of the source record a processor is handling, re-serialized as it was read, with
     * its topic, partition and offset.
     */
    static <V> DeadLetter refusing(ProcessorContext<?, ?> context, Record<String, V> record, Serializer<V> serializer,
            String reason, Instant at) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        return of(key, serializer.serialize(source.topic(), record.value()), source, reason, at);
    }

    /**
     * A refusal of a record that came from {@code topic}; partition and offset are -1 when the
     * record passed a repartition topic on the way and its original position is not known.
     */
    static DeadLetter of(byte[] key, byte[] value, String topic, int partition, long offset, String reason, Instant at) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, bytes(topic));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, bytes(Integer.toString(partition)));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, bytes(Long.toString(offset)));
        headers.add(DeadLetterHeaders.REASON, bytes(reason));
        headers.add(DeadLetterHeaders.COMPONENT, bytes("topology"));
        headers.add(DeadLetterHeaders.AT, bytes(Long.toString(at.toEpochMilli())));
        return new DeadLetter(key, value, headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
