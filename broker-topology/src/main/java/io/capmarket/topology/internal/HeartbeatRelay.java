package io.capmarket.topology.internal;

import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.topology.EngineEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Relays heartbeats (keyed by instanceId) from every producer's own heartbeats topic to the
 * liveness table, keyed by the producer whose topic they came from, which only the platform
 * writes: matching then trusts a heartbeat only when its producer sent it. A heartbeat naming
 * another producer is refused, so no client can take a competitor out of matching with
 * {@code healthy=false} in its name. Each of a producer's processes (instanceId) counts on its own:
 * the producer is live while the latest heartbeat of any one of them is healthy and fresh
 * ({@link io.capmarket.topology.core.ProducerInstances}, folded by the liveness table's mirror), so
 * one process closing does not pause its peers. A heartbeat is relayed dated no later than the
 * topology's clock, so a producer cannot date one in the future to stay live after it stops.
 */
final class HeartbeatRelay implements Processor<String, ProducerHeartbeat, String, RelayOutput> {

    private final TopicPattern<String, ProducerHeartbeat> family;
    private final Clock clock;
    private final EngineEvents events;
    private ProcessorContext<String, RelayOutput> context;

    HeartbeatRelay(TopicPattern<String, ProducerHeartbeat> family, Clock clock, EngineEvents events) {
        this.family = family;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, RelayOutput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ProducerHeartbeat> record) {
        ProducerHeartbeat heartbeat = record.value();
        if (heartbeat == null) {
            // an instance's heartbeat removed from the compacted topic: liveness goes by the latest heartbeat
            events.ignored("empty heartbeat");
            return;
        }
        String topic = context.recordMetadata().orElseThrow().topic();
        Optional<String> owner = family.ownerOf(topic);
        if (owner.isEmpty() || !owner.get().equals(heartbeat.getProducerId())) {
            String reason = owner.isEmpty() ? "topic " + topic + " is not a producer's heartbeats topic"
                    : "heartbeat of instance " + heartbeat.getInstanceId() + " on producer " + owner.get() + "'s topic "
                            + topic + " claims producerId " + heartbeat.getProducerId()
                            + ": a producer sends only its own heartbeats";
            events.deadLettered(EngineEvents.IDENTITY);
            DeadLetter letter = DeadLetter.refusing(context, record, family.valueSerde().serializer(), reason, clock.instant());
            context.forward(new Record<String, RelayOutput>(record.key(), new RelayOutput.Refused(letter), record.timestamp(),
                    letter.headers()));
            return;
        }
        // a heartbeat dated in the future would keep its producer live until that time, whatever happens to it
        Instant now = clock.instant();
        ProducerHeartbeat relayed = heartbeat.getAt().isAfter(now)
                ? ProducerHeartbeat.newBuilder(heartbeat).setAt(now).build() : heartbeat;
        // the producer's own headers stay on its topic: the liveness table carries only what the platform vouches for
        context.forward(record.withKey(owner.get()).withValue(new RelayOutput.Attributed(relayed))
                .withHeaders(new RecordHeaders()));
    }
}
