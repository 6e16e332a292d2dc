package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.CapabilityEvent;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** What an intake processor emits: an event routed to its capability's owner, or a refusal. */
sealed interface IntakeOutput {

    /** An event for the task owning {@code capability} (the record key). */
    record Routed(CapabilityEvent event) implements IntakeOutput {
    }

    /** A refused record for the dead-letter topic. */
    record Refused(DeadLetter letter) implements IntakeOutput {
    }

    /** Forwards the record being processed to the dead-letter branch, re-serialized as it was read. */
    static <V> void refuse(ProcessorContext<String, IntakeOutput> context, Record<String, V> record, Serializer<V> serializer,
            String reason, Instant now) {
        DeadLetter letter = DeadLetter.refusing(context, record, serializer, reason, now);
        context.forward(new Record<String, IntakeOutput>(record.key(), new Refused(letter), record.timestamp(), letter.headers()));
    }
}
