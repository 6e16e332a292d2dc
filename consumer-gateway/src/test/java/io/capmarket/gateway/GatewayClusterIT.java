package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static io.capmarket.gateway.Fixtures.DBA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.internal.Submission;
import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two gateway instances of one deployment: each owns part of the requests and forwards reads of the rest. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class GatewayClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    GatewayClusterIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aRequestSubmittedThroughOneInstanceIsReadableListedAndAwaitedThroughTheOther() throws Exception {
        try (Deployment pair = Deployment.start(broker, registry, "cluster")) {
            GatewayApp a = pair.a();
            GatewayApp b = pair.b();
            Topics topics = pair.topics();
            Api viaA = new Api(a.httpPort());
            Api viaB = new Api(b.httpPort());

            // one request per partition, so each instance owns one of them and forwards the other
            List<String> keys = List.of(keyFor(0), keyFor(1));
            List<JsonNode> submitted = new ArrayList<>();
            for (String key : keys) {
                Api.Response accepted = viaA.post("/v1/requests", ALPHA_TOKEN,
                        "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 1}}", "Idempotency-Key", key);
                assertThat(accepted.status()).isEqualTo(202);
                Api.Response readAtOnce = viaB.get(accepted.header("Location").orElseThrow(), ALPHA_TOKEN);
                assertThat(readAtOnce.status()).as("read-your-writes through the other instance").isEqualTo(200);
                assertThat(readAtOnce.json().get("state").asText()).isEqualTo("SUBMITTED");
                submitted.add(accepted.json());
            }

            // without a key the id is random: whichever instance owns it decides, and each is readable at once everywhere
            for (int i = 0; i < 8; i++) {
                Api.Response keyless = viaA.post("/v1/requests", BETA_TOKEN,
                        "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 1}}");
                assertThat(keyless.status()).as(keyless.text()).isEqualTo(202);
                assertThat(viaB.get(keyless.header("Location").orElseThrow(), BETA_TOKEN).status()).isEqualTo(200);
                assertThat(viaA.get(keyless.header("Location").orElseThrow(), BETA_TOKEN).status()).isEqualTo(200);
            }

            for (JsonNode view : submitted) {
                String path = "/v1/requests/" + view.get("id").asText();
                assertThat(viaA.get(path, ALPHA_TOKEN).status()).isEqualTo(200);
                assertThat(viaB.get(path, ALPHA_TOKEN).status()).isEqualTo(200);
                assertThat(viaB.get(path, BETA_TOKEN).status()).isEqualTo(404);
            }
            List<String> listedByB = new ArrayList<>();
            viaB.get("/v1/requests", ALPHA_TOKEN).json().get("items").forEach(item -> listedByB.add(item.get("id").asText()));
            assertThat(listedByB).containsExactlyInAnyOrderElementsOf(submitted.stream().map(v -> v.get("id").asText()).toList());

            Api.Response again = viaB.post("/v1/requests", ALPHA_TOKEN,
                    "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 1}}", "Idempotency-Key", keys.get(0));
            assertThat(again.status()).as("the same key through the other instance").isEqualTo(200);
            assertThat(again.json().get("id").asText()).isEqualTo(submitted.get(0).get("id").asText());

            for (JsonNode view : submitted) {
                String id = view.get("id").asText();
                long asked = System.nanoTime();
                CompletableFuture<Api.Response> pollA = viaA.getAsync("/v1/requests/" + id + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);
                CompletableFuture<Api.Response> pollB = viaB.getAsync("/v1/requests/" + id + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);
                await().atMost(WAIT).until(() -> waiters(viaA) + waiters(viaB) >= 2);
                Fixtures.send(broker, topics.requestStatus(), id, Statuses.advance(Statuses.of(view), RequestState.FULFILLED, "done"));
                assertThat(pollA.get(WAIT.toSeconds(), TimeUnit.SECONDS).json().get("state").asText()).isEqualTo("FULFILLED");
                assertThat(pollB.get(WAIT.toSeconds(), TimeUnit.SECONDS).json().get("state").asText()).isEqualTo("FULFILLED");
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("both woken by the change, not answered at their 20 s timeout")
                        .isLessThan(Duration.ofSeconds(19));
            }
        }
    }

    @Test
    void aRequestAcceptedBeforeItsPartitionMovesIsListedOnceByItsNewOwnerAsItIsNow() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "moved");
        Map<String, String> second = new HashMap<>(settings);
        second.put("state.dir", settings.get("state.dir") + "-b");
        Topics topics = Fixtures.topics(settings);
        try (GatewayApp a = GatewayApp.start(GatewayConfig.of(settings))) {
            Api viaA = new Api(a.httpPort());
            Fixtures.send(broker, topics.catalog(), "postgres-database", Fixtures.postgres(Instant.now()));
            await().atMost(WAIT).until(() -> a.ready() && localPartitions(a) == 2
                    && viaA.get("/v1/capabilities", Fixtures.ADMIN_TOKEN).json().get("items").size() == 1);
            // no topology runs: both requests stay held as accepted, one in each partition of the first instance
            Map<Integer, JsonNode> byPartition = new HashMap<>();
            for (int partition : List.of(0, 1)) {
                Api.Response accepted = viaA.post("/v1/requests", ALPHA_TOKEN,
                        "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 1}}",
                        "Idempotency-Key", keyFor(partition));
                assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
                byPartition.put(partition, accepted.json());
            }
            List<String> ids = byPartition.values().stream().map(view -> view.get("id").asText()).toList();

            try (GatewayApp b = GatewayApp.start(GatewayConfig.of(second))) {
                Api viaB = new Api(b.httpPort());
                await().atMost(WAIT).until(() -> bothOwnAPartition(a, b));
                for (Api api : List.of(viaA, viaB)) {
                    assertThat(listed(api)).as("each request listed once, by the instance that owns it now")
                            .extracting(item -> item.get("id").asText()).containsExactlyInAnyOrderElementsOf(ids);
                }

                JsonNode moved = byPartition.get(b.localRequestPartitions().iterator().next());
                Fixtures.send(broker, topics.requestStatus(), moved.get("id").asText(),
                        Statuses.advance(Statuses.of(moved), RequestState.MATCHED, "matched"));
                for (Api api : List.of(viaA, viaB)) {
                    await().atMost(WAIT).untilAsserted(() -> assertThat(listed(api))
                            .as("the moved request once, as its new owner's store has it")
                            .filteredOn(item -> item.get("id").asText().equals(moved.get("id").asText()))
                            .extracting(item -> item.get("state").asText()).containsExactly("MATCHED"));
                }
            }
        }
    }

    private static List<JsonNode> listed(Api api) {
        Api.Response page = api.get("/v1/requests", ALPHA_TOKEN);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        page.json().get("items").forEach(items::add);
        return items;
    }

    @Test
    void twoConcurrentPostsWithOneKeyThroughTwoInstancesAreOneRequestAndADifferentBodyGets409() throws Exception {
        try (Deployment pair = Deployment.start(broker, registry, "race")) {
            Api viaA = new Api(pair.a().httpPort());
            Api viaB = new Api(pair.b().httpPort());

            int tries = 20;
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < tries; i++) {
                String key = "race-" + UUID.randomUUID();
                CompletableFuture<Api.Response> one = CompletableFuture.supplyAsync(() -> viaA.post("/v1/requests", ALPHA_TOKEN,
                        "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 1}}",
                        "Idempotency-Key", key));
                CompletableFuture<Api.Response> two = CompletableFuture.supplyAsync(() -> viaB.post("/v1/requests", ALPHA_TOKEN,
                        "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 2}}",
                        "Idempotency-Key", key));
                List<Api.Response> answers = List.of(one.get(60, TimeUnit.SECONDS), two.get(60, TimeUnit.SECONDS));

                assertThat(answers).extracting(Api.Response::status).as("try %d", i).containsExactlyInAnyOrder(202, 409);
                Api.Response accepted = answers.stream().filter(r -> r.status() == 202).findFirst().orElseThrow();
                int askedFor = accepted == answers.get(0) ? 1 : 2;
                assertThat(accepted.json().get("parameters").get("sizeGb").asInt())
                        .as("the caller answered 202 gets the request it asked for").isEqualTo(askedFor);
                Api.Response refused = answers.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
                assertThat(refused.text()).contains("parameters").contains(accepted.json().get("id").asText());
                outcomes.add(askedFor == 1 ? "a" : "b");
            }
            System.out.printf("idempotency race: %d tries, first written through instance a %d times, b %d times%n", tries,
                    outcomes.stream().filter("a"::equals).count(), outcomes.stream().filter("b"::equals).count());

            String key = "same-" + UUID.randomUUID();
            String body = "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 3}}";
            CompletableFuture<Api.Response> one = CompletableFuture.supplyAsync(() -> viaA.post("/v1/requests", ALPHA_TOKEN, body,
                    "Idempotency-Key", key));
            CompletableFuture<Api.Response> two = CompletableFuture.supplyAsync(() -> viaB.post("/v1/requests", ALPHA_TOKEN, body,
                    "Idempotency-Key", key));
            List<Api.Response> same = List.of(one.get(60, TimeUnit.SECONDS), two.get(60, TimeUnit.SECONDS));
            assertThat(same).extracting(Api.Response::status).as("one is written, the other answered with it")
                    .containsExactlyInAnyOrder(202, 200);
            assertThat(same.get(0).json().get("parameters")).isEqualTo(same.get(1).json().get("parameters"));
        }
    }

    @Test
    void anApproverFindsItsInboxOnEitherInstanceAndItsDecisionIsPublishedWhereverTheRequestLives() throws Exception {
        try (Deployment pair = Deployment.start(broker, registry, "inbox")) {
            Api viaA = new Api(pair.a().httpPort());
            Api viaB = new Api(pair.b().httpPort());
            Topics topics = pair.topics();
            // two of team alpha's requests waiting for the DBA team, one in each partition, as the topology writes them
            List<String> ids = new ArrayList<>();
            Instant at = Instant.now().minusSeconds(60);
            for (int partition : new int[] {1, 0}) {
                String id = Submission.requestId("alpha", keyFor(partition));
                Fixtures.send(broker, topics.requestStatus(), id, Statuses.pending(Statuses.submitted(id, "alpha", at.plusSeconds(ids.size())),
                        "team:dba"));
                ids.add(id);
            }

            await().atMost(WAIT).until(() -> inbox(viaA, "").size() == 2);
            assertThat(inbox(viaA, "")).as("oldest first, from both instances").containsExactlyElementsOf(ids);
            JsonNode first = viaB.get("/v1/approvals?limit=1", DBA_TOKEN).json();
            assertThat(first.get("items")).extracting(item -> item.get("id").asText()).containsExactly(ids.get(0));
            assertThat(inbox(viaB, "&cursor=" + first.get("next").asText())).containsExactly(ids.get(1));
            assertThat(viaA.get("/v1/approvals", BETA_TOKEN).json().get("items")).isEmpty();
            for (String id : ids) {
                assertThat(viaA.get("/v1/requests/" + id, DBA_TOKEN).status()).as("read where it lives, for its approver").isEqualTo(200);
                assertThat(viaB.get("/v1/requests/" + id, BETA_TOKEN).status()).isEqualTo(404);
                Api.Response approved = viaA.send(viaA.request("/v1/requests/" + id + "/approve", DBA_TOKEN)
                        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
                assertThat(approved.status()).as(approved.text()).isEqualTo(202);
            }

            List<ApprovalDecision> decisions = decisions(topics, ids.size());
            assertThat(decisions).extracting(ApprovalDecision::getRequestId).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(decisions).allSatisfy(decision -> {
                assertThat(decision.getDecidedBy().getName()).isEqualTo("dana");
                assertThat(decision.getApproverTeam()).isEqualTo("dba");
                assertThat(decision.getApproverRole()).isEqualTo("approver");
                assertThat(decision.getApprove()).isTrue();
            });
        }
    }

    /** The ids in the DBA approver's inbox through {@code api}, with more of the query string ({@code &cursor=...}). */
    private static List<String> inbox(Api api, String more) {
        List<String> ids = new ArrayList<>();
        api.get("/v1/approvals?limit=10" + more, DBA_TOKEN).json().get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    /** The first {@code count} approval decisions on the gateway's requests topic, each keyed by its request id. */
    private List<ApprovalDecision> decisions(Topics topics, int count) {
        List<ApprovalDecision> decisions = new ArrayList<>();
        try (KafkaConsumer<String, RequestCommand> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "decisions-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                topics.requests().keySerde().deserializer(), topics.requests().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.requests().name()));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.value().getCommand() instanceof ApprovalDecision decision) {
                        assertThat(record.key()).isEqualTo(decision.getRequestId());
                        decisions.add(decision);
                    }
                });
                return decisions.size() >= count;
            });
        }
        return decisions;
    }

    @Test
    void readsBeforeTheStoresAreReadyAnswer503WithRetryAfter() {
        Map<String, String> settings = Fixtures.settings(broker, registry, "cold");
        try (GatewayApp app = GatewayApp.start(GatewayConfig.of(settings))) {
            Api api = new Api(app.httpPort());
            Api.Response ready = api.get("/health/ready", null);
            Api.Response read = api.get("/v1/requests/" + UUID.randomUUID(), ALPHA_TOKEN);
            boolean stillStarting = !app.ready();

            assertThat(stillStarting).as("the stores were not ready during the calls").isTrue();
            assertThat(ready.status()).isEqualTo(503);
            assertThat(read.status()).isEqualTo(503);
            assertThat(read.header("Retry-After")).contains("1");
            assertThat(read.json().get("type").asText()).isEqualTo("/problems/retry-later");
            await().atMost(WAIT).until(app::ready);
            assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
        }
    }

    @Test
    void whatOneInstanceSendsTheOtherCarriesTheCallersSignedAssertionAndNeverABearerToken() throws Exception {
        // b listens on 127.0.0.1 but tells the group it is at 127.0.0.2 (same port), where this test listens, records and passes on
        try (Deployment pair = Deployment.start(broker, registry, "wire", Map.of("http.advertised-host", "127.0.0.2"));
                Wiretap tap = new Wiretap("127.0.0.2", pair.b().httpPort())) {
            Api viaA = new Api(pair.a().httpPort());
            List<String> ids = new ArrayList<>();
            for (String key : List.of(keyFor(0), keyFor(1))) {
                Api.Response accepted = viaA.post("/v1/requests", ALPHA_TOKEN,
                        "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 1}}", "Idempotency-Key", key);
                assertThat(accepted.status()).isEqualTo(202);
                ids.add(accepted.json().get("id").asText());
            }
            for (String id : ids) {
                assertThat(viaA.get("/v1/requests/" + id, ALPHA_TOKEN).status()).isEqualTo(200);
                assertThat(viaA.get("/v1/requests/" + id, Fixtures.ADMIN_TOKEN).status()).isEqualTo(200);
            }
            assertThat(viaA.get("/v1/requests", Fixtures.ADMIN_TOKEN).json().get("items")).hasSize(2);

            List<Wiretap.Call> calls = tap.calls();
            assertThat(calls).as("the submit of b's request, reads of b's requests and b's part of the lists went over the wire")
                    .anyMatch(call -> call.method().equals("POST") && call.target().equals("/internal/v1/requests"))
                    .anyMatch(call -> call.target().startsWith("/internal/v1/requests/"))
                    .anyMatch(call -> call.target().startsWith("/internal/v1/requests?"));
            assertThat(calls).allSatisfy(call -> {
                assertThat(call.headers().keySet()).noneMatch(header -> header.equalsIgnoreCase("Authorization"));
                assertThat(call.headers().get(io.capmarket.gateway.internal.InstanceCalls.HEADER)).as("the caller, vouched for").isNotEmpty();
                assertThat(call.headers().toString()).doesNotContain(ALPHA_TOKEN, Fixtures.ADMIN_TOKEN, "Bearer");
            });
        }
    }

    /**
     * A plain HTTP server that records each call (method, target and headers) and passes it on to the
     * instance on 127.0.0.1 at the same port, answering with its answer.
     */
    private static final class Wiretap implements AutoCloseable {

        record Call(String method, String target, Map<String, List<String>> headers) {
        }

        private final com.sun.net.httpserver.HttpServer server;
        private final List<Call> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();

        Wiretap(String host, int port) throws java.io.IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(host, port), 0);
            server.createContext("/", exchange -> {
                String target = exchange.getRequestURI().toString();
                Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(exchange.getRequestHeaders());
                calls.add(new Call(exchange.getRequestMethod(), target, headers));
                java.net.http.HttpRequest.Builder onward = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + target)).timeout(Duration.ofSeconds(30));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (name.startsWith("X-") || List.of("accept", "content-type", "idempotency-key", "traceparent")
                            .contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        values.forEach(value -> onward.header(name, value));
                    }
                });
                try {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    java.net.http.HttpResponse<byte[]> answer = client.send(onward.method(exchange.getRequestMethod(), body.length == 0
                            ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                    for (String name : List.of("Content-Type", "Location")) {
                        answer.headers().firstValue(name).ifPresent(value -> exchange.getResponseHeaders().add(name, value));
                    }
                    exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                    exchange.getResponseBody().write(answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
        }

        List<Call> calls() {
            return List.copyOf(calls);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Two instances of one deployment, each owning one partition of its requests, with the postgres catalog entry. */
    private record Deployment(GatewayApp a, GatewayApp b, Topics topics) implements AutoCloseable {

        static Deployment start(KafkaBroker broker, EmbeddedSchemaRegistry registry, String name) {
            return start(broker, registry, name, Map.of());
        }

        /** @param bOverrides settings of the second instance only */
        static Deployment start(KafkaBroker broker, EmbeddedSchemaRegistry registry, String name, Map<String, String> bOverrides) {
            Map<String, String> settings = Fixtures.settings(broker, registry, name);
            Map<String, String> second = new HashMap<>(settings);
            second.put("state.dir", settings.get("state.dir") + "-b");
            second.putAll(bOverrides);
            GatewayApp a = GatewayApp.start(GatewayConfig.of(settings));
            GatewayApp b;
            try {
                b = GatewayApp.start(GatewayConfig.of(second));
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            Deployment deployment = new Deployment(a, b, Fixtures.topics(settings));
            try {
                Fixtures.send(broker, deployment.topics().catalog(), "postgres-database", Fixtures.postgres(Instant.now()));
                await().atMost(WAIT).until(() -> a.ready() && b.ready() && bothOwnAPartition(a, b));
                // each instance's global catalog table has the entry: a submit is checked against it
                for (GatewayApp app : List.of(a, b)) {
                    Api api = new Api(app.httpPort());
                    await().atMost(WAIT).until(() -> api.get("/v1/capabilities", Fixtures.ADMIN_TOKEN).json().get("items").size() == 1);
                }
            } catch (RuntimeException | AssertionError e) {
                deployment.close();
                throw e;
            }
            return deployment;
        }

        @Override
        public void close() {
            try {
                b.close();
            } finally {
                a.close();
            }
        }
    }

    private static boolean bothOwnAPartition(GatewayApp a, GatewayApp b) {
        return a.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                && b.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                && new Api(a.httpPort()).get("/health/ready", null).status() == 200
                && new Api(b.httpPort()).get("/health/ready", null).status() == 200
                && localPartitions(a) == 1 && localPartitions(b) == 1;
    }

    private static int localPartitions(GatewayApp app) {
        return app.localRequestPartitions().size();
    }

    private static double waiters(Api api) {
        String metrics = api.get("/metrics", null).text();
        int at = metrics.indexOf("\ncapmarket_gateway_long_poll_waiters ");
        return Double.parseDouble(metrics.substring(at).split("\\s+")[2]);
    }

    /** An Idempotency-Key whose request id lands in {@code partition} of two (Kafka's default partitioner). */
    private static String keyFor(int partition) {
        while (true) {
            String key = "cluster-" + UUID.randomUUID();
            String id = Submission.requestId("alpha", key);
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
                return key;
            }
        }
    }

}
