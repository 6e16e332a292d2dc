package io.capmarket.topology.internal;

import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.schemas.topology.CapabilityEvent;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** What an intake processor emits: an event routed to its capability's owner, or a refusal. */
sealed interface IntakeOutput {

    /**
     * An event for the task owning {@code capability} (the record key).
     *
     * @param owned whether the task that read it owns the capability: then it goes straight to the
     *     engine; otherwise through the capability-events topic
     */
    record Routed(CapabilityEvent event, boolean owned) implements IntakeOutput {
    }

    /** A refused record for the dead-letter topic. */
    record Refused(DeadLetter letter) implements IntakeOutput {
    }

    /**
     * Forwards {@code event} about {@code capability} to the capability's owner: this task when
     * the capability's partition of the capability-events topic ({@code ownerPartitions} of them)
     * is this task's, else another, through that topic.
     */
    static <V> void route(ProcessorContext<String, IntakeOutput> context, Record<String, V> record, String capability,
            CapabilityEvent event, int ownerPartitions) {
        context.forward(record.withKey(capability).withValue(new Routed(event, owns(context, capability, ownerPartitions))));
    }

    /** Whether the task of {@code context} owns {@code capability}: its partition of capability-events is the task's. */
    static boolean owns(ProcessorContext<?, ?> context, String capability, int ownerPartitions) {
        return CapabilityPartitions.of(capability, ownerPartitions) == context.taskId().partition();
    }

    /** Forwards the record being processed to the dead-letter branch, re-serialized as it was read. */
    static <V> void refuse(ProcessorContext<String, IntakeOutput> context, Record<String, V> record, Serializer<V> serializer,
            String reason, Instant now) {
        DeadLetter letter = DeadLetter.refusing(context, record, serializer, reason, now);
        context.forward(new Record<String, IntakeOutput>(record.key(), new Refused(letter), record.timestamp(), letter.headers()));
    }
}
