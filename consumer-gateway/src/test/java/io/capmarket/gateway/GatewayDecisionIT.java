package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ADMIN_TOKEN;
import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static io.capmarket.gateway.Fixtures.PRODUCER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Why a request went where it did, through two gateway instances of one deployment, the real topology
 * and broker, and a simulated producer team with two offers of one capability, one in eu-west and one in
 * us-east: a request constrained to eu-west is matched to the eu-west offer, and its decision shows the
 * chosen offer first with a score that is the weighted sum of its factors, and the other ruled out by
 * its constraint; a request constrained to a region no offer has waits, and its decision says none of the
 * two offers could serve it. The decision is read through the instance that does not own the request as
 * well, by whoever may read the request and by no one else (answered as the request's own read is), and
 * an unknown request is 404.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayDecisionIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CAPABILITY = "postgres-database";
    private static final List<String> FACTORS = List.of("headroom", "speed", "reliability", "preference");

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Running running = new Running();
    private GatewayApp a;
    private GatewayApp b;
    private Api viaA;
    private Api viaB;

    GatewayDecisionIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "decision");
        Map<String, String> second = new HashMap<>(settings);
        second.put("state.dir", settings.get("state.dir") + "-b");
        Topics topics = Fixtures.topics(settings);
        TopologyApp topology = start(TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings, "db-team=" + CAPABILITY)));
        a = start(GatewayApp.start(GatewayConfig.of(settings)));
        b = start(GatewayApp.start(GatewayConfig.of(second)));
        start(new SimulatedProducer(broker.bootstrapServers(), topics, "db-team"));
        Instant now = Instant.now();
        Fixtures.send(broker, topics.heartbeats("db-team"), "sim-1", new ProducerHeartbeat("db-team", "sim-1", now, 0, true));
        for (String region : List.of("eu-west", "us-east")) {
            String offerId = "pg-" + region.substring(0, 2);
            Fixtures.send(broker, topics.offers("db-team"), offerId, CapabilityOffer.newBuilder().setOfferId(offerId)
                    .setProducerId("db-team").setCapability(CAPABILITY).setCapabilityVersion(1).setDescription("Managed PostgreSQL")
                    .setParameterSchema(Fixtures.PARAMETER_SCHEMA).setOutputSchema("{\"type\":\"object\"}")
                    .setAttributes(Map.of("region", region)).setLeadTimeSloMs(60_000).setCapacity(10)
                    .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build());
        }
        viaA = new Api(a.httpPort());
        viaB = new Api(b.httpPort());
        // each instance owns one partition of the requests: a read through the other one is forwarded
        await().atMost(WAIT).until(() -> topology.ready() && a.ready() && b.ready()
                && a.localRequestPartitions().size() == 1 && b.localRequestPartitions().size() == 1
                && viaA.get("/v1/capabilities/" + CAPABILITY, ALPHA_TOKEN).text().contains("pg-us")
                && viaB.get("/v1/capabilities/" + CAPABILITY, ALPHA_TOKEN).text().contains("pg-us"));
    }

    private <T extends AutoCloseable> T start(T resource) {
        return running.add(resource);
    }

    @AfterAll
    void stop() throws Exception {
        running.close();
    }

    @Test
    void aMatchedRequestShowsTheChosenOfferFirstWithItsWeightedScoreAndTheOtherRuledOutByItsConstraintOnEitherInstance() {
        String id = submit(viaA, "eu-west");
        assertThat(viaA.get("/v1/requests/" + id + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN).json().get("state").asText())
                .isEqualTo("FULFILLED");

        JsonNode answer = decisionUntil(viaA, id, d -> latest(d).get("outcome").asText().equals("MATCHED"));
        assertThat(answer.get("requestId").asText()).isEqualTo(id);
        assertThat(answer.get("capability").asText()).isEqualTo(CAPABILITY);
        assertThat(answer.get("version").asInt()).isEqualTo(1);
        assertThat(answer.get("state").asText()).isEqualTo("FULFILLED");
        assertThat(answer.get("offerId").asText()).isEqualTo("pg-eu");
        JsonNode decision = latest(answer);
        assertThat(decision.get("offerId").asText()).isEqualTo("pg-eu");
        assertThat(decision.get("attempt").asInt()).isEqualTo(1);
        assertThat(Instant.parse(decision.get("at").asText())).isBefore(Instant.now());

        JsonNode chosen = decision.get("candidates").get(0);
        assertThat(chosen.get("offerId").asText()).isEqualTo("pg-eu");
        assertThat(chosen.get("producerId").asText()).isEqualTo("db-team");
        assertThat(chosen.get("version").asInt()).isEqualTo(1);
        assertThat(chosen.get("chosen").asBoolean()).isTrue();
        assertThat(chosen.get("filter").isNull()).isTrue();
        JsonNode score = chosen.get("score");
        JsonNode weights = decision.get("weights");
        double weighted = 0;
        for (String factor : FACTORS) {
            assertThat(score.get(factor).asDouble()).as(factor).isBetween(0.0, 1.0);
            assertThat(weights.get(factor).isNumber()).as("weight of " + factor).isTrue();
            weighted += weights.get(factor).asDouble() * score.get(factor).asDouble();
        }
        double total = score.get("total").asDouble();
        assertThat(score.get("probation").asDouble()).as("a producer with no failures is on no probation").isEqualTo(1.0);
        assertThat(total).as("the weighted sum of the factors (each shown to 4 decimals)").isCloseTo(weighted, within(1e-3));
        assertThat(total).isPositive();

        JsonNode other = decision.get("candidates").get(1);
        assertThat(decision.get("candidates")).hasSize(2);
        assertThat(other.get("offerId").asText()).isEqualTo("pg-us");
        assertThat(other.get("chosen").asBoolean()).isFalse();
        assertThat(other.get("filter").asText()).isEqualTo("CONSTRAINT");
        assertThat(other.get("detail").asText()).contains("region").contains("eu-west").contains("us-east");
        assertThat(other.get("score").isNull()).isTrue();
        assertThat(decision.get("summary").asText()).isEqualTo("matched pg-eu of db-team: the best score ("
                + String.format(Locale.ROOT, "%.2f", total) + ") of 1 candidate; 1 offer ruled out");

        // the request's own answer is as it was: its decisions are only here
        assertThat(viaA.get("/v1/requests/" + id, ALPHA_TOKEN).json().has("decisions")).isFalse();
        Api.Response forwarded = notOwning(id).get("/v1/requests/" + id + "/decision", ALPHA_TOKEN);
        assertThat(forwarded.status()).as("read through the instance that does not own the request: " + forwarded.text())
                .isEqualTo(200);
        assertThat(forwarded.json()).isEqualTo(answer);
    }

    @Test
    void aRequestNoOfferCanServeWaitsAndItsDecisionSaysNoneOfTheOffersCould() {
        String id = submit(viaB, "ap-south");

        JsonNode answer = decisionUntil(viaB, id, d -> latest(d).get("outcome").asText().equals("WAITING"));

        assertThat(answer.get("state").asText()).isEqualTo("WAITING");
        assertThat(answer.get("offerId").isNull()).isTrue();
        JsonNode decision = latest(answer);
        assertThat(decision.get("summary").asText()).isEqualTo("waiting: none of 2 offers could serve it");
        assertThat(decision.get("offerId").isNull()).isTrue();
        assertThat(decision.get("candidates")).extracting(c -> c.get("offerId").asText()).containsExactly("pg-eu", "pg-us");
        assertThat(decision.get("candidates")).allSatisfy(c -> {
            assertThat(c.get("chosen").asBoolean()).isFalse();
            assertThat(c.get("filter").asText()).isEqualTo("CONSTRAINT");
            assertThat(c.get("detail").asText()).contains("ap-south");
            assertThat(c.get("score").isNull()).isTrue();
        });
        assertThat(viaA.get("/v1/requests/" + id + "/decision", ALPHA_TOKEN).json()).as("the same through the other instance")
                .isEqualTo(answer);
        assertThat(viaA.delete("/v1/requests/" + id, ALPHA_TOKEN).status()).isEqualTo(202);
    }

    @Test
    void whoMayNotReadTheRequestMayNotReadItsDecisionAndAnUnknownRequestIsNotFound() {
        String id = submit(viaA, "eu-west");
        decisionUntil(viaA, id, d -> latest(d).get("outcome").asText().equals("MATCHED"));

        for (Api via : List.of(viaA, viaB)) {
            for (String token : List.of(BETA_TOKEN, PRODUCER_TOKEN)) {
                Api.Response request = via.get("/v1/requests/" + id, token);
                Api.Response decision = via.get("/v1/requests/" + id + "/decision", token);
                assertThat(decision.status()).as("as the request's own read answers " + token).isEqualTo(request.status())
                        .isIn(403, 404);
                ProblemShape.assertShape(decision);
                assertThat(decision.text()).doesNotContain("pg-eu");
            }
            ProblemShape.assertProblem(via.get("/v1/requests/" + id + "/decision", BETA_TOKEN), 404, "/problems/not-found");
            assertThat(via.get("/v1/requests/" + id + "/decision", ADMIN_TOKEN).status()).as("an admin reads every team's").isEqualTo(200);
            Api.Response unknown = via.get("/v1/requests/" + UUID.randomUUID() + "/decision", ALPHA_TOKEN);
            ProblemShape.assertProblem(unknown, 404, "/problems/not-found");
            assertThat(via.get("/v1/requests/" + id + "/decision", null).status()).isEqualTo(401);
        }
    }

    /** Submits a request for a database constrained to one region; answers its id. */
    private static String submit(Api api, String region) {
        Api.Response accepted = api.post("/v1/requests", ALPHA_TOKEN, "{\"capability\": \"" + CAPABILITY + "\", \"version\": 1,"
                + " \"parameters\": {\"sizeGb\": 10}, \"constraints\": {\"region\": [\"" + region + "\"]}}",
                "Idempotency-Key", "decision-" + UUID.randomUUID());
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        return accepted.json().get("id").asText();
    }

    /** The request's decisions once they satisfy {@code condition}. */
    private static JsonNode decisionUntil(Api api, String id, Predicate<JsonNode> condition) {
        JsonNode[] seen = new JsonNode[1];
        await("the decision of " + id).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Api.Response response = api.get("/v1/requests/" + id + "/decision", ALPHA_TOKEN);
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            seen[0] = response.json();
            return seen[0].get("decisions").size() > 0 && condition.test(seen[0]);
        });
        return seen[0];
    }

    private static JsonNode latest(JsonNode answer) {
        JsonNode decisions = answer.get("decisions");
        return decisions.get(decisions.size() - 1);
    }

    /** The instance that does not own the request: the other one's partition holds it (Kafka's default partitioner). */
    private Api notOwning(String id) {
        int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 2;
        return a.localRequestPartitions().contains(partition) ? viaB : viaA;
    }
}
