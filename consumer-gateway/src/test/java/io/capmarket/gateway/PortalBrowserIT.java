package io.capmarket.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every page of the portal in a real browser: headless Chromium against the gateway (dev mode)
 * with the real topology and two simulated database teams competing for one capability. A user
 * connects with the demo token, compares the two offers in the catalog, fills in a form generated
 * from a nested parameter schema (an object, a list, enums), sees the API's validation inline,
 * submits, and follows the request to FULFILLED on its page, which says why it went to its offer;
 * the request list, the scorecard (with its plots), a phone-width screen and the producer view
 * follow; last, an admin approves one large database from the Approvals inbox (then deprovisions
 * it) and rejects another. Any JavaScript error on the page fails the test. Screenshots go to
 * {@value #SCREENSHOTS} for review.
 *
 * <p>Skipped when Chromium or chromedriver is not installed, unless
 * {@value #REQUIRE_BROWSER}{@code =true} (CI), where a missing browser is a failure.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class PortalBrowserIT {

    static final String REQUIRE_BROWSER = "CAPMARKET_REQUIRE_BROWSER";
    static final String SCREENSHOTS = "target/portal-screenshots";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path WORK = Path.of("target", "portal-browser-it");
    private static final String PRODUCER_TOKEN = "db-eu-secret";
    private static final String CAPABILITY = "postgres-database";

    /** An enum, a nested object with a bounded integer and a pattern, and a list of enum items. */
    private static final String PARAMETER_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {
               "size": {"type": "string", "enum": ["small", "medium", "large"], "description": "instance size"},
               "backup": {"type": "object", "description": "when and how long backups are kept",
                          "properties": {"retentionDays": {"type": "integer", "minimum": 1, "maximum": 35},
                                         "window": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}},
                          "required": ["retentionDays"], "additionalProperties": false},
               "extensions": {"type": "array", "maxItems": 3,
                              "items": {"type": "string", "enum": ["postgis", "pgvector", "timescaledb"]}}},
             "required": ["size"], "additionalProperties": false}""";

    /** A second capability, so the catalog is a list. */
    private static final String CACHE_SCHEMA = """
            {"type": "object", "properties": {"memoryMb": {"type": "integer", "minimum": 64, "maximum": 65536}},
             "required": ["memoryMb"], "additionalProperties": false}""";

    /** Before the broker and registry are resolved (they are test parameters), so a skip costs nothing and is reported as one. */
    @BeforeEach
    void browserInstalled() {
        boolean installed = Files.isExecutable(HeadlessChromium.CHROMIUM) && Files.isExecutable(HeadlessChromium.CHROMEDRIVER);
        String missing = "this test needs " + HeadlessChromium.CHROMIUM + " and " + HeadlessChromium.CHROMEDRIVER
                + " (Debian: apt-get install chromium chromium-driver)";
        if (Boolean.parseBoolean(System.getenv(REQUIRE_BROWSER))) {
            assertThat(installed).as(missing + "; " + REQUIRE_BROWSER + "=true makes that a failure").isTrue();
        } else {
            Assumptions.assumeTrue(installed, missing + "; skipped (set " + REQUIRE_BROWSER + "=true to fail instead)");
        }
    }

    @Test
    void aUserComparesOffersRequestsWithANestedFormAndFollowsItOnEveryPage(KafkaBroker broker, EmbeddedSchemaRegistry registry)
            throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "portal");
        settings.put(GatewayConfig.DEV_MODE, "true");
        settings.put(GatewayConfig.AUTH_TOKENS, Tokens.hash(PRODUCER_TOKEN) + " db-eu producer eu-oncall;"
                + Tokens.hash(Walkthrough.CACHE_PRODUCER_TOKEN) + " db-us producer us-oncall");
        Topics topics = Fixtures.topics(settings);
        try (TopologyApp topology = TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings,
                "db-eu=" + CAPABILITY + ";db-us=" + CAPABILITY + ",redis-cache"));
             GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
             SimulatedProducer eu = new SimulatedProducer(broker.bootstrapServers(), topics, "db-eu");
             SimulatedProducer us = new SimulatedProducer(broker.bootstrapServers(), topics, "db-us")) {
            offer(broker, topics, "db-eu", "pg-eu", "eu-west", 60_000, 5);
            offer(broker, topics, "db-us", "pg-us", "us-east", 120_000, 3);
            Fixtures.send(broker, topics.offers("db-us"), "redis-us", CapabilityOffer.newBuilder().setOfferId("redis-us")
                    .setProducerId("db-us").setCapability("redis-cache").setCapabilityVersion(1).setDescription("Redis 7 cache")
                    .setParameterSchema(CACHE_SCHEMA).setOutputSchema("{\"type\":\"object\"}")
                    .setAttributes(Map.of("region", "us-east")).setLeadTimeSloMs(30_000).setCapacity(10)
                    .setStatus(OfferStatus.ACTIVE).setUpdatedAt(Instant.now()).build());
            Api api = new Api(gateway.httpPort());
            await("both offers in the gateway's catalog").atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                    && api.get("/v1/capabilities/" + CAPABILITY, Tokens.DEMO_CONSUMER_TOKEN).text().contains("pg-us")
                    && api.get("/v1/capabilities/redis-cache", Tokens.DEMO_CONSUMER_TOKEN).status() == 200);
            // one request served by each offer, so both have observed lead times and scorecard figures
            for (String region : new String[] {"eu-west", "us-east"}) {
                String id = api.post("/v1/requests", Tokens.DEMO_CONSUMER_TOKEN, "{\"capability\": \"" + CAPABILITY
                        + "\", \"version\": 1, \"parameters\": {\"size\": \"small\"}, \"constraints\": {\"region\": [\"" + region + "\"]}}",
                        "Idempotency-Key", UUID.randomUUID().toString()).json().get("id").asText();
                await("the seed request in " + region).atMost(WAIT).until(() -> api.get("/v1/requests/" + id + "?waitFor=FULFILLED&timeout=10s",
                        Tokens.DEMO_CONSUMER_TOKEN).json().get("state").asText().equals("FULFILLED"));
            }
            await("observed lead times of both offers and a scorecard of both producers").atMost(WAIT).until(() -> {
                JsonNode capability = api.get("/v1/capabilities/" + CAPABILITY, Tokens.DEMO_CONSUMER_TOKEN).json();
                String score = api.get("/v1/scorecard?capability=" + CAPABILITY, Tokens.DEMO_CONSUMER_TOKEN).text();
                boolean observed = true;
                for (JsonNode offer : capability.get("offers")) {
                    observed &= offer.get("observed").get("samples").asLong() > 0;
                }
                return observed && score.contains("db-eu") && score.contains("db-us");
            });

            try (HeadlessChromium browser = HeadlessChromium.start(WORK, "1280,900")) {
                new Walkthrough(browser, "http://127.0.0.1:" + gateway.httpPort() + "/", api, () -> {
                    offer(broker, topics, "db-eu", "pg-eu", "eu-west", 60_000, 5);
                    offer(broker, topics, "db-us", "pg-us", "us-east", 120_000, 3);
                }).run();
            }
        }
    }

    /** A fresh heartbeat and the offer: the producer is live and the offer in the catalog. */
    private static void offer(KafkaBroker broker, Topics topics, String producer, String offerId, String region, long sloMs, int capacity) {
        Instant now = Instant.now();
        Fixtures.send(broker, topics.heartbeats(producer), "sim-1", new ProducerHeartbeat(producer, "sim-1", now, 0, true));
        Fixtures.send(broker, topics.offers(producer), offerId, CapabilityOffer.newBuilder().setOfferId(offerId).setProducerId(producer)
                .setCapability(CAPABILITY).setCapabilityVersion(1).setDescription("Managed PostgreSQL")
                .setParameterSchema(PARAMETER_SCHEMA).setOutputSchema("{\"type\":\"object\"}")
                .setAttributes(Map.of("region", region, "tier", "gold")).setLeadTimeSloMs(sloMs).setCapacity(capacity)
                .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).setUpdatableParameters(List.of("size")).build());
    }

    static Path screenshot(String name) {
        return Path.of(SCREENSHOTS, name + ".png");
    }
}
