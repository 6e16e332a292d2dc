package io.capmarket.topology.internal;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.core.BoundedMemo;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The intake of everything that reaches the engine: offers and fulfilment reports from every
 * producer's own topics, commands from every team's and the gateway's requests topics. Each
 * record goes to the handler of its topic's family ({@link OfferIntake}, {@link FulfilmentIntake},
 * {@link RequestIntake}), which takes the author from the topic, and routes it to the task owning
 * its capability: this very task when the record's partition is the capability's (it goes
 * straight to the engine), another through the capability-events topic otherwise
 * ({@link IntakeOutput#route}).
 *
 * <p>The three families are read by <em>one</em> pattern source ({@link #pattern}), not one each:
 * in Kafka Streams a pattern source that matches no topic when its task is created is left out of
 * that task for good, and a topic of its family appearing later (a producer onboarded after the
 * start) fails the stream thread ("Topic ... is unknown to the topology"). The one source always
 * matches the gateway's {@code requests} topic, which is provisioned with the platform's topics,
 * so it is part of every task, and every topic of the three families found later is added to it.
 */
final class Intake implements Processor<String, SpecificRecord, String, IntakeOutput> {

    /** More topics than a deployment has producers and teams; past it the memos start again. */
    private static final int MAX_KNOWN_TOPICS = 10_000;

    private final TopicPattern<String, CapabilityOffer> offerTopics;
    private final TopicPattern<String, FulfilmentEvent> fulfilmentTopics;
    private final TopicPattern<String, RequestCommand> requestTopics;
    private final OfferIntake offers;
    private final FulfilmentIntake fulfilment;
    private final RequestIntake requests;
    /** The family and owner of every topic read so far, decided once per topic rather than per record. */
    private final BoundedMemo<String, Source> sources = BoundedMemo.byEquality(MAX_KNOWN_TOPICS, this::source);
    private ProcessorContext<String, IntakeOutput> context;

    private enum Family { OFFERS, FULFILMENT, REQUESTS }

    /** Where a topic's records go, and who the topic's name says wrote them. */
    private record Source(Family family, Optional<String> owner) {
    }

    Intake(Topics topics, Clock clock, EngineEvents events, PriorityGrants grants) {
        this.offerTopics = topics.everyProducersOffers();
        this.fulfilmentTopics = topics.everyProducersFulfilment();
        this.requestTopics = topics.everyRequests();
        int ownerPartitions = topics.capabilityEvents().spec().partitions();
        this.offers = new OfferIntake(offerTopics, clock, events, ownerPartitions);
        this.fulfilment = new FulfilmentIntake(fulfilmentTopics, clock, events, ownerPartitions);
        this.requests = new RequestIntake(requestTopics, clock, events, grants, ownerPartitions);
    }

    /** Every topic the intake reads: every producer's offers and fulfilment topics, every requests topic. */
    static Pattern pattern(Topics topics) {
        return Pattern.compile(topics.everyProducersOffers().pattern().pattern() + "|"
                + topics.everyProducersFulfilment().pattern().pattern() + "|" + topics.everyRequests().pattern().pattern());
    }

    /**
     * Reads each record with its topic family's value serde, so that a record that cannot be read
     * is still refused by the deserialization handler, as it was read. Writing is not needed (refusals
     * re-serialize with their family's serde).
     */
    static Serde<SpecificRecord> valueSerde(Topics topics) {
        Map<TopicPattern<String, ? extends SpecificRecord>, Deserializer<? extends SpecificRecord>> families = Map.of(
                topics.everyProducersOffers(), topics.everyProducersOffers().valueSerde().deserializer(),
                topics.everyProducersFulfilment(), topics.everyProducersFulfilment().valueSerde().deserializer(),
                topics.everyRequests(), topics.everyRequests().valueSerde().deserializer());
        Serializer<SpecificRecord> unused = (topic, value) -> {
            throw new UnsupportedOperationException("the intake's source serde only reads");
        };
        return Serdes.serdeFrom(unused, new Deserializer<>() {
            private final BoundedMemo<String, Deserializer<? extends SpecificRecord>> byTopic = BoundedMemo.concurrent(MAX_KNOWN_TOPICS,
                    topic -> families.entrySet().stream().filter(family -> family.getKey().matches(topic)).findFirst()
                            .map(Map.Entry::getValue)
                            .orElseThrow(() -> new SerializationException("topic " + topic + " is not one the intake reads")));

            @Override
            public SpecificRecord deserialize(String topic, byte[] data) {
                return of(topic).deserialize(topic, data);
            }

            @Override
            public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
                return of(topic).deserialize(topic, headers, data);
            }

            private Deserializer<? extends SpecificRecord> of(String topic) {
                return byTopic.get(topic);
            }
        });
    }

    @Override
    public void init(ProcessorContext<String, IntakeOutput> context) {
        this.context = context;
        offers.init(context);
        fulfilment.init(context);
        requests.init(context);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String topic = context.recordMetadata().orElseThrow().topic();
        Source source = sources.get(topic);
        switch (source.family()) {
            case OFFERS -> offers.process(narrowed(record), topic, source.owner());
            case FULFILMENT -> fulfilment.process(narrowed(record), topic, source.owner());
            case REQUESTS -> requests.process(narrowed(record), topic, source.owner());
        }
    }

    private Source source(String topic) {
        if (offerTopics.matches(topic)) {
            return new Source(Family.OFFERS, offerTopics.ownerOf(topic));
        } else if (fulfilmentTopics.matches(topic)) {
            return new Source(Family.FULFILMENT, fulfilmentTopics.ownerOf(topic));
        } else if (requestTopics.matches(topic)) {
            return new Source(Family.REQUESTS, requestTopics.ownerOf(topic));
        }
        throw new IllegalStateException("topic " + topic + " is not one the intake reads");
    }

    /** The record as its family's type: its value was read by that family's deserializer ({@link #valueSerde}). */
    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> Record<String, V> narrowed(Record<String, SpecificRecord> record) {
        return (Record<String, V>) (Record<String, ?>) record;
    }
}
