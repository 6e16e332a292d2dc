package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.PRODUCER_TOKEN;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Catalog hygiene insights through a gateway, the real topology (publishing scorecards with their
 * demand every second) and broker, and a simulated producer team that fulfils every request: of two
 * capabilities offered, the one never requested shows as an unused offer; a request constrained to
 * a region no offer has waits and shows as unmet demand; submits for a capability or a version
 * nobody offers show as refused, and in the metrics.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayInsightsIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String POSTGRES = "postgres-database";
    private static final String BUCKET = "object-bucket";

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Running running = new Running();
    private Api api;

    GatewayInsightsIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() {
        Map<String, String> settings = Fixtures.settings(broker, registry, "insights");
        Topics topics = Fixtures.topics(settings);
        TopologyApp topology = start(TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings, "db-team=" + POSTGRES + "," + BUCKET)));
        GatewayApp gateway = start(GatewayApp.start(GatewayConfig.of(settings)));
        start(new SimulatedProducer(broker.bootstrapServers(), topics, "db-team"));
        Instant now = Instant.now();
        Fixtures.send(broker, topics.heartbeats("db-team"), "sim-1", new ProducerHeartbeat("db-team", "sim-1", now, 0, true));
        Fixtures.send(broker, topics.offers("db-team"), "pg-eu", offer("pg-eu", POSTGRES, Fixtures.PARAMETER_SCHEMA, now));
        Fixtures.send(broker, topics.offers("db-team"), "bucket-eu", offer("bucket-eu", BUCKET, Fixtures.BUCKET_SCHEMA, now));
        api = new Api(gateway.httpPort());
        await().atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                && api.get("/v1/capabilities/" + POSTGRES, ALPHA_TOKEN).status() == 200
                && api.get("/v1/capabilities/" + BUCKET, ALPHA_TOKEN).status() == 200);
    }

    private static CapabilityOffer offer(String offerId, String capability, String parameterSchema, Instant now) {
        return CapabilityOffer.newBuilder().setOfferId(offerId).setProducerId("db-team").setCapability(capability)
                .setCapabilityVersion(1).setDescription("offered by db-team").setParameterSchema(parameterSchema)
                .setOutputSchema("{\"type\":\"object\"}").setAttributes(Map.of("region", "eu-west")).setLeadTimeSloMs(60_000)
                .setCapacity(10).setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build();
    }

    private <T extends AutoCloseable> T start(T resource) {
        return running.add(resource);
    }

    @AfterAll
    void stop() throws Exception {
        running.close();
    }

    @Test
    void theNeverRequestedOfferTheRegionNobodyOffersAndTheRefusedSubmitsShowInTheInsightsAndTheMetrics() {
        Api.Response served = submit("{\"capability\": \"" + POSTGRES + "\", \"version\": 1, \"parameters\": {\"sizeGb\": 10},"
                + " \"constraints\": {\"region\": [\"eu-west\"]}}");
        assertThat(served.status()).as(served.text()).isEqualTo(202);
        assertThat(api.get(served.header("Location").orElseThrow() + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN).json()
                .get("state").asText()).isEqualTo("FULFILLED");
        Api.Response waiting = submit("{\"capability\": \"" + POSTGRES + "\", \"version\": 1, \"parameters\": {\"sizeGb\": 10},"
                + " \"constraints\": {\"region\": [\"ap-south\"]}}");
        assertThat(waiting.status()).as(waiting.text()).isEqualTo(202);
        assertThat(api.get(waiting.header("Location").orElseThrow() + "?waitFor=WAITING&timeout=20s", ALPHA_TOKEN).json()
                .get("state").asText()).isEqualTo("WAITING");
        ProblemShape.assertProblem(submit("{\"capability\": \"graph-database\", \"version\": 1}"), 404, "/problems/not-found");
        ProblemShape.assertProblem(submit("{\"capability\": \"" + POSTGRES + "\", \"version\": 9, \"parameters\": {\"sizeGb\": 1}}"),
                422, "/problems/rejected-request");

        // the scorecard (published every second) carries the demand: the ap-south request waited for want of a fitting offer
        JsonNode insights = await().atMost(WAIT).until(() -> api.get("/v1/insights", PRODUCER_TOKEN).json(),
                answer -> items(answer, "unmetDemand").stream().anyMatch(unmet -> unmet.get("capability").asText().equals(POSTGRES)
                        && unmet.get("constraints").toString().equals("{\"region\":[\"ap-south\"]}"))
                        && items(answer, "outcomes").stream().anyMatch(o -> o.get("capability").asText().equals(POSTGRES)
                        && !o.get("timeToFirstFulfilledP50Ms").isNull()));

        assertThat(insights.get("window").asText()).isEqualTo("30d");
        JsonNode unmet = items(insights, "unmetDemand").get(0);
        assertThat(unmet.get("version").asInt()).isEqualTo(1);
        assertThat(unmet.get("waited").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(items(insights, "unusedOffers")).as("the bucket was never requested; pg-eu served a request")
                .extracting(o -> o.get("offerId").asText()).containsExactly("bucket-eu");
        JsonNode unused = items(insights, "unusedOffers").get(0);
        assertThat(unused.get("capability").asText()).isEqualTo(BUCKET);
        assertThat(unused.get("lastMatchedAt").isNull()).isTrue();
        assertThat(unused.get("sunset").get("yaml").asText()).startsWith("status: DEPRECATED\nsunset: ");
        assertThat(items(insights, "unusedVersions")).extracting(v -> v.get("capability").asText() + " v" + v.get("version").asInt())
                .containsExactly(BUCKET + " v1");
        assertThat(items(insights, "refused")).extracting(JsonNode::toString).hasSize(2)
                .anySatisfy(r -> assertThat(r).startsWith("{\"capability\":\"graph-database\",\"version\":null,"
                        + "\"reason\":\"unknown capability\",\"count\":1,"))
                .anySatisfy(r -> assertThat(r).startsWith("{\"capability\":\"" + POSTGRES + "\",\"version\":9,"
                        + "\"reason\":\"unknown version\",\"count\":1,"));
        JsonNode outcome = items(insights, "outcomes").stream().filter(o -> o.get("capability").asText().equals(POSTGRES))
                .findFirst().orElseThrow();
        assertThat(outcome.get("activeTeams").asInt()).isEqualTo(1);
        assertThat(outcome.get("newTeams").asInt()).isEqualTo(1);
        assertThat(outcome.get("repeatTeams").asInt()).as("alpha asked twice").isEqualTo(1);
        assertThat(outcome.get("timeToFirstFulfilledP50Ms").asLong()).isBetween(0L, WAIT.toMillis());

        String metrics = api.get("/metrics", null).text();
        assertThat(metrics).contains("capmarket_insights_unused_offers 1.0")
                .contains("capmarket_insights_unmet_demand{capability=\"" + POSTGRES + "\"}")
                .contains("capmarket_insights_active_teams{capability=\"" + POSTGRES + "\"} 1.0")
                .contains("capmarket_insights_new_team_first_fulfilled_seconds{capability=\"" + POSTGRES + "\"}")
                .contains("capmarket_unmet_demand_refused_total{reason=\"unknown_capability\"} 1.0")
                .contains("capmarket_unmet_demand_refused_total{reason=\"unknown_version\"} 1.0")
                .doesNotContain("graph-database");
    }

    @Test
    void aShorterWindowIsTakenAndOneOutsideTheRuleIsRefusedNamingIt() {
        Api.Response shorter = api.get("/v1/insights?window=2h", ALPHA_TOKEN);
        assertThat(shorter.status()).as(shorter.text()).isEqualTo(200);
        assertThat(shorter.json().get("window").asText()).isEqualTo("2h");

        for (String window : List.of("30m", "366d", "soon")) {
            Api.Response refused = api.get("/v1/insights?window=" + window, ALPHA_TOKEN);
            ProblemShape.assertProblem(refused, 400, "/problems/malformed-request");
            JsonNode error = refused.json().get("errors").get(0);
            assertThat(error.get("field").asText()).isEqualTo("window");
            assertThat(error.get("value").asText()).isEqualTo(window);
            assertThat(error.get("rule").asText()).isEqualTo("a duration from 1h to 365d, like 30d or 12h");
        }
        assertThat(api.get("/v1/insights", null).status()).isEqualTo(401);
    }

    private Api.Response submit(String body) {
        return api.post("/v1/requests", ALPHA_TOKEN, body, "Idempotency-Key", "insights-" + UUID.randomUUID());
    }

    private static List<JsonNode> items(JsonNode answer, String list) {
        return StreamSupport.stream(answer.get(list).spliterator(), false).toList();
    }
}
