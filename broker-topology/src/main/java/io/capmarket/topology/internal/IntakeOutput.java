package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.CapabilityEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** What an intake processor emits: an event routed to its capability's owner, or a refusal. */
sealed interface IntakeOutput {

    /** An event for the task owning {@code capability} (the record key). */
    record Routed(CapabilityEvent event) implements IntakeOutput {
    }

    /** A refused record for the dead-letter topic. */
    record Refused(DeadLetter letter) implements IntakeOutput {
    }

    /** Forwards the record being processed to the dead-letter branch, re-serialized as it was read. */
    static <V> void refuse(ProcessorContext<String, IntakeOutput> context,
            org.apache.kafka.streams.processor.api.Record<String, V> record, Serializer<V> serializer, String reason,
            Instant now) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetter.of(key, serializer.serialize(source.topic(), record.value()), source, reason, now);
        context.forward(new org.apache.kafka.streams.processor.api.Record<String, IntakeOutput>(record.key(),
                new Refused(letter), record.timestamp(), letter.headers()));
    }
}
