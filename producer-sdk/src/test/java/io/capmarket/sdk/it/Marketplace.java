package io.capmarket.sdk.it;

import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.UpdateRequest;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.CapmarketProducerBuilder;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.topology.app.TopologyApp;
import io.capmarket.topology.app.TopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The real topology on the test broker and registry, with the consumer's side (submit, cancel, read status) for tests. */
final class Marketplace implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final String prefix;
    private final TopologyApp app;

    /**
     * @param approved the topology's {@code producers.approved}, for example {@code team-a=cap-a;team-b=*}: the
     *     topology onboards them at its start, which creates their own topics
     */
    Marketplace(KafkaBroker broker, EmbeddedSchemaRegistry registry, String approved) {
        this(broker, registry, approved, Map.of());
    }

    /**
     * @param approved the topology's {@code producers.approved}
     * @param overrides topology settings on top of the test defaults (deadlines, liveness bound, scorecard interval)
     */
    Marketplace(KafkaBroker broker, EmbeddedSchemaRegistry registry, String approved, Map<String, String> overrides) {
        this.broker = broker;
        this.registry = registry;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.prefix = "sdk-" + id + ".";
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "sdk-it-" + id);
        settings.put("topics.prefix", prefix);
        settings.put("topics.partitions", "2");
        settings.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), "sdk-it-" + id).toString());
        settings.put("http.port", "0");
        settings.put("producers.approved", approved);
        settings.put("matching.accept-deadline", "20s");
        settings.put("shutdown.timeout", "20s");
        settings.put("streams.commit.interval.ms", "100");
        settings.putAll(overrides);
        this.app = TopologyApp.start(TopologyConfig.of(settings));
        await().atMost(WAIT).until(app::ready);
    }

    String prefix() {
        return prefix;
    }

    Topics topics() {
        return app.topics();
    }

    CapmarketProducerBuilder producer(String producerId) {
        return CapmarketProducer.builder()
                .bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.url())
                .topicPrefix(prefix)
                .producerId(producerId)
                .heartbeatInterval(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(10));
    }

    void submit(String requestId, String capability, String parameters) {
        send(topics().requests(), requestId, new RequestCommand(SubmitRequest.newBuilder().setRequestId(requestId)
                .setConsumerTeam("app-team").setRequestedBy(new Requester(RequesterKind.HUMAN, "alice"))
                .setCapability(capability).setCapabilityVersion(1).setParameters(parameters)
                .setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL).setSubmittedAt(Instant.now()).build()));
    }

    void cancel(String requestId) {
        send(topics().requests(), requestId, new RequestCommand(CancelRequest.newBuilder().setRequestId(requestId)
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setAt(Instant.now()).setReason("changed my mind")
                .build()));
    }

    /** Asks for the FULFILLED request's resource to be updated from {@code base} (its parameters now) to {@code parameters}. */
    void update(String requestId, String parameters, String base) {
        send(topics().requests(), requestId, new RequestCommand(UpdateRequest.newBuilder().setRequestId(requestId)
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setAt(Instant.now()).setParameters(parameters)
                .setBaseParameters(base).build()));
    }

    /** Waits until the request reaches the state, and returns its status. */
    RequestStatus awaitState(String requestId, RequestState state) {
        return awaitState(requestId, state, status -> true);
    }

    /**
     * Waits until the request is in the state with {@code also} true of its status (a request may
     * pass through a state more than once: WAITING for its first offer, and again once an offer gave
     * it up), and returns its status.
     */
    RequestStatus awaitState(String requestId, RequestState state, Predicate<RequestStatus> also) {
        RequestStatus[] last = new RequestStatus[1];
        await().atMost(WAIT).until(() -> {
            last[0] = latest(topics().requestStatus(), requestId);
            return last[0] != null && last[0].getState() == state && also.test(last[0]);
        });
        return last[0];
    }

    /** Every fulfilment event a producer reported for a request, oldest first. */
    List<FulfilmentEvent> fulfilment(String producerId, String requestId) {
        List<FulfilmentEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, FulfilmentEvent> record : readAll(topics().fulfilment(producerId))) {
            if (requestId.equals(record.key())) {
                events.add(record.value());
            }
        }
        return events;
    }

    /** The newest heartbeat of any process of a producer, or null. */
    ProducerHeartbeat lastHeartbeat(String producerId) {
        return readAll(topics().heartbeats(producerId)).stream().map(ConsumerRecord::value)
                .max(Comparator.comparing(ProducerHeartbeat::getAt)).orElse(null);
    }

    <V> V latest(Topic<String, V> topic, String key) {
        V found = null;
        for (ConsumerRecord<String, V> record : readAll(topic)) {
            if (key.equals(record.key())) {
                found = record.value();
            }
        }
        return found;
    }

    /** Reads a topic from the beginning to its current end. */
    <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
        return new TopicReader(broker).readAll(topic);
    }

    <V> void send(Topic<String, V> topic, String key, V value) {
        Brokerside.send(broker, topic, key, value);
    }

    @Override
    public void close() {
        app.close();
    }
}
