package io.capmarket.topology.internal;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.serde.AvroSerde;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the topology's sources, processors, stores and sinks; see {@code CapmarketTopology}. Inputs
 * are families of topics read by pattern (every producer's offers, every team's requests and the
 * gateway's...), so a producer or team onboarded later is read without a restart, once the main
 * consumer's metadata shows its topics. Offers, requests and fulfilment share one source (see
 * {@link Intake} for why); heartbeats have their own.
 */
public final class TopologyAssembly {

    private final Topics topics;
    private final SchemaRegistryClient registry;
    private final TopologySettings settings;
    private final Clock clock;
    private final EngineEvents events;
    private final DslStoreSuppliers stores;

    public TopologyAssembly(Topics topics, SchemaRegistryClient registry, TopologySettings settings, Clock clock,
            EngineEvents events, DslStoreSuppliers stores) {
        this.topics = topics;
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.stores = stores;
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        globalTable(builder, topics.liveness(), TopologyNames.HEARTBEAT_STORE);
        globalTable(builder, topics.producers(), TopologyNames.APPROVAL_STORE);

        Map<String, KStream<String, IntakeOutput>> intake = builder
                .stream(Intake.pattern(topics), Consumed.with(Serdes.String(), BoundedInput.bounded(Intake.valueSerde(topics)))
                        .withName(TopologyNames.INTAKE_SOURCE))
                .process(supplier(() -> new Intake(topics, clock, events, settings.priorityGrants()),
                        store(TopologyNames.OFFER_INDEX_STORE, Serdes.String()),
                        writtenOnce(TopologyNames.REQUEST_INDEX_STORE, Serdes.String())), Named.as(TopologyNames.INTAKE))
                .split(Named.as(TopologyNames.INTAKE_OUTPUT))
                .branch((key, out) -> out instanceof IntakeOutput.Refused, Branched.as("refused"))
                .defaultBranch(Branched.as("routed"));
        deadLetters(intake.get(TopologyNames.INTAKE_OUTPUT + "refused")
                .mapValues(out -> ((IntakeOutput.Refused) out).letter(), Named.as(TopologyNames.INTAKE_OUTPUT + "letters")),
                TopologyNames.DEAD_LETTER_SINK + "-intake");

        KStream<String, EngineOutput> engine = intake.get(TopologyNames.INTAKE_OUTPUT + "routed")
                .mapValues(out -> ((IntakeOutput.Routed) out).event(), Named.as(TopologyNames.INTAKE_OUTPUT + "events"))
                .repartition(Repartitioned.<String, CapabilityEvent>as(TopologyNames.CAPABILITY_EVENTS)
                        .withKeySerde(Serdes.String()).withValueSerde(avro(CapabilityEvent.class)))
                .process(supplier(() -> new CapabilityEngine(settings, clock, events, topics),
                        store(TopologyNames.OFFER_STATE_STORE, avro(OfferState.class)),
                        store(TopologyNames.CONTRACT_STORE, avro(CapabilityContract.class)),
                        store(TopologyNames.REQUEST_STORE, topics.requestStatus().valueSerde()),
                        store(TopologyNames.WAITLIST_STORE, Serdes.String()),
                        writtenOnce(TopologyNames.DEADLINE_STORE, Serdes.String()),
                        store(TopologyNames.COUNTER_STORE, avro(CapabilityCounters.class)),
                        store(TopologyNames.SCORE_STORE, Serdes.ByteArray())),
                        Named.as(TopologyNames.ENGINE));

        Map<String, KStream<String, EngineOutput>> outputs = engine
                .split(Named.as(TopologyNames.ENGINE_OUTPUT))
                .branch((key, out) -> out instanceof EngineOutput.Status, Branched.as("status"))
                .branch((key, out) -> out instanceof EngineOutput.Instruction, Branched.as("instruction"))
                .branch((key, out) -> out instanceof EngineOutput.Catalog, Branched.as("catalog"))
                .branch((key, out) -> out instanceof EngineOutput.Score, Branched.as("score"))
                .defaultBranch(Branched.as("refused"));
        outputs.get(TopologyNames.ENGINE_OUTPUT + "status")
                .mapValues(out -> ((EngineOutput.Status) out).status(), Named.as(TopologyNames.ENGINE_OUTPUT + "statuses"))
                .to(topics.requestStatus().name(), produced(topics.requestStatus(), TopologyNames.STATUS_SINK));
        Serde<Assignment> assignments = avro(Assignment.class);
        outputs.get(TopologyNames.ENGINE_OUTPUT + "instruction")
                .mapValues(out -> ((EngineOutput.Instruction) out).assignment(), Named.as(TopologyNames.ENGINE_OUTPUT + "assignments"))
                .to((requestId, assignment, context) -> topics.assignmentsName(assignment.getProducerId()),
                        Produced.with(Serdes.String(), assignments).withName(TopologyNames.ASSIGNMENT_SINK));
        outputs.get(TopologyNames.ENGINE_OUTPUT + "catalog")
                .mapValues(out -> ((EngineOutput.Catalog) out).view(), Named.as(TopologyNames.ENGINE_OUTPUT + "views"))
                .to(topics.catalog().name(), produced(topics.catalog(), TopologyNames.CATALOG_SINK));
        outputs.get(TopologyNames.ENGINE_OUTPUT + "score")
                .mapValues(out -> ((EngineOutput.Score) out).score(), Named.as(TopologyNames.ENGINE_OUTPUT + "scores"))
                .to(topics.scorecard().name(), produced(topics.scorecard(), TopologyNames.SCORECARD_SINK));
        deadLetters(outputs.get(TopologyNames.ENGINE_OUTPUT + "refused")
                .mapValues(out -> ((EngineOutput.Refused) out).letter(), Named.as(TopologyNames.ENGINE_OUTPUT + "letters")),
                TopologyNames.DEAD_LETTER_SINK + "-engine");
        // added last, so that the intake and the engine keep their sub-topology numbers (and task ids)
        relayHeartbeats(builder);
        return builder.build();
    }

    /**
     * Heartbeats from every producer's own topic, attributed to that producer, to the liveness
     * topic the heartbeat table reads; refused ones to the dead letters.
     */
    private void relayHeartbeats(StreamsBuilder builder) {
        TopicPattern<String, ProducerHeartbeat> heartbeatTopics = topics.everyProducersHeartbeats();
        Map<String, KStream<String, RelayOutput>> relayed = builder
                .stream(heartbeatTopics.pattern(), consumed(heartbeatTopics, TopologyNames.HEARTBEATS_SOURCE))
                .process(supplier(() -> new HeartbeatRelay(heartbeatTopics, clock, events)), Named.as(TopologyNames.HEARTBEAT_RELAY))
                .split(Named.as(TopologyNames.HEARTBEAT_RELAY_OUTPUT))
                .branch((key, out) -> out instanceof RelayOutput.Refused, Branched.as("refused"))
                .defaultBranch(Branched.as("attributed"));
        relayed.get(TopologyNames.HEARTBEAT_RELAY_OUTPUT + "attributed")
                .mapValues(out -> ((RelayOutput.Attributed) out).heartbeat(),
                        Named.as(TopologyNames.HEARTBEAT_RELAY_OUTPUT + "heartbeats"))
                .to(topics.liveness().name(), produced(topics.liveness(), TopologyNames.LIVENESS_SINK));
        deadLetters(relayed.get(TopologyNames.HEARTBEAT_RELAY_OUTPUT + "refused")
                .mapValues(out -> ((RelayOutput.Refused) out).letter(),
                        Named.as(TopologyNames.HEARTBEAT_RELAY_OUTPUT + "letters")),
                TopologyNames.DEAD_LETTER_SINK + "-heartbeats");
    }

    private void deadLetters(KStream<String, DeadLetter> letters, String sinkName) {
        letters.map((key, letter) -> KeyValue.pair(letter.key(), letter.value()), Named.as(sinkName + "-bytes"))
                .to(topics.deadLetters().name(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(sinkName));
    }

    private <V extends SpecificRecord> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String storeName) {
        builder.globalTable(topic.name(), consumed(topic, storeName + "-source"),
                Materialized.<String, V>as(stores.keyValueStore(new DslKeyValueParams(storeName, DslStoreFormat.TIMESTAMPED)))
                        .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde()));
    }

    /** How every input topic is read: values larger than {@link BoundedInput#MAX_VALUE_BYTES} are refused. */
    private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic, String name) {
        return Consumed.with(topic.keySerde(), BoundedInput.bounded(topic.valueSerde())).withName(name);
    }

    /** How every topic of a family is read, with the same bound. */
    private static <K, V> Consumed<K, V> consumed(TopicPattern<K, V> family, String name) {
        return Consumed.with(family.keySerde(), BoundedInput.bounded(family.valueSerde())).withName(name);
    }

    private static <K, V> Produced<K, V> produced(Topic<K, V> topic, String name) {
        return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }

    /**
     * A store whose keys change again soon (a capability's counters and offers, a request that is
     * accepted and fulfilled within a commit interval, a request that waits a moment): the record
     * cache coalesces their writes into one changelog record per commit.
     */
    private <V> StoreBuilder<?> store(String name, Serde<V> valueSerde) {
        return Stores.keyValueStoreBuilder(stores.keyValueStore(new DslKeyValueParams(name, DslStoreFormat.PLAIN)),
                Serdes.String(), valueSerde).withCachingEnabled();
    }

    /**
     * A store whose keys are written once and deleted, if ever, long after the commit (a request's
     * index entry, an assignment's deadline): a cache would coalesce nothing and costs a copy per write.
     */
    private <V> StoreBuilder<?> writtenOnce(String name, Serde<V> valueSerde) {
        return Stores.keyValueStoreBuilder(stores.keyValueStore(new DslKeyValueParams(name, DslStoreFormat.PLAIN)),
                Serdes.String(), valueSerde).withCachingDisabled();
    }

    private <V extends SpecificRecord> Serde<V> avro(Class<V> type) {
        AvroSerde<V> serde = AvroSerde.specific(type, registry);
        serde.configure(Map.of(), false);
        return serde;
    }

    private static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> supplier(
            Supplier<Processor<KIn, VIn, KOut, VOut>> processor, StoreBuilder<?>... storeBuilders) {
        Set<StoreBuilder<?>> connected = Set.of(storeBuilders);
        return new ProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                return processor.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return connected;
            }
        };
    }
}
