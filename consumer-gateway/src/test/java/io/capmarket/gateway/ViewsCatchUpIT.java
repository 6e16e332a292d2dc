package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.schemas.DecisionOutcome;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.MatchWeights;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway that starts behind: behind its statuses, or after requests it accepted before a stop
 * that the topology has not taken yet.
 *
 * <p>A gateway that starts behind its statuses (written while it was stopped, as a topology goes on
 * matching while a gateway restarts) is ready only once its views have read them: the last
 * request written to each partition is readable as soon as {@code /health/ready} says so, and
 * before that it is readable or "retry later", never "not found".
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class ViewsCatchUpIT {

    private static final int STATUSES = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    ViewsCatchUpIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aGatewayStartingBehindItsStatusesIsReadyOnlyOnceItHasReadThem() {
        Map<String, String> settings = Fixtures.settings(broker, registry, "catch-up");
        try (GatewayApp first = GatewayApp.start(GatewayConfig.of(settings))) {
            await().atMost(WAIT).until(first::ready);
        }
        Written written = writeStatuses(Fixtures.topics(settings));
        Map<Integer, String> lastByPartition = written.lastByPartition();
        assertThat(lastByPartition).hasSize(2);

        try (GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings))) {
            Api api = new Api(gateway.httpPort());
            String last = lastByPartition.get(0);
            List<Integer> answersBeforeReady = new ArrayList<>();
            List<Integer> listsBeforeReady = new ArrayList<>();
            await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                if (gateway.ready()) {
                    return true;
                }
                Api.Response early = api.get("/v1/requests/" + last, ALPHA_TOKEN);
                assertThat(early.status()).as("before ready: the request, or retry later: " + early.text()).isIn(200, 503);
                if (early.status() == 503) {
                    assertThat(early.headers().firstValue("Retry-After")).isPresent();
                }
                answersBeforeReady.add(early.status());
                // every status has the same submission time: newest first is by id, so a whole list starts with the least
                Api.Response list = api.get("/v1/requests?order=newest&limit=1", ALPHA_TOKEN);
                assertThat(list.status()).as("a list before ready: whole, or retry later: " + list.text()).isIn(200, 503);
                if (list.status() == 200) {
                    assertThat(JSON.readTree(list.text()).path("items").path(0).path("id").asText())
                            .as("the first of a whole list").isEqualTo(written.first());
                }
                listsBeforeReady.add(list.status());
                return false;
            });
            assertThat(answersBeforeReady).as("asked at least once before ready").isNotEmpty();
            assertThat(listsBeforeReady).as("listed at least once before ready").isNotEmpty();
            for (String id : lastByPartition.values()) {
                Api.Response read = api.get("/v1/requests/" + id, ALPHA_TOKEN);
                assertThat(read.status()).as("the last request of its partition, read once ready: " + read.text()).isEqualTo(200);
            }
        }
    }

    /**
     * A gateway whose state directory is gone (a new machine, a volume lost) restores its views from
     * {@code request-status} itself, and the decisions a view keeps beyond its latest status from their
     * own changelog: a request matched, then accepted, still shows its decision; a deleted one is gone.
     */
    @Test
    void aGatewayThatLostItsStateRestoresEveryViewAndTheDecisionsItKept() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "restore");
        Topics topics = Fixtures.topics(settings);
        Instant at = Instant.now();
        RequestStatus submitted = Statuses.submitted("restored-1", "alpha", at);
        RequestStatus matched = RequestStatus.newBuilder(Statuses.advance(submitted, RequestState.MATCHED, "matched"))
                .setDecisions(List.of(MatchDecision.newBuilder().setAt(at).setAttempt(1).setOutcome(DecisionOutcome.MATCHED)
                        .setOfferId("pg-eu").setWeights(new MatchWeights(1.0, 1.0, 1.0, 1.0)).setCandidates(List.of()).build()))
                .build();
        RequestStatus accepted = RequestStatus.newBuilder(Statuses.advance(matched, RequestState.ACCEPTED, "accepted"))
                .setDecisions(List.of()).build();
        try (GatewayApp first = GatewayApp.start(GatewayConfig.of(settings))) {
            Api api = new Api(first.httpPort());
            await().atMost(WAIT).until(first::ready);
            Fixtures.send(broker, topics.requestStatus(), "restored-1", matched);
            Fixtures.send(broker, topics.requestStatus(), "deleted-1", Statuses.submitted("deleted-1", "alpha", at));
            Fixtures.send(broker, topics.requestStatus(), "restored-1", accepted);
            Fixtures.send(broker, topics.requestStatus(), "deleted-1", null);
            sendUnreadable(topics.requestStatus().name(), "poison-1");
            // read, and the unreadable record skipped, before the stop commits where the views are
            await().atMost(WAIT).until(() -> "1.0".equals(metric(api, "capmarket_gateway_unreadable_records_total{outcome=\"unreadable\"}"))
                    && api.get("/v1/requests/deleted-1", ALPHA_TOKEN).status() == 404
                    && "ACCEPTED".equals(api.get("/v1/requests/restored-1", ALPHA_TOKEN).json().path("state").asText()));
            assertThat(api.get("/v1/requests/restored-1/decision", ALPHA_TOKEN).json().path("decisions").path(0).path("offerId").asText())
                    .isEqualTo("pg-eu");
            String subjects = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(subjects).as("the views' statuses are written under the gateway's own subject, not the topology's")
                    .contains("\"" + settings.get("application.id") + "-request-views-changelog-value\"");
        }
        Path stateDir = Path.of(settings.get("state.dir"));
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
        assertThat(stateDir).doesNotExist();

        try (GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings))) {
            Api api = new Api(gateway.httpPort());
            await().atMost(WAIT).until(gateway::ready);

            Api.Response read = api.get("/v1/requests/restored-1", ALPHA_TOKEN);
            assertThat(read.status()).as(read.text()).isEqualTo(200);
            assertThat(read.json().get("state").asText()).isEqualTo("ACCEPTED");
            Api.Response decision = api.get("/v1/requests/restored-1/decision", ALPHA_TOKEN);
            assertThat(decision.status()).as(decision.text()).isEqualTo(200);
            assertThat(decision.json().path("decisions")).as("the decision its latest status no longer carries").hasSize(1);
            assertThat(decision.json().path("decisions").path(0).path("offerId").asText()).isEqualTo("pg-eu");
            assertThat(api.get("/v1/requests/deleted-1", ALPHA_TOKEN).status()).isEqualTo(404);
            List<String> listed = new ArrayList<>();
            api.get("/v1/requests", ALPHA_TOKEN).json().get("items").forEach(item -> listed.add(item.get("id").asText()));
            assertThat(listed).as("listed: the index is rebuilt from the restored views").containsExactly("restored-1");
            assertThat(api.get("/v1/requests/poison-1", ALPHA_TOKEN).status()).as("skipped when read, dropped when restored")
                    .isEqualTo(404);
            assertThat(metric(api, "capmarket_gateway_view_unreadable_dropped_total")).isEqualTo("1.0");
        }
    }

    /** A record of {@code topic} no deserializer can read: not in the registry's wire format. */
    private void sendUnreadable(String topic, String key) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, new byte[] {0x7f, 1, 2, 3})).get();
        }
    }

    /**
     * A request answered 202 just before its gateway stopped, while no topology takes requests, is
     * readable on the gateway that starts next (listed, and its Idempotency-Key answers 200 or 409)
     * until the topology's status of it arrives; one past the topology's committed position is not held.
     */
    @Test
    void aRequestAcceptedBeforeARestartIsHeldUntilTheTopologyTakesIt() throws Exception {
        Map<String, String> settings = new HashMap<>(Fixtures.settings(broker, registry, "held"));
        String topologyGroup = settings.get("application.id") + "-topology";
        settings.put(GatewayConfig.TOPOLOGY_APPLICATION_ID, topologyGroup);
        Topics topics = Fixtures.topics(settings);
        String body = "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 10}}";
        String taken;
        String pending;
        try (GatewayApp first = GatewayApp.start(GatewayConfig.of(settings))) {
            Fixtures.send(broker, topics.catalog(), "postgres-database", Fixtures.postgres(Instant.now()));
            Api api = new Api(first.httpPort());
            await().atMost(WAIT).until(() -> first.ready() && api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).status() == 200);
            taken = accepted(api.post("/v1/requests", ALPHA_TOKEN, body, "Idempotency-Key", "held-1"));
            pending = accepted(api.post("/v1/requests", ALPHA_TOKEN, body, "Idempotency-Key", "held-2"));
        }
        // the topology took the first submit (both are on the partition of postgres-database), not the second
        TopicPartition requests = takenUpTo(topics, topologyGroup, taken);

        try (GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings))) {
            await().atMost(WAIT).until(gateway::ready);
            Api api = new Api(gateway.httpPort());

            Api.Response read = api.get("/v1/requests/" + pending, ALPHA_TOKEN);
            assertThat(read.status()).as("accepted by the stopped gateway: " + read.text()).isEqualTo(200);
            assertThat(read.json().get("state").asText()).isEqualTo("SUBMITTED");
            List<String> listed = new ArrayList<>();
            api.get("/v1/requests", ALPHA_TOKEN).json().get("items").forEach(item -> listed.add(item.get("id").asText()));
            assertThat(listed).containsExactly(pending);
            assertThat(api.post("/v1/requests", ALPHA_TOKEN, body, "Idempotency-Key", "held-2").status())
                    .as("the same key and body").isEqualTo(200);
            assertThat(api.post("/v1/requests", ALPHA_TOKEN, body.replace("10", "20"), "Idempotency-Key", "held-2").status())
                    .as("the same key, another body").isEqualTo(409);
            assertThat(api.get("/v1/requests/" + taken, ALPHA_TOKEN).status())
                    .as("taken by the topology (" + requests + "), so its status is the store's to give").isEqualTo(404);
            assertThat(heldUnstored(api)).isEqualTo("1.0");

            RequestStatus matched = Statuses.advance(Statuses.of(read.json()), RequestState.MATCHED, "matched");
            Fixtures.send(broker, topics.requestStatus(), pending, matched);
            await().atMost(WAIT).until(() -> "MATCHED".equals(api.get("/v1/requests/" + pending, ALPHA_TOKEN).json().get("state").asText()));
            await().atMost(WAIT).until(() -> heldUnstored(api).equals("0.0"));
        }
    }

    private static String accepted(Api.Response answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        return answer.json().get("id").asText();
    }

    /** Commits the topology's group's position on {@code requests} just past the submit of {@code requestId}, as the topology does. */
    private TopicPartition takenUpTo(Topics topics, String topologyGroup, String requestId) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, topologyGroup, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.requests().name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key().equals(requestId)) {
                        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                        consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
                        return partition;
                    }
                }
            }
            throw new AssertionError("no submit of " + requestId + " on " + topics.requests().name());
        }
    }

    /** The gauge of requests held as accepted and not stored yet. */
    private static String heldUnstored(Api api) {
        return metric(api, "capmarket_gateway_accepted_unstored");
    }

    /** A metric's value on {@code /metrics}, or "absent". */
    private static String metric(Api api, String name) {
        return api.get("/metrics", null).text().lines().filter(line -> line.startsWith(name + " "))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).findFirst().orElse("absent");
    }

    /**
     * @param lastByPartition the last request written to each partition
     * @param first the request a whole list newest first starts with (all were submitted at once: the least id)
     */
    private record Written(Map<Integer, String> lastByPartition, String first) {
    }

    /** Writes the SUBMITTED statuses of many requests of team alpha, all submitted at one instant, as the topology would. */
    private Written writeStatuses(Topics topics) {
        Topic<String, RequestStatus> statuses = topics.requestStatus();
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Map<Integer, String> last = new HashMap<>();
        TreeSet<String> ids = new TreeSet<>();
        Instant at = Instant.now();
        try (KafkaProducer<String, RequestStatus> producer = new KafkaProducer<>(config, statuses.keySerde().serializer(),
                statuses.valueSerde().serializer())) {
            for (int i = 0; i < STATUSES; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                producer.send(new ProducerRecord<>(statuses.name(), id, Statuses.submitted(id, "alpha", at)), (metadata, error) -> {
                    if (error == null) {
                        synchronized (last) {
                            last.put(metadata.partition(), id);
                        }
                    }
                });
            }
            producer.flush();
        }
        synchronized (last) {
            return new Written(Map.copyOf(last), ids.first());
        }
    }
}
