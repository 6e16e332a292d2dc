package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ADMIN_TOKEN;
import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.APPROVER_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static io.capmarket.gateway.Fixtures.DBA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Approvals through the gateway, the real topology and broker, and a simulated producer team whose
 * offer asks the DBA team (team:dba) to approve requests for the legacy engine, postgres-15: the
 * approver finds them in its inbox and approves one (matched and fulfilled, its approver in the
 * status) or rejects it (FAILED with the reason); the admins set a policy of their own, which a
 * matching submit waits for beside the producer's, or fails when nobody approves in time; a request
 * is cancelled while it waits. Who may not decide is refused: 403 for a caller who sees the request
 * but is not named, and for the requester; 404 for anyone else. The admins also hand a capability
 * version's contract to another producer.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayApprovalsIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String POLICY = "/v1/capabilities/postgres-database/versions/1/approval";
    private static final String DANA = "dana (team dba, role approver)";
    private static final String BUCKET = "object-bucket";
    private static final String OWNER = "/v1/capabilities/" + BUCKET + "/versions/1/owner";

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Running running = new Running();
    private Api api;
    private Topics topics;

    GatewayApprovalsIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "approvals");
        topics = Fixtures.topics(settings);
        TopologyApp topology = TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings,
                "db-team=postgres-database," + BUCKET + ";storage-team=" + BUCKET, Map.of("deadlines.check-interval", "200ms")));
        running.add(topology);
        GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
        running.add(gateway);
        running.add(new SimulatedProducer(broker.bootstrapServers(), topics, "db-team"));
        Instant now = Instant.now();
        Fixtures.send(broker, topics.heartbeats("db-team"), "sim-1", new ProducerHeartbeat("db-team", "sim-1", now, 0, true));
        Fixtures.send(broker, topics.offers("db-team"), "pg-eu", CapabilityOffer.newBuilder().setOfferId("pg-eu")
                .setProducerId("db-team").setCapability("postgres-database").setCapabilityVersion(1)
                .setDescription("Managed PostgreSQL").setParameterSchema(Fixtures.PARAMETER_SCHEMA)
                .setOutputSchema("{\"type\":\"object\"}").setAttributes(Map.of()).setLeadTimeSloMs(60_000).setCapacity(10)
                .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now)
                .setApproval(ApprovalPolicy.newBuilder().setWhen(Map.of("engine", List.of("postgres-15")))
                        .setApprovers(List.of("team:dba")).setExpiresAfterMs(null).build())
                .build());
        api = new Api(gateway.httpPort());
        await().atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                && api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).status() == 200);
    }

    @AfterAll
    void stop() throws Exception {
        running.close();
    }

    @Test
    void anApproverFindsTheRequestInItsInboxAndApprovesItThenItIsMatchedAndFulfilled() throws Exception {
        String location = pending("approve", "postgres-15", 10);
        String id = id(location);
        JsonNode waiting = api.get(location, ALPHA_TOKEN).json();
        assertThat(waiting.get("approvals").toString())
                .isEqualTo("[{\"source\":\"producer db-team\",\"approvers\":[\"team:dba\"],\"approvedBy\":null,\"approvedAt\":null}]");
        assertThat(Instant.parse(waiting.get("approvalExpiresAt").asText())).isAfter(Instant.now().plus(Duration.ofDays(2)));

        assertThat(ids(api.get("/v1/approvals", DBA_TOKEN).json())).contains(id);
        assertThat(ids(api.get("/v1/approvals", BETA_TOKEN).json())).doesNotContain(id);
        assertThat(ids(api.get("/v1/approvals", ALPHA_TOKEN).json())).as("the requester never decides").doesNotContain(id);
        assertThat(api.get(location, DBA_TOKEN).status()).as("the approver reads what it approves").isEqualTo(200);
        assertThat(api.get(location, BETA_TOKEN).status()).isEqualTo(404);

        // who sees the request but is not named, and the requester, are refused; anyone else does not find it
        Api.Response sameTeam = decide(location, "approve", APPROVER_TOKEN, "{}");
        assertThat(sameTeam.status()).isEqualTo(403);
        assertThat(sameTeam.json().get("detail").asText())
                .isEqualTo("carol (team alpha, role approver) is not an approver of request " + id + ": its open approvals name [team:dba]");
        assertThat(decide(location, "approve", ADMIN_TOKEN, "{}").status()).as("an admin only where role:admin is named").isEqualTo(403);
        Api.Response own = decide(location, "approve", ALPHA_TOKEN, "{}");
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.json().get("detail").asText()).contains("alice (team alpha, role consumer) asked for request " + id);
        assertThat(decide(location, "approve", BETA_TOKEN, "{}").status()).isEqualTo(404);

        // a long-poll for FULFILLED goes on through PENDING_APPROVAL
        CompletableFuture<Api.Response> poll = api.getAsync(location + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);
        Api.Response approved = decide(location, "approve", DBA_TOKEN, "{\"reason\": \"the legacy engine is fine here\"}");
        assertThat(approved.status()).isEqualTo(202);
        assertThat(approved.json().get("state").asText()).as("decided by the topology, later").isEqualTo("PENDING_APPROVAL");

        JsonNode fulfilled = poll.get(30, java.util.concurrent.TimeUnit.SECONDS).json();
        assertThat(fulfilled.get("state").asText()).isEqualTo("FULFILLED");
        JsonNode gate = fulfilled.get("approvals").get(0);
        assertThat(gate.get("approvedBy").asText()).isEqualTo(DANA);
        assertThat(gate.get("approvedAt").isNull()).isFalse();
        assertThat(Api.states(fulfilled)).startsWith("SUBMITTED", "PENDING_APPROVAL", "PENDING_APPROVAL", "MATCHED").endsWith("FULFILLED");
        assertThat(fulfilled.get("history").toString()).contains("approved by " + DANA + " for producer db-team: the legacy engine is fine here");
        assertThat(api.get(location, DBA_TOKEN).status()).as("once decided, another team's request again").isEqualTo(404);
    }

    @Test
    void aRejectionSaysWhyAndFailsTheRequest() {
        String location = pending("reject", "postgres-15", 10);
        String id = id(location);

        // the approver of another team sees the request to decide it, and stops it only by a rejection
        Api.Response cancel = api.delete(location, DBA_TOKEN);
        assertThat(cancel.status()).isEqualTo(403);
        assertThat(cancel.json().get("detail").asText()).isEqualTo("dana of team dba may not cancel request " + id
                + " of team alpha: a team cancels only its own requests; as one of its approvers, reject it (POST /v1/requests/"
                + id + "/reject with a reason)");
        assertThat(api.patch(location, DBA_TOKEN, "{\"sizeGb\": 20}").status()).isEqualTo(403);
        assertThat(api.get(location, ALPHA_TOKEN).json().get("state").asText()).isEqualTo("PENDING_APPROVAL");

        Api.Response noReason = decide(location, "reject", DBA_TOKEN, "{\"reason\": \" \"}");
        assertThat(noReason.status()).isEqualTo(422);
        assertThat(noReason.json().get("errors").get(0).get("field").asText()).isEqualTo("reason");
        assertThat(decide(location, "reject", DBA_TOKEN, "{\"reason\": \"use postgres-16\", \"approve\": false}").status())
                .as("a body of more than a reason").isEqualTo(400);
        assertThat(decide(location, "reject", DBA_TOKEN, "{\"reason\": \"use postgres-16\"}").status()).isEqualTo(202);

        JsonNode failed = until(location, r -> r.get("state").asText().equals("FAILED"));
        assertThat(failed.get("reason").asText()).isEqualTo("rejected by " + DANA + ": use postgres-16");
        assertThat(failed.get("approvalExpiresAt").isNull()).isTrue();
        assertThat(decide(location, "approve", ALPHA_TOKEN, "{}").status()).as("nothing waits for a decision").isEqualTo(409);
    }

    @Test
    void theAdminsPolicyIsSetShownInTheCatalogAndAMatchingSubmitWaitsForItAndFailsWhenNobodyApprovesInTime() {
        Api.Response set = setPolicy("{\"when\": {\"sizeGb\": [7]}, \"approvers\": [\"role:admin\"], \"expiresAfter\": \"2s\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().toString()).isEqualTo("{\"when\":{\"sizeGb\":[\"7\"]},\"approvers\":[\"role:admin\"],\"expiresAfterMs\":2000}");
        await().atMost(WAIT).until(() -> !api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).json().get("versions").get(0)
                .get("approval").isNull());
        JsonNode capability = api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).json();
        assertThat(capability.get("versions").get(0).get("approval")).isEqualTo(set.json());
        assertThat(capability.get("offers").get(0).get("approval").toString())
                .isEqualTo("{\"when\":{\"engine\":[\"postgres-15\"]},\"approvers\":[\"team:dba\"],\"expiresAfterMs\":null}");

        String location = pending("expire", "postgres-16", 7);
        JsonNode waiting = api.get(location, ALPHA_TOKEN).json();
        assertThat(waiting.get("approvals").get(0).get("source").asText()).isEqualTo("platform");
        JsonNode expired = until(location, r -> r.get("state").asText().equals("FAILED"));
        assertThat(expired.get("reason").asText()).startsWith("approval not given within");

        assertThat(api.send(api.request(POLICY, ADMIN_TOKEN).DELETE().build()).status()).isEqualTo(204);
        await().atMost(WAIT).until(() -> api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).json().get("versions").get(0)
                .get("approval").isNull());
    }

    @Test
    void anAdminsPolicyIsRefusedNamingTheMemberAndTheRuleAndOnlyAnAdminSetsOne() {
        Api.Response unknownRole = setPolicy("{\"approvers\": [\"role:boss\"]}");
        assertThat(unknownRole.status()).isEqualTo(422);
        assertThat(unknownRole.json().get("errors").get(0).get("field").asText()).isEqualTo("approvers");
        assertThat(unknownRole.json().get("errors").get(0).get("rule").asText()).contains("'role:boss' names no role");
        Api.Response badExpiry = setPolicy("{\"approvers\": [\"role:admin\"], \"expiresAfter\": \"soon\"}");
        assertThat(badExpiry.status()).isEqualTo(400);
        assertThat(badExpiry.json().get("errors").get(0).get("field").asText()).isEqualTo("expiresAfter");
        Api.Response noVersion = api.send(api.request("/v1/capabilities/postgres-database/versions/9/approval", ADMIN_TOKEN)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"approvers\": [\"role:admin\"]}"))
                .build());
        assertThat(noVersion.status()).isEqualTo(422);
        assertThat(noVersion.json().get("errors").get(0).get("field").asText()).isEqualTo("version");
        assertThat(api.send(api.request(POLICY, ALPHA_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"approvers\": [\"role:consumer\"]}")).build()).status()).isEqualTo(403);
        assertThat(api.send(api.request(POLICY, DBA_TOKEN).DELETE().build()).status()).isEqualTo(403);
    }

    @Test
    void whenTheAdminsAndTheProducerBothAskEachMustApproveTheStricterWins() {
        assertThat(setPolicy("{\"when\": {\"sizeGb\": [\"9\"]}, \"approvers\": [\"role:admin\"]}").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).json().get("versions").get(0)
                .get("approval").toString().contains("\"9\""));
        try {
            String location = pending("both", "postgres-15", 9);
            assertThat(api.get(location, ALPHA_TOKEN).json().get("approvals")).extracting(gate -> gate.get("source").asText())
                    .containsExactly("platform", "producer db-team");

            assertThat(decide(location, "approve", ADMIN_TOKEN, "{}").status()).isEqualTo(202);
            JsonNode half = until(location, r -> !r.get("approvals").get(0).get("approvedBy").isNull());
            assertThat(half.get("state").asText()).isEqualTo("PENDING_APPROVAL");
            assertThat(half.get("approvals").get(1).get("approvedBy").isNull()).as("the producer's is still open").isTrue();
            assertThat(decide(location, "approve", ADMIN_TOKEN, "{}").status()).as("nothing open names an admin now").isEqualTo(403);

            assertThat(decide(location, "approve", DBA_TOKEN, "").status()).as("no body at all").isEqualTo(202);
            JsonNode done = until(location, r -> r.get("state").asText().equals("FULFILLED"));
            assertThat(done.get("approvals")).extracting(gate -> gate.get("approvedBy").asText())
                    .containsExactly("root (team platform, role admin)", DANA);
        } finally {
            api.send(api.request(POLICY, ADMIN_TOKEN).DELETE().build());
        }
    }

    @Test
    void theInboxPagesOldestFirstAndARequestCancelledWhileItWaitsLeavesIt() {
        String first = pending("cancel-1", "postgres-15", 11);
        String second = pending("cancel-2", "postgres-15", 12);

        JsonNode page = api.get("/v1/approvals?limit=1", DBA_TOKEN).json();
        assertThat(ids(page)).containsExactly(id(first));
        JsonNode next = api.get("/v1/approvals?limit=1&cursor=" + page.get("next").asText(), DBA_TOKEN).json();
        assertThat(ids(next)).containsExactly(id(second));
        assertThat(api.get("/v1/approvals?limit=0", DBA_TOKEN).status()).isEqualTo(400);

        assertThat(api.delete(first, ALPHA_TOKEN).status()).isEqualTo(202);
        assertThat(api.delete(second, ALPHA_TOKEN).status()).isEqualTo(202);
        JsonNode cancelled = until(first, r -> r.get("state").asText().equals("CANCELLED"));
        assertThat(Api.states(cancelled)).containsExactly("SUBMITTED", "PENDING_APPROVAL", "CANCELLED");
        until(second, r -> r.get("state").asText().equals("CANCELLED"));
        assertThat(ids(api.get("/v1/approvals", DBA_TOKEN).json())).doesNotContain(id(first), id(second));
    }

    /**
     * The admins hand db-team's contract of object-bucket v1 to storage-team: refused to a
     * non-admin and for a body or version that is wrong, each naming what; the catalog names the
     * new owner, and storage-team's offer with a schema of its own sets the contract it shows.
     * Taking the handover back answers 204.
     */
    @Test
    void anAdminHandsAContractToAnotherProducerWhoseNextOfferSetsIt() {
        String bucketsSchema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}";
        String widerSchema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"region\":{\"type\":\"string\"}}}";
        Fixtures.send(broker, topics.offers("db-team"), "bucket-db", bucket("bucket-db", "db-team", bucketsSchema));
        await().atMost(WAIT).until(() -> api.get("/v1/capabilities/" + BUCKET, ALPHA_TOKEN).status() == 200);
        assertThat(api.get("/v1/capabilities/" + BUCKET, ALPHA_TOKEN).json().get("versions").get(0).get("contractOwner").asText())
                .isEqualTo("db-team");

        assertThat(api.put(OWNER, ALPHA_TOKEN, "{\"producerId\": \"storage-team\"}").status()).isEqualTo(403);
        Api.Response badId = api.put(OWNER, ADMIN_TOKEN, "{\"producerId\": \"Storage Team\"}");
        assertThat(badId.status()).isEqualTo(422);
        assertThat(badId.json().get("errors").get(0).get("field").asText()).isEqualTo("producerId");
        Api.Response noId = api.put(OWNER, ADMIN_TOKEN, "{\"owner\": \"storage-team\"}");
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.json().get("errors")).extracting(error -> error.get("field").asText()).containsExactly("owner", "producerId");
        Api.Response noVersion = api.put(OWNER.replace("/1/", "/0/"), ADMIN_TOKEN, "{\"producerId\": \"storage-team\"}");
        assertThat(noVersion.status()).isEqualTo(400);
        assertThat(noVersion.json().get("errors").get(0).get("field").asText()).isEqualTo("version");

        Api.Response handedOver = api.put(OWNER, ADMIN_TOKEN, "{\"producerId\": \"storage-team\", \"reason\": \"buckets moved\"}");
        assertThat(handedOver.status()).as(handedOver.text()).isEqualTo(200);
        JsonNode handover = handedOver.json();
        assertThat(handover.get("capability").asText()).isEqualTo(BUCKET);
        assertThat(handover.get("version").asInt()).isEqualTo(1);
        assertThat(handover.get("producerId").asText()).isEqualTo("storage-team");
        assertThat(handover.get("reason").asText()).isEqualTo("buckets moved");
        assertThat(handover.get("setBy").asText()).isEqualTo("root");
        // the 200 says Kafka has the handover; the catalog names the new owner once the topology has read it too
        await().atMost(WAIT).until(() -> api.get("/v1/capabilities/" + BUCKET, ALPHA_TOKEN).json().get("versions").get(0)
                .get("contractOwner").asText().equals("storage-team"));
        Fixtures.send(broker, topics.offers("storage-team"), "bucket-storage", bucket("bucket-storage", "storage-team", widerSchema));

        JsonNode catalog = await().atMost(WAIT).until(() -> api.get("/v1/capabilities/" + BUCKET, ALPHA_TOKEN).json(),
                entry -> entry.get("offers").size() == 2);
        assertThat(catalog.get("versions").get(0).get("parameterSchema").toString()).contains("region");
        assertThat(catalog.get("description").asText()).isEqualTo("Buckets by storage-team");
        assertThat(api.delete(OWNER, ADMIN_TOKEN).status()).isEqualTo(204);
        assertThat(api.delete(OWNER, ALPHA_TOKEN).status()).isEqualTo(403);
    }

    private static CapabilityOffer bucket(String offerId, String producerId, String parameterSchema) {
        return CapabilityOffer.newBuilder().setOfferId(offerId).setProducerId(producerId).setCapability(BUCKET)
                .setCapabilityVersion(1).setDescription("Buckets by " + producerId).setParameterSchema(parameterSchema)
                .setOutputSchema("{\"type\":\"object\"}").setAttributes(Map.of()).setLeadTimeSloMs(60_000).setCapacity(10)
                .setStatus(OfferStatus.ACTIVE).setUpdatedAt(Instant.now()).build();
    }

    /** Alice submits a database of this engine and size; once it waits for approvals, its location. */
    private String pending(String key, String engine, int sizeGb) {
        Api.Response accepted = api.post("/v1/requests", ALPHA_TOKEN, "{\"capability\": \"postgres-database\", \"version\": 1, "
                + "\"parameters\": {\"sizeGb\": " + sizeGb + ", \"engine\": \"" + engine + "\"}}", "Idempotency-Key",
                key + "-" + UUID.randomUUID());
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        String location = accepted.header("Location").orElseThrow();
        JsonNode waiting = api.get(location + "?waitFor=PENDING_APPROVAL&timeout=20s", ALPHA_TOKEN).json();
        assertThat(waiting.get("state").asText()).as(waiting.toString()).isEqualTo("PENDING_APPROVAL");
        return location;
    }

    private Api.Response setPolicy(String body) {
        return api.send(api.request(POLICY, ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Api.Response decide(String location, String verb, String token, String body) {
        return api.send(api.request(location + "/" + verb, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode until(String location, Predicate<JsonNode> condition) {
        return api.until(location, ALPHA_TOKEN, WAIT, condition);
    }

    private static String id(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }
}
