package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ./capmarket dev --secure} end to end, in its own process: the broker with SASL/SCRAM and
 * ACLs (nothing without an ACL), every component as its own principal with the credentials the
 * run wrote. The whole flow works (a request through the gateway, and one from the demo team's
 * bots on Kafka, each matched, accepted and fulfilled by a demo producer), and a producer's
 * credentials are refused everything that is not its own, by the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureMarketplaceIT {

    private static final Duration START = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PORTAL = Pattern.compile("Portal\\s+(http://\\S+)/");
    private static final Pattern CREDENTIALS = Pattern.compile("Credentials\\s+(\\S+)/\\s");
    private static final List<String> PRINCIPALS = List.of("admin", "capmarket-topology", "capmarket-gateway", "producer.dba-eu",
            "producer.dba-us", "producer.streaming-team", "team.demo-app");

    private final HttpClient http = HttpClient.newHttpClient();
    private final Topics topics = Topics.defaults();
    private Process process;
    private Path log;
    private String gateway;
    private Path credentials;

    @BeforeAll
    void startSecure() throws Exception {
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dev-secure");
        log = data.resolveSibling(data.getFileName() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx768m", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), DevMarketplaceMain.class.getName(), "--secure",
                "--data-dir", data.toString(), "--kafka-port", "0", "--registry-port", "0",
                "--gateway-port", "0", "--topology-port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as(() -> "the secure dev run exited: " + read(log)).isTrue();
            String output = read(log);
            Matcher portal = PORTAL.matcher(output);
            Matcher files = CREDENTIALS.matcher(output);
            if (portal.find() && files.find()) {
                gateway = portal.group(1);
                credentials = Path.of(files.group(1));
                return true;
            }
            return false;
        });
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void everyPrincipalHasItsOwnSettingsFileReadableByItsOwnerOnly() throws Exception {
        assertThat(read(log)).contains("SASL/SCRAM-SHA-512 and ACLs", credentials.toString());
        for (String principal : PRINCIPALS) {
            Path file = credentials.resolve(principal + ".properties");
            ClientSettings settings = ClientSettings.read(file);
            assertThat(settings.get("security.protocol")).as(principal).contains("SASL_PLAINTEXT");
            assertThat(settings.get("sasl.mechanism")).as(principal).contains("SCRAM-SHA-512");
            assertThat(settings.get("sasl.jaas.config")).as(principal).hasValueSatisfying(jaas ->
                    assertThat(jaas).contains("username=\"" + principal + "\""));
            assertThat(settings.get("schema.registry.url")).as(principal).isPresent();
            assertThat(settings.get("basic.auth.user.info")).as(principal).isPresent();
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(principal).isEqualTo("rw-------");
            }
        }
        assertThat(ClientSettings.read(credentials.resolve("producer.dba-eu.properties")).get("auto.register.schemas"))
                .contains("false");
        assertThat(ClientSettings.read(credentials.resolve("capmarket-topology.properties")).get("auto.register.schemas")).isEmpty();
    }

    @Test
    void aRequestThroughTheGatewayIsMatchedAcceptedAndFulfilledUnderAcls() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                get("/v1/capabilities").path("items").findValuesAsText("name")).contains("postgres-database", "kafka-topic"));

        JsonNode done = submitAndAwait("secure-it-eu", "eu-west");

        assertThat(done.path("state").asText()).isEqualTo("FULFILLED");
        assertThat(done.path("producerId").asText()).isEqualTo("dba-eu");
        assertThat(done.path("outputs").path("passwordRef").asText()).startsWith("vault:");
        assertThat(states(done)).containsSubsequence("SUBMITTED", "MATCHED", "ACCEPTED", "IN_PROGRESS", "FULFILLED");
    }

    @Test
    void theDemoTeamsBotsSubmitOnTheirOwnTopicAndReadTheStatus() throws Exception {
        ClientSettings bots = settings("team.demo-app");
        Topics asBots = Topics.builder().serdeConfig(bots.serdeConfig()).build();
        // a bot's requestId starts with its team, so it never collides with the gateway's or another team's
        String requestId = DevCredentials.DEMO_TEAM + "." + UUID.randomUUID();
        RequestCommand submit = RequestCommand.newBuilder().setCommand(SubmitRequest.newBuilder().setRequestId(requestId)
                .setConsumerTeam(DevCredentials.DEMO_TEAM)
                .setRequestedBy(Requester.newBuilder().setKind(RequesterKind.BOT).setName("deploy-bot").build())
                .setCapability("kafka-topic").setCapabilityVersion(1).setParameters("{\"name\":\"orders.v1\"}")
                .setConstraints(Map.of()).setPriority(Priority.NORMAL).setSubmittedAt(Instant.now()).build()).build();
        Topic<String, RequestCommand> own = asBots.teamRequests(DevCredentials.DEMO_TEAM);
        try (KafkaProducer<String, RequestCommand> producer = new KafkaProducer<>(producerConfig(bots), new StringSerializer(),
                own.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(own.name(), requestId, submit)).get();
        }

        Map<String, Object> config = new HashMap<>(bots.kafkaClientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, topics.teamPrefix(DevCredentials.DEMO_TEAM) + "status-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        RequestStatus[] last = new RequestStatus[1];
        try (KafkaConsumer<String, RequestStatus> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                asBots.requestStatus().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.requestStatus().name()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.key().equals(requestId)) {
                        last[0] = record.value();
                    }
                });
                return last[0] != null && last[0].getState() == RequestState.FULFILLED;
            });
        }
        assertThat(last[0].getProducerId()).isEqualTo("streaming-team");
        assertThat(last[0].getConsumerTeam()).isEqualTo(DevCredentials.DEMO_TEAM);

        for (String topic : List.of(topics.requests().name(), topics.requestStatus().name(), topics.teamRequests("other-team").name(),
                topics.offers("dba-eu").name())) {
            assertThat(refusedWrite("team.demo-app", topic)).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aProducersCredentialsAreRefusedEverythingNotItsOwn() throws Exception {
        for (Topic<?, ?> topic : List.of(topics.offers("dba-us"), topics.heartbeats("dba-us"), topics.fulfilment("dba-us"),
                topics.producers(), topics.requestStatus(), topics.catalog(), topics.assignments("dba-eu"))) {
            assertThat(refusedWrite("producer.dba-eu", topic.name())).as(topic.name()).isInstanceOf(TopicAuthorizationException.class);
        }
        ClientSettings dbaEu = settings("producer.dba-eu");
        Map<String, Object> config = new HashMap<>(dbaEu.kafkaClientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, topics.producerGroup("dba-eu") + "-probe");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topics.assignments("dba-us").name(), 0)));
            Throwable refused = catchThrowable(() -> consumer.poll(Duration.ofSeconds(10)));
            report("producer.dba-eu", "read " + topics.assignments("dba-us").name(), refused);
            assertThat(refused).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aFulfilmentClaimingAnotherProducersAssignmentChangesNothing() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                get("/v1/capabilities/postgres-database").path("offers").findValuesAsText("producerId")).contains("dba-us"));
        HttpResponse<String> submitted = submit("secure-it-us", "us-east");
        String location = submitted.headers().firstValue("Location").orElseThrow();
        String requestId = location.substring(location.lastIndexOf('/') + 1);
        JsonNode matched = get(location + "?waitFor=ACCEPTED&timeout=30s");
        assertThat(matched.path("producerId").asText()).isEqualTo("dba-us");

        // the attack the trust boundary closes, with dba-eu's own credentials: a FULFILLED report
        // for dba-us's assignment with the attacker's outputs. dba-us's own topic is closed to it ...
        FulfilmentEvent forged = FulfilmentEvent.newBuilder().setRequestId(requestId)
                .setOfferId(matched.path("offerId").asText()).setProducerId("dba-us").setCapability("postgres-database")
                .setAttempt(matched.path("attempt").asInt()).setKind(FulfilmentKind.FULFILLED)
                .setOutputs(Map.of("host", "evil.attacker.example")).setAt(Instant.now()).build();
        ClientSettings dbaEu = settings("producer.dba-eu");
        Topics asDbaEu = Topics.builder().serdeConfig(dbaEu.serdeConfig()).build();
        try (KafkaProducer<String, FulfilmentEvent> producer = new KafkaProducer<>(producerConfig(dbaEu), new StringSerializer(),
                asDbaEu.fulfilment("dba-eu").valueSerde().serializer())) {
            Throwable refused = catchThrowable(() -> producer.send(new ProducerRecord<>(topics.fulfilment("dba-us").name(), requestId,
                    forged)).get());
            report("producer.dba-eu", "write a forged FULFILLED to " + topics.fulfilment("dba-us").name(), refused.getCause());
            assertThat(refused).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
            // ... and on its own topic the claim to be dba-us is not believed: the author is the topic's
            producer.send(new ProducerRecord<>(topics.fulfilment("dba-eu").name(), requestId, forged)).get();
        }

        JsonNode done = get(location + "?waitFor=FULFILLED&timeout=30s");
        assertThat(done.path("state").asText()).isEqualTo("FULFILLED");
        assertThat(done.path("producerId").asText()).isEqualTo("dba-us");
        assertThat(done.path("outputs").path("host").asText()).doesNotContain("evil").contains("us-east");

        Map<String, Object> config = new HashMap<>(settings("admin").kafkaClientConfig());
        config.keySet().removeIf(key -> key.startsWith("capmarket."));
        String[] reason = new String[1];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.deadLetters().name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    Header source = record.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC);
                    if (record.key() != null && new String(record.key(), StandardCharsets.UTF_8).equals(requestId) && source != null
                            && new String(source.value(), StandardCharsets.UTF_8).equals(topics.fulfilment("dba-eu").name())) {
                        reason[0] = new String(record.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8);
                    }
                });
                return reason[0] != null;
            });
        }
        System.out.println("dead-lettered: the forged report on " + topics.fulfilment("dba-eu").name() + " -> " + reason[0]);
        assertThat(reason[0]).as("the dead letter's reason names the producer the topic proves").contains("dba-eu");
    }

    // ---- helpers

    private JsonNode submitAndAwait(String key, String region) throws Exception {
        HttpResponse<String> submitted = submit(key, region);
        return get(submitted.headers().firstValue("Location").orElseThrow() + "?waitFor=FULFILLED&timeout=30s");
    }

    private HttpResponse<String> submit(String key, String region) throws Exception {
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/requests"))
                .header("Authorization", "Bearer " + DevMarketplace.CONSUMER_TOKEN)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"capability\":\"postgres-database\",\"version\":1,"
                        + "\"parameters\":{\"size\":\"small\"},\"constraints\":{\"region\":[\"" + region + "\"]},\"priority\":\"NORMAL\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isIn(200, 202);
        return submitted;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Authorization", "Bearer " + DevMarketplace.CONSUMER_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private ClientSettings settings(String principal) {
        return ClientSettings.read(credentials.resolve(principal + ".properties"));
    }

    private Throwable refusedWrite(String principal, String topic) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(settings(principal)), new StringSerializer(),
                new ByteArraySerializer())) {
            Throwable refused = catchThrowable(() -> producer.send(new ProducerRecord<>(topic, "k", new byte[] {0})).get());
            assertThat(refused).as(principal + " writing " + topic).isInstanceOf(ExecutionException.class);
            report(principal, "write " + topic, refused.getCause());
            return refused.getCause();
        }
    }

    private static void report(String principal, String what, Throwable refused) {
        System.out.println("refused " + principal + ": " + what + " -> " + refused.getClass().getName() + ": " + refused.getMessage());
    }

    private static Map<String, Object> producerConfig(ClientSettings settings) {
        Map<String, Object> config = new HashMap<>(settings.kafkaClientConfig());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return config;
    }

    private static List<String> states(JsonNode request) {
        List<String> states = new ArrayList<>();
        request.path("history").forEach(step -> states.add(step.path("state").asText()));
        return states;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
