package io.capmarket.topology.internal;

import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.serde.AvroSerde;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.topology.CapabilityContract;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.IndexForget;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.BoundedMemo;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the topology's sources, processors, stores and sinks; see {@code CapmarketTopology}. Inputs
 * are families of topics read by pattern (every producer's offers, every team's requests and the
 * gateway's...), so a producer or team onboarded later is read without a restart, once the main
 * consumer's metadata shows its topics. Offers, requests and fulfilment share one source (see
 * {@link Intake} for why), in the same sub-topology as the engine and the capability-events topic
 * that carries to the engine what the intake read on another task's partition; heartbeats have
 * their own.
 */
public final class TopologyAssembly {

    /** More producers than a deployment has; past it the memo starts again. */
    private static final int MAX_KNOWN_PRODUCERS = 10_000;

    private final Topics topics;
    private final SchemaRegistryClient registry;
    private final TopologySettings settings;
    private final Clock clock;
    private final EngineEvents events;
    private final DslStoreSuppliers stores;
    /** Assignments topics by producerId, checked and built once per producer, for every stream thread's sink. */
    private final BoundedMemo<String, String> assignmentTopics;

    public TopologyAssembly(Topics topics, SchemaRegistryClient registry, TopologySettings settings, Clock clock,
            EngineEvents events, DslStoreSuppliers stores) {
        this.topics = topics;
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.stores = stores;
        this.assignmentTopics = BoundedMemo.concurrent(MAX_KNOWN_PRODUCERS, topics::assignmentsName);
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        GlobalMirrors producers = new GlobalMirrors(
                globalTable(builder, topics.liveness(), new GlobalMirror<>(TopologyNames.HEARTBEAT_STORE, GlobalMirrors::livenessOf)),
                globalTable(builder, topics.producers(), TopologyNames.APPROVAL_STORE, approval -> approval),
                new GlobalMirror<>(TopologyNames.APPROVAL_POLICY_STORE, ApprovalPolicySetting::getPolicy),
                new GlobalMirror<>(TopologyNames.QUOTA_STORE, quota -> quota),
                new GlobalMirror<>(TopologyNames.CONTRACT_OWNER_STORE, ContractOwnerSetting::getProducerId));
        builder.addStateStore(cached(TopologyNames.OFFER_INDEX_STORE, Serdes.String()));
        builder.addStateStore(uncached(TopologyNames.REQUEST_INDEX_STORE, Serdes.String()));
        builder.addStateStore(cached(TopologyNames.OFFER_STATE_STORE, avro(OfferState.class)));
        builder.addStateStore(cached(TopologyNames.CONTRACT_STORE, avro(CapabilityContract.class)));
        builder.addStateStore(uncached(TopologyNames.OFFER_OWNER_STORE, Serdes.String()));
        // kept and published in the same step: encoded once for both; each change of a request is its
        // own status record anyway, so a cache would coalesce nothing the status topic does not carry
        Serde<RequestStatus> statuses = StatusEncoding.around(topics.requestStatus().valueSerde());
        builder.addStateStore(uncached(TopologyNames.REQUEST_STORE, statuses));
        builder.addStateStore(cached(TopologyNames.WAITLIST_STORE, Serdes.String()));
        builder.addStateStore(cached(TopologyNames.SCORE_STORE, Serdes.ByteArray()));
        builder.addStateStore(uncached(TopologyNames.INTAKE_ENTRY_STORE, Serdes.String()));

        Map<String, KStream<String, IntakeOutput>> intake = builder
                .stream(Intake.pattern(topics), Consumed.with(Serdes.String(), BoundedInput.bounded(Intake.valueSerde(topics)))
                        .withName(TopologyNames.INTAKE_SOURCE))
                .process(() -> new Intake(topics, clock, events, settings.priorityGrants()), Named.as(TopologyNames.INTAKE),
                        TopologyNames.OFFER_INDEX_STORE, TopologyNames.REQUEST_INDEX_STORE, TopologyNames.REQUEST_STORE)
                .split(Named.as(TopologyNames.INTAKE_OUTPUT))
                .branch((key, out) -> out instanceof IntakeOutput.Refused, Branched.as("refused"))
                .branch((key, out) -> ((IntakeOutput.Routed) out).owned(), Branched.as("owned"))
                .defaultBranch(Branched.as("rerouted"));
        deadLetters(intake.get(TopologyNames.INTAKE_OUTPUT + "refused")
                .mapValues(out -> ((IntakeOutput.Refused) out).letter(), Named.as(TopologyNames.INTAKE_OUTPUT + "letters")),
                TopologyNames.DEAD_LETTER_SINK + "-intake");

        // an event read on another task's partition passes capability-events, partitioned like the intake's ownership test
        Topic<String, CapabilityEvent> loop = topics.capabilityEvents();
        int ownerPartitions = loop.spec().partitions();
        intake.get(TopologyNames.INTAKE_OUTPUT + "rerouted")
                .mapValues(out -> ((IntakeOutput.Routed) out).event(), Named.as(TopologyNames.INTAKE_OUTPUT + "rerouted-events"))
                .to(loop.name(), Produced.with(loop.keySerde(), loop.valueSerde())
                        .withStreamPartitioner((topic, capability, event, partitions) ->
                                Optional.of(Set.of(CapabilityPartitions.of(capability, ownerPartitions))))
                        .withName(TopologyNames.CAPABILITY_EVENTS_SINK));
        KStream<String, CapabilityEvent> rerouted = builder.stream(loop.name(),
                Consumed.with(loop.keySerde(), loop.valueSerde()).withName(TopologyNames.CAPABILITY_EVENTS_SOURCE));

        KStream<String, EngineOutput> engine = intake.get(TopologyNames.INTAKE_OUTPUT + "owned")
                .mapValues(out -> ((IntakeOutput.Routed) out).event(), Named.as(TopologyNames.INTAKE_OUTPUT + "owned-events"))
                .merge(rerouted, Named.as(TopologyNames.ENGINE_INPUT))
                .process(() -> new CapabilityEngine(settings, clock, events, topics, producers), Named.as(TopologyNames.ENGINE),
                        TopologyNames.OFFER_STATE_STORE, TopologyNames.CONTRACT_STORE, TopologyNames.REQUEST_STORE,
                        TopologyNames.WAITLIST_STORE, TopologyNames.SCORE_STORE, TopologyNames.INTAKE_ENTRY_STORE,
                        TopologyNames.REQUEST_INDEX_STORE, TopologyNames.OFFER_OWNER_STORE);

        Map<String, KStream<String, EngineOutput>> outputs = engine
                .split(Named.as(TopologyNames.ENGINE_OUTPUT))
                .branch((key, out) -> out instanceof EngineOutput.Status, Branched.as("status"))
                .branch((key, out) -> out instanceof EngineOutput.Instruction, Branched.as("instruction"))
                .branch((key, out) -> out instanceof EngineOutput.Catalog, Branched.as("catalog"))
                .branch((key, out) -> out instanceof EngineOutput.Score, Branched.as("score"))
                .branch((key, out) -> out instanceof EngineOutput.Usage, Branched.as("usage"))
                .branch((key, out) -> out instanceof EngineOutput.Forget, Branched.as("forget"))
                .defaultBranch(Branched.as("refused"));
        outputs.get(TopologyNames.ENGINE_OUTPUT + "status")
                .mapValues(out -> ((EngineOutput.Status) out).status(), Named.as(TopologyNames.ENGINE_OUTPUT + "statuses"))
                .to(topics.requestStatus().name(), Produced.with(topics.requestStatus().keySerde(), statuses)
                        .withName(TopologyNames.STATUS_SINK));
        Serde<Assignment> assignments = avro(Assignment.class);
        outputs.get(TopologyNames.ENGINE_OUTPUT + "instruction")
                .mapValues(out -> ((EngineOutput.Instruction) out).assignment(), Named.as(TopologyNames.ENGINE_OUTPUT + "assignments"))
                // on the partition of its capability: every instruction for a request lands on one partition, in order,
                // and a task's transaction touches one partition of each producer's topic, not all of them
                .to((requestId, assignment, context) -> assignmentTopics.get(assignment.getProducerId()),
                        Produced.with(Serdes.String(), assignments).withName(TopologyNames.ASSIGNMENT_SINK)
                                .withStreamPartitioner((topic, requestId, assignment, partitions) ->
                                        Optional.of(Set.of(CapabilityPartitions.of(assignment.getCapability(), partitions)))));
        outputs.get(TopologyNames.ENGINE_OUTPUT + "catalog")
                .mapValues(out -> ((EngineOutput.Catalog) out).view(), Named.as(TopologyNames.ENGINE_OUTPUT + "views"))
                .to(topics.catalog().name(), produced(topics.catalog(), TopologyNames.CATALOG_SINK));
        outputs.get(TopologyNames.ENGINE_OUTPUT + "score")
                .mapValues(out -> ((EngineOutput.Score) out).score(), Named.as(TopologyNames.ENGINE_OUTPUT + "scores"))
                .to(topics.scorecard().name(), produced(topics.scorecard(), TopologyNames.SCORECARD_SINK));
        outputs.get(TopologyNames.ENGINE_OUTPUT + "usage")
                .mapValues(out -> ((EngineOutput.Usage) out).usage(), Named.as(TopologyNames.ENGINE_OUTPUT + "usages"))
                .to(topics.teamUsage().name(), produced(topics.teamUsage(), TopologyNames.TEAM_USAGE_SINK));
        // back to the task whose intake holds the entry: its partition of capability-events (none past the topic's, which
        // only a team's topic with more partitions than capability-events could have made: that entry stays)
        outputs.get(TopologyNames.ENGINE_OUTPUT + "forget")
                .mapValues(out -> new CapabilityEvent(((EngineOutput.Forget) out).forget()),
                        Named.as(TopologyNames.ENGINE_OUTPUT + "forgets"))
                .to(loop.name(), Produced.with(loop.keySerde(), loop.valueSerde())
                        .withStreamPartitioner((topic, requestId, event, partitions) -> {
                            int partition = ((IndexForget) event.getEvent()).getIntakePartition();
                            return Optional.of(partition < partitions ? Set.of(partition) : Set.of());
                        })
                        .withName(TopologyNames.INDEX_FORGET_SINK));
        deadLetters(outputs.get(TopologyNames.ENGINE_OUTPUT + "refused")
                .mapValues(out -> ((EngineOutput.Refused) out).letter(), Named.as(TopologyNames.ENGINE_OUTPUT + "letters")),
                TopologyNames.DEAD_LETTER_SINK + "-engine");
        // added last, so that the intake and the engine keep their sub-topology number (and task ids)
        relayHeartbeats(builder);
        globalTable(builder, topics.approvalPolicies(), producers.policies());
        globalTable(builder, topics.quotas(), producers.quotas());
        globalTable(builder, topics.contractOwners(), producers.contractOwners());
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
                .process(() -> new HeartbeatRelay(heartbeatTopics, clock, events), Named.as(TopologyNames.HEARTBEAT_RELAY))
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

    /**
     * A global table the engine reads for every request: one small entry per producer, held in
     * memory (read again from its compacted topic at start, through its processor) and mirrored as
     * the engine reads it ({@link GlobalMirror}). No record cache and no changelog: the topic is
     * the table's log.
     */
    private <V extends SpecificRecord, T> GlobalMirror<V, T> globalTable(StreamsBuilder builder, Topic<String, V> topic,
            String storeName, Function<V, T> view) {
        return globalTable(builder, topic, new GlobalMirror<>(storeName, view));
    }

    /** Adds the global table {@code mirror} mirrors, read from {@code topic}; returns {@code mirror}. */
    private <V extends SpecificRecord, T> GlobalMirror<V, T> globalTable(StreamsBuilder builder, Topic<String, V> topic,
            GlobalMirror<V, T> mirror) {
        String storeName = mirror.storeName();
        Serde<V> values = BoundedInput.bounded(topic.valueSerde());
        builder.addGlobalStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(storeName), topic.keySerde(), values)
                        .withLoggingDisabled(),
                topic.name(), Consumed.with(topic.keySerde(), values).withName(storeName + "-source"), mirror.updater());
        return mirror;
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
     * A store whose keys change again soon (a capability's offers and contracts, the waitlist, the
     * scorecards): the record cache coalesces their writes into one changelog record per commit.
     */
    private <V> StoreBuilder<?> cached(String name, Serde<V> valueSerde) {
        return Stores.keyValueStoreBuilder(stores.keyValueStore(new DslKeyValueParams(name, DslStoreFormat.PLAIN)),
                Serdes.String(), valueSerde).withCachingEnabled();
    }

    /**
     * A store whose keys are written once per step that publishes them anyway (a request's state,
     * one write per status record) or once for good (a request's index entry): a cache would
     * coalesce next to nothing, and costs a copy, a sorted insert and an eviction per write.
     */
    private <V> StoreBuilder<?> uncached(String name, Serde<V> valueSerde) {
        return Stores.keyValueStoreBuilder(stores.keyValueStore(new DslKeyValueParams(name, DslStoreFormat.PLAIN)),
                Serdes.String(), valueSerde).withCachingDisabled();
    }

    private <V extends SpecificRecord> Serde<V> avro(Class<V> type) {
        AvroSerde<V> serde = AvroSerde.specific(type, registry);
        serde.configure(Map.of(), false);
        return serde;
    }
}
