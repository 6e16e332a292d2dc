package io.capmarket.topology.internal;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.topology.EngineEvents;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Takes fulfilment reports (keyed by requestId) from every producer's own fulfilment topic and
 * routes each to the task owning the capability it names. The producer is the one whose topic the
 * report came from: a report naming another producer is refused here. Whether the producer holds
 * the work it reports on is the engine's to judge (see {@code Lifecycle.judge}).
 */
final class FulfilmentIntake {

    private final Serializer<FulfilmentEvent> reportSerializer;
    private final Clock clock;
    private final EngineEvents events;
    private final int ownerPartitions;
    private ProcessorContext<String, IntakeOutput> context;

    FulfilmentIntake(TopicPattern<String, FulfilmentEvent> family, Clock clock, EngineEvents events, int ownerPartitions) {
        this.ownerPartitions = ownerPartitions;
        this.reportSerializer = family.valueSerde().serializer();
        this.clock = clock;
        this.events = events;
    }

    /** Binds to the task {@code context} runs, as {@link Intake#init} does. */
    void init(ProcessorContext<String, IntakeOutput> context) {
        this.context = context;
    }

    /** Takes one record of the family read from {@code topic}, whose name says it was written by {@code owner}. */
    void process(Record<String, FulfilmentEvent> record, String topic, Optional<String> owner) {
        FulfilmentEvent report = record.value();
        if (report == null) {
            events.ignored("empty fulfilment report");
            return;
        }
        if (owner.isEmpty() || !owner.get().equals(report.getProducerId())) {
            refuse(record, owner.isEmpty() ? "topic " + topic + " is not a producer's fulfilment topic"
                    : "fulfilment report for request " + report.getRequestId() + " on producer " + owner.get()
                            + "'s topic " + topic + " claims producerId " + report.getProducerId()
                            + ": a producer reports only on its own work");
            return;
        }
        IntakeOutput.route(context, record, report.getCapability(), new CapabilityEvent(report), ownerPartitions);
    }

    private void refuse(Record<String, FulfilmentEvent> record, String reason) {
        events.deadLettered(EngineEvents.IDENTITY);
        IntakeOutput.refuse(context, record, reportSerializer, reason, clock.instant());
    }
}
