package io.capmarket.topology.internal;

import io.capmarket.schemas.topics.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record the topology refuses (an offer from an unapproved producer, a command for an unknown
 * request…), with its original bytes and the reason in {@link DeadLetterHeaders}.
 */
record DeadLetter(byte[] key, byte[] value, Headers headers) {

    static DeadLetter of(byte[] key, byte[] value, RecordMetadata source, String reason, Instant at) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, bytes(source.topic()));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, bytes(Integer.toString(source.partition())));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, bytes(Long.toString(source.offset())));
        headers.add(DeadLetterHeaders.REASON, bytes(reason));
        headers.add(DeadLetterHeaders.COMPONENT, bytes("topology"));
        headers.add(DeadLetterHeaders.AT, bytes(Long.toString(at.toEpochMilli())));
        return new DeadLetter(key, value, headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
