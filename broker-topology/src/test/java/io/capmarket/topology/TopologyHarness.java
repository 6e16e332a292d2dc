package io.capmarket.topology;

import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.UpdateRequest;
import io.capmarket.schemas.serde.AvroSerde;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.testkit.ManualClock;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.topology.internal.TopologyNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology under {@code TopologyTestDriver}, with in-memory stores, a real (in-memory)
 * schema registry over HTTP, and a manual clock that moves the engine's clock and the driver's
 * wall-clock time together.
 *
 * <p>Inputs go where their authors write them: each producer's offers, heartbeats and fulfilment
 * to its own topics, commands to the gateway's requests topic or a team's own. The driver routes a
 * record piped to a topic by name to the source whose pattern matches it; the {@code ...On}
 * methods write a record to another owner's topic than the one its fields name, as a client with
 * that owner's credentials could.
 */
final class TopologyHarness implements AutoCloseable {

    static final Instant START = Instant.parse("2026-11-26T09:00:00Z");
    static final String APPLICATION_ID = "topology-test";

    final ManualClock clock = new ManualClock(START);
    final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().build().start();
    final Topics topics = Topics.builder().prefix("t.").serdeConfig(Map.of("schema.registry.url", registry.url())).build();
    final TopologySettings settings;
    final Topology topology;
    final TopologyTestDriver driver;

    private final TestInputTopic<String, ProducerApproval> approvals;
    private final Map<String, TestInputTopic<?, ?>> inputs = new HashMap<>();
    private TestInputTopic<String, CapabilityEvent> capabilityEvents;
    private final TestOutputTopic<String, RequestStatus> statusOut;
    private final TestOutputTopic<String, CapabilityView> catalogOut;
    private final TestOutputTopic<String, CapabilityScore> scorecardOut;
    private final TestOutputTopic<byte[], byte[]> deadLetterOut;
    private final TestOutputTopic<String, TeamUsage> usageOut;
    /** What each team holds of each capability, as last published, by {@code <team>/<capability>}. */
    final Map<String, TeamUsage> usage = new HashMap<>();
    private final Map<String, TestOutputTopic<String, Assignment>> assignmentOut = new HashMap<>();

    /** Every status emitted, in order, by requestId. */
    final Map<String, List<RequestStatus>> statuses = new LinkedHashMap<>();
    final Map<String, CapabilityView> catalog = new HashMap<>();
    /** How many catalog records each capability has had published. */
    final Map<String, Integer> catalogRecords = new HashMap<>();
    final List<CapabilityScore> scorecards = new ArrayList<>();
    final List<TestRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    /** Every event the intake sent through capability-events (not read on its owner's partition), by capability. */
    final List<String> rerouted = new ArrayList<>();
    private TestOutputTopic<String, CapabilityEvent> reroutedOut;
    final Map<String, List<Assignment>> assignments = new HashMap<>();
    private final Map<String, List<String>> statusTraces = new HashMap<>();
    private final Map<String, List<String>> assignmentTraces = new HashMap<>();
    /** What the engine told its events listener, as "event:reason" in order (dead letters, misattributions, purges, releases). */
    final List<String> events = new CopyOnWriteArrayList<>();
    /** Told of each submitted request's capability while the engine handles it: a test may make that step fail. */
    volatile Consumer<String> onSubmitted = capability -> { };
    /** Told of each match's capability at the end of its step's rules, after its writes: a test may make that step fail. */
    volatile Consumer<String> onMatched = capability -> { };
    /** Told of each request leaving its capability's waitlist, before it is matched: a test may make that step fail. */
    volatile Consumer<String> onStoppedWaiting = capability -> { };
    /** Told of each request joining its capability's waitlist, once counted in {@link #waiting}: a test may make that step fail. */
    volatile Consumer<String> onWaiting = capability -> { };
    /** Requests waiting by capability, as the engine's events tell them (a metrics gauge's view). */
    final Map<String, Long> waiting = new java.util.concurrent.ConcurrentHashMap<>();

    TopologyHarness(Path stateDir) {
        this(stateDir, TopologySettings.ofDefaults());
    }

    TopologyHarness(Path stateDir, TopologySettings settings) {
        this(stateDir, settings, new BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers());
    }

    /** A harness whose stores are the given kind's: in memory for speed, or RocksDB as in production. */
    TopologyHarness(Path stateDir, TopologySettings settings, DslStoreSuppliers stores) {
        this.settings = settings;
        this.topology = CapmarketTopology.build(topics, settings, clock, new EngineEvents() {
            @Override
            public void deadLettered(String reason) {
                events.add("deadLettered:" + reason);
            }

            @Override
            public void misattributed(String reason) {
                events.add("misattributed:" + reason);
            }

            @Override
            public void purged(String capability) {
                events.add("purged:" + capability);
            }

            @Override
            public void offerIdReleased(String producerId) {
                events.add("offerIdReleased:" + producerId);
            }

            @Override
            public void submitted(String capability) {
                onSubmitted.accept(capability);
            }

            @Override
            public void matched(String capability, String producerId, boolean rematch) {
                onMatched.accept(capability);
            }

            @Override
            public void stoppedWaiting(String capability) {
                onStoppedWaiting.accept(capability);
                waiting.merge(capability, -1L, Long::sum);
            }

            @Override
            public void waiting(String capability) {
                waiting.merge(capability, 1L, Long::sum);
                onWaiting.accept(capability);
            }

            @Override
            public void waitingCounted(String capability, long count) {
                waiting.put(capability, count);
            }
        }, stores);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, stores.getClass());
        this.driver = new TopologyTestDriver(topology, props, START);
        this.approvals = input(topics.producers());
        this.statusOut = output(topics.requestStatus());
        this.catalogOut = output(topics.catalog());
        this.scorecardOut = output(topics.scorecard());
        this.deadLetterOut = output(topics.deadLetters());
        this.usageOut = output(topics.teamUsage());
    }

    // ---- inputs

    void approve(String producerId, String... capabilities) {
        approvals.pipeInput(producerId, new ProducerApproval(producerId, List.of(capabilities), "admin", clock.instant()),
                clock.instant());
        drain();
    }

    /** Offboards the producer: a tombstone for its approval. */
    void revoke(String producerId) {
        approvals.pipeInput(producerId, null, clock.instant());
        drain();
    }

    void heartbeat(String producerId) {
        heartbeatOn(producerId, new ProducerHeartbeat(producerId, producerId + "-1", clock.instant(), 0, true));
    }

    /** A heartbeat written to {@code topicOwner}'s heartbeats topic, keyed by its instanceId. */
    void heartbeatOn(String topicOwner, ProducerHeartbeat heartbeat) {
        input(topics.heartbeats(topicOwner)).pipeInput(heartbeat.getInstanceId(), heartbeat, clock.instant());
        drain();
    }

    /** Approves the producer, sends a heartbeat and publishes an ACTIVE offer. */
    void liveOffer(String offerId, String producerId, String capability, int capacity, Map<String, String> attributes) {
        approve(producerId, capability);
        heartbeat(producerId);
        publish(offer(offerId, producerId, capability, capacity, attributes));
    }

    CapabilityOffer offer(String offerId, String producerId, String capability, int capacity, Map<String, String> attributes) {
        return TestRecords.offer(offerId, producerId, capability, capacity, attributes, clock.instant());
    }

    /** The offer on its own producer's offers topic. */
    void publish(CapabilityOffer offer) {
        publishOn(offer.getProducerId(), offer);
    }

    /** The offer on {@code topicOwner}'s offers topic, whichever producer it names. */
    void publishOn(String topicOwner, CapabilityOffer offer) {
        input(topics.offers(topicOwner)).pipeInput(offer.getOfferId(), offer, clock.instant());
        drain();
    }

    /** A tombstone for the offer on {@code topicOwner}'s offers topic. */
    void withdraw(String topicOwner, String offerId) {
        input(topics.offers(topicOwner)).pipeInput(offerId, null, clock.instant());
        drain();
    }

    void submit(String requestId, String capability) {
        submit(requestId, capability, Priority.NORMAL, Map.of());
    }

    void submit(String requestId, String capability, Priority priority, Map<String, List<String>> constraints) {
        requests(topics.requests(), submitRequest(requestId, capability, priority, constraints, "app-team"));
    }

    /** A submit through the gateway asking its resource to live {@code ttl} once fulfilled. */
    void submitWithTtl(String requestId, String capability, Duration ttl) {
        requests(topics.requests(), SubmitRequest.newBuilder(submitRequest(requestId, capability, Priority.NORMAL, Map.of(), "app-team"))
                .setTtlMs(ttl.toMillis()).build());
    }

    /** A submit written by {@code topicTeam}'s bots to their own topic, for {@code consumerTeam}. */
    void submitOn(String topicTeam, String requestId, String capability, String consumerTeam) {
        submitOn(topicTeam, requestId, capability, consumerTeam, Priority.NORMAL);
    }

    /** A submit at {@code priority} written by {@code topicTeam}'s bots to their own topic, for {@code consumerTeam}. */
    void submitOn(String topicTeam, String requestId, String capability, String consumerTeam, Priority priority) {
        requests(topics.teamRequests(topicTeam), submitRequest(requestId, capability, priority, Map.of(), consumerTeam));
    }

    private SubmitRequest submitRequest(String requestId, String capability, Priority priority,
            Map<String, List<String>> constraints, String consumerTeam) {
        return TestRecords.submit(requestId, capability, priority, constraints, consumerTeam, clock.instant());
    }

    /** A cancel through the gateway. */
    void cancel(String requestId) {
        requests(topics.requests(), cancelRequest(requestId));
    }

    /** A cancel written by {@code topicTeam}'s bots to their own topic. */
    void cancelOn(String topicTeam, String requestId) {
        requests(topics.teamRequests(topicTeam), cancelRequest(requestId));
    }

    /** An update through the gateway, made from {@code baseParameters}. */
    void update(String requestId, String baseParameters, String parameters) {
        requests(topics.requests(), updateRequest(requestId, baseParameters, parameters));
    }

    /** An update written by {@code topicTeam}'s bots to their own topic. */
    void updateOn(String topicTeam, String requestId, String baseParameters, String parameters) {
        requests(topics.teamRequests(topicTeam), updateRequest(requestId, baseParameters, parameters));
    }

    private UpdateRequest updateRequest(String requestId, String baseParameters, String parameters) {
        return new UpdateRequest(requestId, new Requester(RequesterKind.HUMAN, "bob"), clock.instant(), parameters, baseParameters, null);
    }

    /** An approver's decision through the gateway, which names the approver it authenticated. */
    void decide(String requestId, String approver, String team, String role, boolean approve, String reason) {
        requests(topics.requests(), decision(requestId, approver, team, role, approve, reason));
    }

    /** An approval decision written by {@code topicTeam}'s bots to their own topic. */
    void decideOn(String topicTeam, String requestId, String approver, String team, String role, boolean approve) {
        requests(topics.teamRequests(topicTeam), decision(requestId, approver, team, role, approve, null));
    }

    private ApprovalDecision decision(String requestId, String approver, String team, String role, boolean approve, String reason) {
        return new ApprovalDecision(requestId, new Requester(RequesterKind.HUMAN, approver), team, role, approve, reason,
                clock.instant());
    }

    /** The admins' quota of a team on a capability, as the gateway keeps it (both limits null: removed). */
    void quota(String team, String capability, Integer maxLive, Integer maxInFlight) {
        String key = Topics.quotaKey(team, capability);
        input(topics.quotas()).pipeInput(key, maxLive == null && maxInFlight == null ? null
                : new TeamQuota(team, capability, maxLive, maxInFlight, "admin", clock.instant()), clock.instant());
        drain();
    }

    /** What the team holds of the capability, as last published, or null. */
    TeamUsage usage(String team, String capability) {
        drain();
        return usage.get(Topics.quotaKey(team, capability));
    }

    /** The admins' approval policy of a capability version, as the gateway keeps it (null: removed). */
    void approvalPolicy(String capability, int version, ApprovalPolicy policy) {
        String key = Topics.versionKey(capability, version);
        input(topics.approvalPolicies()).pipeInput(key, policy == null ? null
                : new ApprovalPolicySetting(capability, version, policy, "admin", clock.instant()), clock.instant());
        drain();
    }

    /** The admins' handover of a capability version's contract, as the gateway keeps it (null: taken back). */
    void handOverContract(String capability, int version, String producerId) {
        input(topics.contractOwners()).pipeInput(Topics.versionKey(capability, version), producerId == null ? null
                : new ContractOwnerSetting(capability, version, producerId, "db-team became db-platform", "admin", clock.instant()),
                clock.instant());
        drain();
    }

    private CancelRequest cancelRequest(String requestId) {
        return new CancelRequest(requestId, new Requester(RequesterKind.BOT, "cleanup-bot"), clock.instant(), "no longer needed");
    }

    private void requests(Topic<String, RequestCommand> topic, Object command) {
        requests(topic, command, new RecordHeaders());
    }

    /** A submit through the gateway whose record carries a W3C {@code traceparent} header. */
    void submitTraced(String requestId, String capability, String traceParent) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", traceParent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        requests(topics.requests(), submitRequest(requestId, capability, Priority.NORMAL, Map.of(), "app-team"), headers);
    }

    private void requests(Topic<String, RequestCommand> topic, Object command, Headers headers) {
        String requestId = command instanceof SubmitRequest submit ? submit.getRequestId()
                : command instanceof UpdateRequest update ? update.getRequestId()
                : command instanceof ApprovalDecision decision ? decision.getRequestId() : ((CancelRequest) command).getRequestId();
        input(topic).pipeInput(new TestRecord<>(requestId, new RequestCommand(command), headers, clock.instant()));
        drain();
    }

    /** The {@code traceparent} header of each status record about the request, oldest first (null where none). */
    List<String> statusTraces(String requestId) {
        drain();
        return statusTraces.getOrDefault(requestId, List.of());
    }

    /** The {@code traceparent} header of each assignment record to the producer, oldest first (null where none). */
    List<String> assignmentTraces(String producerId) {
        drain();
        return assignmentTraces.getOrDefault(producerId, List.of());
    }

    /** A report from the producer the request is currently assigned to, for its current attempt. */
    void report(String requestId, FulfilmentKind kind) {
        report(requestId, kind, false);
    }

    void report(String requestId, FulfilmentKind kind, boolean retryable) {
        RequestStatus status = status(requestId);
        report(requestId, status.getOfferId(), status.getProducerId(), status.getAttempt(), kind, retryable);
    }

    void report(String requestId, String offerId, String producerId, int attempt, FulfilmentKind kind, boolean retryable) {
        reportOn(producerId, fulfilmentEvent(requestId, offerId, producerId, attempt, kind, retryable));
    }

    /** The report on {@code topicOwner}'s fulfilment topic, whichever producer it names. */
    void reportOn(String topicOwner, FulfilmentEvent event) {
        input(topics.fulfilment(topicOwner)).pipeInput(event.getRequestId(), event, clock.instant());
        drain();
    }

    FulfilmentEvent fulfilmentEvent(String requestId, String offerId, String producerId, int attempt, FulfilmentKind kind,
            boolean retryable) {
        return TestRecords.report(requestId, offerId, producerId,
                statuses.containsKey(requestId) ? status(requestId).getCapability() : "postgres-database", attempt, kind, retryable,
                clock.instant());
    }

    /**
     * An offer change straight to the engine, on the capability events topic, as an intake task
     * routes it. The driver runs one task per sub-topology, so every record meets the same offer
     * index there; with partitions, a producer chooses the partition of its records, and its change
     * reaches the engine from an intake task whose index never saw the offer.
     */
    void routeToEngine(String capability, OfferChange change) {
        if (capabilityEvents == null) {
            AvroSerde<CapabilityEvent> serde = AvroSerde.specific(CapabilityEvent.class, topics.registry().orElseThrow());
            serde.configure(Map.of(), false);
            capabilityEvents = driver.createInputTopic(topics.capabilityEvents().name(), new StringSerializer(), serde.serializer());
        }
        capabilityEvents.pipeInput(capability, new CapabilityEvent(change), clock.instant());
        drain();
    }

    /** Moves the clock and the driver's wall-clock time, firing due punctuations. */
    void advance(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
        drain();
    }

    // ---- outputs

    RequestStatus status(String requestId) {
        List<RequestStatus> all = statuses.get(requestId);
        if (all == null || all.isEmpty()) {
            throw new AssertionError("no status for " + requestId);
        }
        return all.get(all.size() - 1);
    }

    /** The request's status as the engine stores it (not as last published). */
    RequestStatus storedStatus(String requestId) {
        KeyValueStore<String, RequestStatus> store = driver.getKeyValueStore(TopologyNames.REQUEST_STORE);
        return store.get(requestId);
    }

    /** The producer's latest heartbeat in the liveness table the engine reads, or null. */
    ProducerHeartbeat liveness(String producerId) {
        KeyValueStore<String, ValueAndTimestamp<ProducerHeartbeat>> store =
                driver.getTimestampedKeyValueStore(TopologyNames.HEARTBEAT_STORE);
        ValueAndTimestamp<ProducerHeartbeat> latest = store.get(producerId);
        return latest == null ? null : latest.value();
    }

    /** The reasons of the dead letters so far, oldest first. */
    List<String> deadLetterReasons() {
        drain();
        return deadLetters.stream().map(r -> header(r, DeadLetterHeaders.REASON)).toList();
    }

    List<Assignment> assignments(String producerId) {
        drain();
        return assignments.getOrDefault(producerId, List.of());
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        return header(record.headers(), name);
    }

    private static String header(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null : new String(headers.lastHeader(name).value());
    }

    private void drain() {
        statusOut.readRecordsToList().forEach(r -> {
            statuses.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            statusTraces.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(header(r.headers(), "traceparent"));
        });
        catalogOut.readRecordsToList().forEach(r -> {
            catalog.put(r.key(), r.value());
            catalogRecords.merge(r.key(), 1, Integer::sum);
        });
        scorecards.addAll(scorecardOut.readValuesToList());
        deadLetters.addAll(deadLetterOut.readRecordsToList());
        usageOut.readKeyValuesToList().forEach(kv -> usage.put(kv.key, kv.value));
        if (reroutedOut == null && driver.producedTopicNames().contains(topics.capabilityEvents().name())) {
            reroutedOut = output(topics.capabilityEvents());
        }
        if (reroutedOut != null) {
            reroutedOut.readKeyValuesToList().forEach(kv -> rerouted.add(kv.key));
        }
        for (String topic : driver.producedTopicNames()) {
            topics.everyProducersAssignments().ownerOf(topic).ifPresent(producerId -> {
                TestOutputTopic<String, Assignment> out = assignmentOut.computeIfAbsent(producerId,
                        p -> output(topics.assignments(p)));
                out.readRecordsToList().forEach(r -> {
                    assignments.computeIfAbsent(producerId, p -> new ArrayList<>()).add(r.value());
                    assignmentTraces.computeIfAbsent(producerId, p -> new ArrayList<>()).add(header(r.headers(), "traceparent"));
                });
            });
        }
    }

    @SuppressWarnings("unchecked")
    private <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return (TestInputTopic<K, V>) inputs.computeIfAbsent(topic.name(), name -> driver.createInputTopic(name,
                topic.keySerde().serializer(), topic.valueSerde().serializer()));
    }

    private <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    @Override
    public void close() {
        driver.close();
        registry.close();
    }
}
