package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The production wiring: {@link TopologyApp} with the real topology, configured as an operator would. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class TopologyEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();

    TopologyEndToEndIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aRequestIsMatchedAndFulfilledAndTheWorkShowsInTopicsAndMetrics() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "e2e-" + id);
        settings.put("topics.prefix", "e2e-" + id + ".");
        settings.put("topics.partitions", "2");
        settings.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), "e2e-" + id).toString());
        settings.put("http.port", "0");
        settings.put("producers.approved", "db-team=postgres-database");
        settings.put("scorecard.interval", "1s");
        settings.put("shutdown.timeout", "20s");

        TopologyConfig config = TopologyConfig.of(settings);
        // topics an operator created for a producer it never approved
        try (Admin admin = Admin.create(config.clientConfig())) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(config.topics().producerTopics("rogue-team").stream()
                    .map(Topic::spec).toList());
        }

        try (TopologyApp app = TopologyApp.start(config)) {
            await().atMost(WAIT).until(app::ready);
            Topics topics = app.topics();
            Instant now = Instant.now();
            send(topics.heartbeats("db-team"), "e2e", new ProducerHeartbeat("db-team", "e2e", now, 0, true));
            send(topics.offers("db-team"), "pg-eu", offer("pg-eu", "db-team", now));
            send(topics.offers("rogue-team"), "rogue-pg", offer("rogue-pg", "rogue-team", now));
            await().atMost(WAIT).until(() -> latest(topics.catalog(), "postgres-database") != null);

            send(topics.requests(), "r1", new RequestCommand(SubmitRequest.newBuilder().setRequestId("r1")
                    .setConsumerTeam("app").setRequestedBy(new Requester(RequesterKind.HUMAN, "alice"))
                    .setCapability("postgres-database").setCapabilityVersion(1).setParameters("{}")
                    .setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL).setSubmittedAt(now).build()));
            await().atMost(WAIT).until(() -> state(topics, "r1") == RequestState.MATCHED);
            ConsumerRecord<String, Assignment> assignment = await().atMost(WAIT)
                    .until(() -> latestRecord(topics.assignments("db-team"), "r1"), java.util.Objects::nonNull);
            assertThat(assignment.partition()).as("an assignment is written on the partition of its capability")
                    .isEqualTo(CapabilityPartitions.of("postgres-database", 2));
            for (FulfilmentKind kind : List.of(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED)) {
                send(topics.fulfilment("db-team"), "r1", FulfilmentEvent.newBuilder().setRequestId("r1").setOfferId("pg-eu")
                        .setProducerId("db-team").setCapability("postgres-database").setAttempt(1).setKind(kind)
                        .setOutputs(Map.of("host", "r1.db")).setAt(Instant.now()).build());
            }
            await().atMost(WAIT).until(() -> state(topics, "r1") == RequestState.FULFILLED);

            CapabilityView view = latest(topics.catalog(), "postgres-database");
            assertThat(view.getOffers()).extracting(o -> o.getOfferId()).containsExactly("pg-eu");
            ConsumerRecord<byte[], byte[]> letter = firstDeadLetter(topics);
            assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.REASON).value()))
                    .contains("producer rogue-team is not approved");
            await().atMost(WAIT).untilAsserted(() -> assertThat(metrics(app))
                    .containsPattern("capmarket_matches_total\\{[^}]*capability=\"postgres-database\"[^}]*} 1\\.0")
                    .containsPattern("capmarket_requests_finished_total\\{[^}]*state=\"FULFILLED\"[^}]*} 1\\.0")
                    .containsPattern("capmarket_scorecard_lead_time_seconds\\{[^}]*capability=\"postgres-database\"[^}]*step=\"submitted_to_fulfilled\""));
            assertThat(latest(topics.scorecard(), "postgres-database")).isNotNull();
        }
    }

    private static CapabilityOffer offer(String offerId, String producerId, Instant now) {
        return CapabilityOffer.newBuilder().setOfferId(offerId).setProducerId(producerId).setCapability("postgres-database")
                .setCapabilityVersion(1).setParameterSchema("{}").setOutputSchema("{}").setAttributes(Map.of())
                .setLeadTimeSloMs(60_000).setCapacity(2).setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build();
    }

    private RequestState state(Topics topics, String requestId) {
        RequestStatus status = latest(topics.requestStatus(), requestId);
        return status == null ? null : status.getState();
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    private <V> V latest(Topic<String, V> topic, String key) {
        ConsumerRecord<String, V> found = latestRecord(topic, key);
        return found == null ? null : found.value();
    }

    private <V> ConsumerRecord<String, V> latestRecord(Topic<String, V> topic, String key) {
        ConsumerRecord<String, V> found = null;
        try (KafkaConsumer<String, V> consumer = consumer(topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofSeconds(2))) {
                if (key.equals(record.key())) {
                    found = record;
                }
            }
        }
        return found;
    }

    private ConsumerRecord<byte[], byte[]> firstDeadLetter(Topics topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topics.deadLetters().keySerde().deserializer(),
                topics.deadLetters().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.deadLetters().name()));
            ConsumerRecord<byte[], byte[]>[] first = new ConsumerRecord[1];
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> first[0] = first[0] == null ? r : first[0]);
                return first[0] != null;
            });
            return first[0];
        }
    }

    private <K, V> KafkaConsumer<K, V> consumer(org.apache.kafka.common.serialization.Deserializer<K> keys,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, values);
    }

    private String metrics(TopologyApp app) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
