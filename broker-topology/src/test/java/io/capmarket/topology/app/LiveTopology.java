package io.capmarket.topology.app;

import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The production {@link TopologyApp} on the test broker and registry under a fresh prefix, with
 * what the fault and security ITs do to it: write typed or raw records to its input topics, read
 * its outputs and dead letters, and build valid input events.
 */
final class LiveTopology implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(45);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final TopologyApp app;

    /**
     * @param overrides topology settings on top of the test defaults (one partition per topic, fast commits,
     *     new producers' topics found within a second)
     */
    LiveTopology(KafkaBroker broker, EmbeddedSchemaRegistry registry, String name, Map<String, String> overrides) {
        this.broker = broker;
        this.registry = registry;
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", id);
        settings.put("topics.prefix", id + ".");
        settings.put("topics.partitions", "1");
        settings.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), id).toString());
        settings.put("http.port", "0");
        settings.put("shutdown.timeout", "20s");
        settings.put("streams.commit.interval.ms", "100");
        settings.put("topics.discovery-interval", "1s");
        settings.putAll(overrides);
        this.app = TopologyApp.start(TopologyConfig.of(settings));
        await().atMost(WAIT).until(app::ready);
    }

    TopologyApp app() {
        return app;
    }

    Topics topics() {
        return app.topics();
    }

    SchemaRegistryClient registryClient() {
        return SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of("schema.registry.url", registry.url())));
    }

    /** Creates topics as an administrator would (an existing one is checked, not changed). */
    void provision(List<Topic<?, ?>> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(topics.stream().map(Topic::spec).toList());
        }
    }

    <V> void send(Topic<String, V> topic, String key, V value) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic.name(), e);
        }
    }

    /** Writes to the given partition, as a client may whatever its key (a null value is a tombstone). */
    <V> void sendTo(Topic<String, V> topic, int partition, String key, V value) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), partition, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic.name() + " partition " + partition, e);
        }
    }

    /** Writes bytes as they are, uncompressed, with room for records as large as the broker accepts. */
    void sendRaw(String topic, List<Map.Entry<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024, ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> record : records) {
                producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    <V> V latest(Topic<String, V> topic, String key) {
        V found = null;
        for (ConsumerRecord<String, V> record : readAll(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            if (key.equals(record.key())) {
                found = record.value();
            }
        }
        return found;
    }

    RequestStatus awaitState(String requestId, RequestState state) {
        RequestStatus[] last = new RequestStatus[1];
        await().atMost(WAIT).until(() -> {
            last[0] = latest(topics().requestStatus(), requestId);
            return last[0] != null && last[0].getState() == state;
        });
        return last[0];
    }

    CapabilityView awaitCatalogOffer(String capability, String offerId) {
        CapabilityView[] last = new CapabilityView[1];
        await().atMost(WAIT).until(() -> {
            last[0] = latest(topics().catalog(), capability);
            return last[0] != null && last[0].getOffers().stream().anyMatch(o -> o.getOfferId().equals(offerId));
        });
        return last[0];
    }

    /** Every dead letter so far, oldest first. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        Topic<byte[], byte[]> topic = topics().deadLetters();
        return readAll(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    /** Dead letters whose source is {@code sourceTopic}, oldest first. */
    List<ConsumerRecord<byte[], byte[]>> deadLettersFrom(String sourceTopic) {
        return deadLetters().stream().filter(r -> sourceTopic.equals(header(r, DeadLetterHeaders.SOURCE_TOPIC))).toList();
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Reads a topic from the beginning to its current end (committed records only), without a group. */
    <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keys, Deserializer<V> values) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024), keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void close() {
        app.close();
    }

    // ---- valid events

    static CapabilityOffer offer(String offerId, String producerId, String capability, int capacity) {
        return CapabilityOffer.newBuilder().setOfferId(offerId).setProducerId(producerId).setCapability(capability)
                .setCapabilityVersion(1).setParameterSchema("{}").setOutputSchema("{}").setAttributes(Map.of())
                .setLeadTimeSloMs(600_000).setCapacity(capacity).setStatus(OfferStatus.ACTIVE).setUpdatedAt(Instant.now())
                .build();
    }

    static ProducerHeartbeat heartbeat(String producerId) {
        return new ProducerHeartbeat(producerId, "it", Instant.now(), 0, true);
    }

    static ProducerApproval approval(String producerId, String... capabilities) {
        return new ProducerApproval(producerId, List.of(capabilities), "it-admin", Instant.now());
    }

    static RequestCommand submit(String requestId, String capability) {
        return new RequestCommand(submitRequest(requestId, capability).build());
    }

    static SubmitRequest.Builder submitRequest(String requestId, String capability) {
        return SubmitRequest.newBuilder().setRequestId(requestId).setConsumerTeam("app")
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setCapability(capability).setCapabilityVersion(1)
                .setParameters("{}").setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL)
                .setSubmittedAt(Instant.now());
    }

    static FulfilmentEvent report(RequestStatus status, FulfilmentKind kind) {
        return FulfilmentEvent.newBuilder().setRequestId(status.getRequestId()).setOfferId(status.getOfferId())
                .setProducerId(status.getProducerId()).setCapability(status.getCapability()).setAttempt(status.getAttempt())
                .setKind(kind).setOutputs(Map.of()).setAt(Instant.now()).build();
    }
}
