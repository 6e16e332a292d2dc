package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import io.capmarket.topology.app.TopologyConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Day 2 through the gateway, the real topology and broker, and a simulated producer team: a
 * fulfilled database is updated, fails an update, is deprovisioned; one whose producer stays
 * silent is flagged an orphan.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class GatewayDayTwoIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The body of every database submitted here. */
    private static final String DATABASE = "{\"capability\": \"postgres-database\", \"version\": 1, "
            + "\"parameters\": {\"sizeGb\": 10, \"engine\": \"postgres-16\"}}";

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    GatewayDayTwoIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aFulfilledResourceIsUpdatedFailsAnUpdateIsDeprovisionedOrLeftAnOrphan() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "day2");
        Topics topics = Fixtures.topics(settings);
        Map<String, String> topology = new HashMap<>(Map.of("day2.resend-after", "1s", "day2.resend-max", "1s",
                "day2.deadline", "4s", "deadlines.check-interval", "200ms"));
        try (TopologyApp topologyApp = TopologyApp.start(topologyConfig(settings, topology));
             GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
             SimulatedProducer producer = new SimulatedProducer(broker.bootstrapServers(), topics, "db-team")) {
            Api api = offered(broker, topics, topologyApp, gateway);
            assertThat(api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).json().get("offers").get(0)
                    .get("updatableParameters").toString()).isEqualTo("[\"sizeGb\"]");

            String db = fulfilled(api, "day2-a");

            // an update: 202, UPDATING, then FULFILLED with the new parameters and the producer's outputs
            Api.Response patched = api.patch(db, ALPHA_TOKEN, "{\"parameters\": {\"sizeGb\": 20}}");
            assertThat(patched.status()).isEqualTo(202);
            JsonNode updated = until(api, db, r -> r.get("state").asText().equals("FULFILLED") && r.get("revision").asInt() == 1);
            assertThat(updated.get("parameters").get("sizeGb").asInt()).isEqualTo(20);
            assertThat(updated.get("parameters").get("engine").asText()).as("the merge patch keeps the rest").isEqualTo("postgres-16");
            assertThat(updated.get("outputs").get("parameters").asText()).contains("\"sizeGb\":20");
            assertThat(Api.states(updated)).endsWith("FULFILLED", "UPDATING", "UPDATING", "FULFILLED");
            Api.Response retried = api.post("/v1/requests", ALPHA_TOKEN, DATABASE, "Idempotency-Key", "day2-a");
            assertThat(retried.status()).as("the first submit retried after the update").isEqualTo(200);
            assertThat(retried.json().get("id").asText()).isEqualTo(updated.get("id").asText());

            // a parameter the offer does not declare updatable, and one the schema refuses: 422 naming them
            Api.Response fixed = api.patch(db, ALPHA_TOKEN, "{\"parameters\": {\"engine\": \"postgres-15\"}}");
            assertThat(fixed.status()).isEqualTo(422);
            assertThat(fixed.json().get("errors").get(0).get("field").asText()).isEqualTo("parameters.engine");
            assertThat(fixed.json().get("errors").get(0).get("rule").asText()).contains("declares only [sizeGb] updatable");
            Api.Response tooLarge = api.patch(db, ALPHA_TOKEN, "{\"parameters\": {\"sizeGb\": 5000}}");
            assertThat(tooLarge.status()).isEqualTo(422);
            assertThat(tooLarge.json().toString()).contains("sizeGb");
            assertThat(api.patch(db, ALPHA_TOKEN, "{\"priority\": \"HIGH\", \"parameters\": {}}").status()).isEqualTo(400);
            assertThat(api.patch(db, ALPHA_TOKEN, "{\"parameters\": {\"sizeGb\": 20}}").status()).as("no change").isEqualTo(200);
            assertThat(api.patch(db, BETA_TOKEN, "{\"parameters\": {\"sizeGb\": 30}}").status()).as("another team's").isEqualTo(404);

            // an update the producer fails: FULFILLED again with the parameters the resource has, the failure its reason
            producer.failUpdatesOf(updated.get("id").asText());
            assertThat(api.patch(db, ALPHA_TOKEN, "{\"parameters\": {\"sizeGb\": 900}}").status()).isEqualTo(202);
            JsonNode failed = until(api, db, r -> r.get("state").asText().equals("FULFILLED") && r.get("revision").asInt() == 2);
            assertThat(failed.get("parameters").get("sizeGb").asInt()).isEqualTo(20);
            assertThat(failed.get("reason").asText()).isEqualTo("update 2 failed: failed at db-team: no disk that large here");

            // a deprovision: 202, DEPROVISIONED, and the request is finished
            assertThat(api.delete(db, ALPHA_TOKEN).status()).isEqualTo(202);
            JsonNode gone = until(api, db, r -> r.get("state").asText().equals("DEPROVISIONED"));
            assertThat(Api.states(gone)).endsWith("DEPROVISIONING", "DEPROVISIONING", "DEPROVISIONED");
            assertThat(api.delete(db, ALPHA_TOKEN).status()).isEqualTo(409);
            assertThat(api.patch(db, ALPHA_TOKEN, "{\"parameters\": {\"sizeGb\": 30}}").status()).isEqualTo(409);

            // a deprovision the producer never answers: sent again, then an orphan past day2.deadline
            String silent = fulfilled(api, "day2-b");
            producer.ignore(api.get(silent, ALPHA_TOKEN).json().get("id").asText());
            assertThat(api.delete(silent, ALPHA_TOKEN).status()).isEqualTo(202);
            JsonNode orphan = until(api, silent, r -> r.get("orphaned").asBoolean());
            assertThat(orphan.get("state").asText()).isEqualTo("DEPROVISIONING");
            assertThat(orphan.get("reason").asText()).isEqualTo("orphaned: not done by db-team within 4000 ms");
            assertThat(orphan.get("history").toString()).contains("deprovision sent to db-team again");
            // an orphan deleted again is asked of its producer again, as a deprovision of its own, orphaned again past its deadline
            int orphanedRevision = orphan.get("revision").asInt();
            assertThat(api.delete(silent, ALPHA_TOKEN).status()).isEqualTo(202);
            orphan = until(api, silent, r -> r.get("revision").asInt() == orphanedRevision + 1 && r.get("orphaned").asBoolean());
            assertThat(orphan.get("state").asText()).isEqualTo("DEPROVISIONING");

            // a ttl: the resource expires a ttl after its fulfilment; its expiry moves within the offer's maxTtl, without the producer
            String shortLived = fulfilled(api, "day2-c", "\"ttl\": \"7d\", ");
            JsonNode expiring = api.get(shortLived, ALPHA_TOKEN).json();
            Instant fulfilledAt = Instant.parse(expiring.get("history").get(expiring.get("history").size() - 1).get("at").asText());
            assertThat(Instant.parse(expiring.get("expiresAt").asText())).isEqualTo(fulfilledAt.plus(Duration.ofDays(7)));
            Instant later = fulfilledAt.plus(Duration.ofDays(20));
            assertThat(api.patch(shortLived, ALPHA_TOKEN, "{\"expiresAt\": \"" + later + "\"}").status()).isEqualTo(202);
            JsonNode moved = until(api, shortLived, r -> r.get("expiresAt").asText().equals(later.toString()));
            assertThat(moved.get("state").asText()).isEqualTo("FULFILLED");
            assertThat(moved.get("revision").asInt()).as("the producer is not involved").isZero();
            Api.Response tooFar = api.patch(shortLived, ALPHA_TOKEN, "{\"expiresAt\": \"" + fulfilledAt.plus(Duration.ofDays(31)) + "\"}");
            assertThat(tooFar.status()).isEqualTo(422);
            assertThat(tooFar.json().get("errors").get(0).get("field").asText()).isEqualTo("expiresAt");
            // the expiry itself, moved close: announced, then deprovisioned by the marketplace at its producer
            Instant soon = Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            assertThat(api.patch(shortLived, ALPHA_TOKEN, "{\"expiresAt\": \"" + soon + "\"}").status()).isEqualTo(202);
            JsonNode expired = until(api, shortLived, r -> r.get("state").asText().equals("DEPROVISIONED"));
            assertThat(expired.get("history").toString()).contains("expired at " + soon);
            assertThat(Api.states(expired)).endsWith("DEPROVISIONING", "DEPROVISIONED");
            Api.Response tooLong = api.post("/v1/requests", ALPHA_TOKEN, "{\"capability\": \"postgres-database\", \"version\": 1, "
                    + "\"ttl\": \"90d\", \"parameters\": {\"sizeGb\": 10}}", "Idempotency-Key", "day2-d");
            JsonNode waiting = until(api, tooLong.header("Location").orElseThrow(), r -> r.get("state").asText().equals("WAITING"));
            assertThat(waiting.get("reason").asText()).contains("pg-eu keeps resources 30d at most (ttl 90d)");

            // orphans are listed for admins, every team's; a team finds its own among its requests
            String silentId = orphan.get("id").asText();
            JsonNode orphans = api.get("/v1/orphans", Fixtures.ADMIN_TOKEN).json();
            assertThat(orphans.get("items")).extracting(item -> item.get("id").asText()).containsExactly(silentId);
            assertThat(api.get("/v1/orphans", ALPHA_TOKEN).status()).isEqualTo(403);
            assertThat(api.get("/v1/requests?orphaned=true", ALPHA_TOKEN).json().get("items"))
                    .extracting(item -> item.get("id").asText()).containsExactly(silentId);
        }
    }

    /**
     * db-team's database offer (capacity 3, {@code sizeGb} updatable, resources kept 30 days at
     * most) and heartbeat, published once the topology and the gateway run; the gateway's API once
     * its catalog shows the offer.
     */
    static Api offered(KafkaBroker broker, Topics topics, TopologyApp topologyApp, GatewayApp gateway) {
        Instant now = Instant.now();
        Fixtures.send(broker, topics.heartbeats("db-team"), "sim-1", new ProducerHeartbeat("db-team", "sim-1", now, 0, true));
        Fixtures.send(broker, topics.offers("db-team"), "pg-eu", CapabilityOffer.newBuilder().setOfferId("pg-eu")
                .setProducerId("db-team").setCapability("postgres-database").setCapabilityVersion(1)
                .setDescription("Managed PostgreSQL").setParameterSchema(Fixtures.PARAMETER_SCHEMA)
                .setOutputSchema("{\"type\":\"object\"}").setAttributes(Map.of()).setLeadTimeSloMs(60_000).setCapacity(3)
                .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).setUpdatableParameters(List.of("sizeGb"))
                .setMaxTtlMs(Duration.ofDays(30).toMillis()).build());
        Api api = new Api(gateway.httpPort());
        await().atMost(WAIT).until(() -> topologyApp.ready() && gateway.ready()
                && api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).status() == 200);
        return api;
    }

    /** Submits a database with this Idempotency-Key and waits until it is FULFILLED; its location. */
    static String fulfilled(Api api, String key) throws Exception {
        return fulfilled(api, key, "");
    }

    /** As {@link #fulfilled(Api, String)}, with more members of the body ({@code "ttl": "7d", }). */
    private static String fulfilled(Api api, String key, String more) throws Exception {
        Api.Response accepted = api.post("/v1/requests", ALPHA_TOKEN, DATABASE.replace("\"parameters\"", more + "\"parameters\""),
                "Idempotency-Key", key);
        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.header("Location").orElseThrow();
        assertThat(api.get(location + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN).json().get("state").asText()).isEqualTo("FULFILLED");
        return location;
    }

    private static JsonNode until(Api api, String location, java.util.function.Predicate<JsonNode> condition) {
        return api.until(location, ALPHA_TOKEN, WAIT, condition);
    }

    static TopologyConfig topologyConfig(Map<String, String> gateway, Map<String, String> extra) {
        return GatewayEndToEndIT.topologyConfig(gateway, "db-team=postgres-database", extra);
    }
}
