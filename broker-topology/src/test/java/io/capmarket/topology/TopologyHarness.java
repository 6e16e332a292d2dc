package io.capmarket.topology;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology under {@code TopologyTestDriver}, with in-memory stores, a real (in-memory)
 * schema registry over HTTP, and a manual clock that moves the engine's clock and the driver's
 * wall-clock time together.
 */
final class TopologyHarness implements AutoCloseable {

    static final Instant START = Instant.parse("2026-11-26T09:00:00Z");

    final ManualClock clock = new ManualClock(START);
    final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().build().start();
    final Topics topics = Topics.builder().prefix("t.").serdeConfig(Map.of("schema.registry.url", registry.url())).build();
    final TopologySettings settings;
    final Topology topology;
    final TopologyTestDriver driver;

    private final TestInputTopic<String, ProducerApproval> approvals;
    private final TestInputTopic<String, ProducerHeartbeat> heartbeats;
    private final TestInputTopic<String, CapabilityOffer> offers;
    private final TestInputTopic<String, RequestCommand> requests;
    private final TestInputTopic<String, FulfilmentEvent> fulfilment;
    private final TestOutputTopic<String, RequestStatus> statusOut;
    private final TestOutputTopic<String, CapabilityView> catalogOut;
    private final TestOutputTopic<String, CapabilityScore> scorecardOut;
    private final TestOutputTopic<byte[], byte[]> deadLetterOut;
    private final Map<String, TestOutputTopic<String, Assignment>> assignmentOut = new HashMap<>();

    /** Every status emitted, in order, by requestId. */
    final Map<String, List<RequestStatus>> statuses = new LinkedHashMap<>();
    final Map<String, CapabilityView> catalog = new HashMap<>();
    final List<CapabilityScore> scorecards = new ArrayList<>();
    final List<TestRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    final Map<String, List<Assignment>> assignments = new HashMap<>();

    TopologyHarness(Path stateDir) {
        this(stateDir, TopologySettings.ofDefaults());
    }

    TopologyHarness(Path stateDir, TopologySettings settings) {
        this.settings = settings;
        this.topology = CapmarketTopology.build(topics, settings, clock, EngineEvents.NONE,
                new BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        this.driver = new TopologyTestDriver(topology, props, START);
        this.approvals = input(topics.producers());
        this.heartbeats = input(topics.heartbeats());
        this.offers = input(topics.offers());
        this.requests = input(topics.requests());
        this.fulfilment = input(topics.fulfilment());
        this.statusOut = output(topics.requestStatus());
        this.catalogOut = output(topics.catalog());
        this.scorecardOut = output(topics.scorecard());
        this.deadLetterOut = output(topics.deadLetters());
    }

    // ---- inputs

    void approve(String producerId, String... capabilities) {
        approvals.pipeInput(producerId, new ProducerApproval(producerId, List.of(capabilities), "admin", clock.instant()),
                clock.instant());
        drain();
    }

    void heartbeat(String producerId) {
        heartbeats.pipeInput(producerId, new ProducerHeartbeat(producerId, producerId + "-1", clock.instant(), 0, true),
                clock.instant());
        drain();
    }

    /** Approves the producer, sends a heartbeat and publishes an ACTIVE offer. */
    void liveOffer(String offerId, String producerId, String capability, int capacity, Map<String, String> attributes) {
        approve(producerId, capability);
        heartbeat(producerId);
        publish(offer(offerId, producerId, capability, capacity, attributes));
    }

    CapabilityOffer offer(String offerId, String producerId, String capability, int capacity, Map<String, String> attributes) {
        return CapabilityOffer.newBuilder()
                .setOfferId(offerId)
                .setProducerId(producerId)
                .setCapability(capability)
                .setCapabilityVersion(1)
                .setDescription(capability + " by " + producerId)
                .setParameterSchema("{\"type\":\"object\"}")
                .setOutputSchema("{}")
                .setAttributes(attributes)
                .setLeadTimeSloMs(60_000L)
                .setCapacity(capacity)
                .setStatus(OfferStatus.ACTIVE)
                .setUpdatedAt(clock.instant())
                .build();
    }

    void publish(CapabilityOffer offer) {
        offers.pipeInput(offer.getOfferId(), offer, clock.instant());
        drain();
    }

    void withdraw(String offerId) {
        offers.pipeInput(offerId, null, clock.instant());
        drain();
    }

    void submit(String requestId, String capability) {
        submit(requestId, capability, Priority.NORMAL, Map.of());
    }

    void submit(String requestId, String capability, Priority priority, Map<String, List<String>> constraints) {
        SubmitRequest submit = SubmitRequest.newBuilder()
                .setRequestId(requestId)
                .setConsumerTeam("app-team")
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice"))
                .setCapability(capability)
                .setCapabilityVersion(1)
                .setParameters("{}")
                .setConstraints(constraints)
                .setPreferences(Map.of())
                .setPriority(priority)
                .setSubmittedAt(clock.instant())
                .setIdempotencyKey(null)
                .build();
        requests.pipeInput(requestId, new RequestCommand(submit), clock.instant());
        drain();
    }

    void cancel(String requestId) {
        requests.pipeInput(requestId, new RequestCommand(new CancelRequest(requestId,
                new Requester(RequesterKind.BOT, "cleanup-bot"), clock.instant(), "no longer needed")), clock.instant());
        drain();
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
        FulfilmentEvent event = FulfilmentEvent.newBuilder()
                .setRequestId(requestId)
                .setOfferId(offerId)
                .setProducerId(producerId)
                .setCapability(statuses.containsKey(requestId) ? status(requestId).getCapability() : "postgres-database")
                .setAttempt(attempt)
                .setKind(kind)
                .setMessage(kind + " from " + producerId)
                .setOutputs(kind == FulfilmentKind.FULFILLED ? Map.of("host", requestId + ".db.internal") : Map.of())
                .setRetryable(retryable)
                .setAt(clock.instant())
                .build();
        fulfilment.pipeInput(requestId, event, clock.instant());
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

    List<Assignment> assignments(String producerId) {
        drain();
        return assignments.getOrDefault(producerId, List.of());
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        Headers headers = record.headers();
        return headers.lastHeader(name) == null ? null : new String(headers.lastHeader(name).value());
    }

    private void drain() {
        statusOut.readRecordsToList().forEach(r -> statuses.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
        catalogOut.readRecordsToList().forEach(r -> catalog.put(r.key(), r.value()));
        scorecards.addAll(scorecardOut.readValuesToList());
        deadLetters.addAll(deadLetterOut.readRecordsToList());
        for (String topic : driver.producedTopicNames()) {
            if (topic.startsWith(topics.prefix() + "assignments.")) {
                String producerId = topic.substring((topics.prefix() + "assignments.").length());
                TestOutputTopic<String, Assignment> out = assignmentOut.computeIfAbsent(producerId,
                        p -> output(topics.assignments(p)));
                assignments.computeIfAbsent(producerId, p -> new ArrayList<>()).addAll(out.readValuesToList());
            }
        }
    }

    private <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
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
