package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ADMIN_TOKEN;
import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static io.capmarket.gateway.Fixtures.PRODUCER_TOKEN;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Team quotas through two gateway instances of one deployment, the real topology and broker, and a
 * simulated producer team that fulfils every database at once: an admin sets a team's quota, the
 * gateway refuses a submit the team's published usage already rules out (429 naming the quota,
 * its limit and the usage) but never the retry of a request it accepted; a request both instances
 * let through waits in the topology until a deprovision frees the quota; and of many submits
 * raced through both instances exactly as many are provisioned as the quota allows. Each test has
 * a team of its own: alpha, beta, gamma.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayQuotasIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CAPABILITY = "postgres-database";
    private static final String GAMMA_TOKEN = "gamma-secret";
    private static final Set<String> PROVISIONED = Set.of("MATCHED", "ACCEPTED", "IN_PROGRESS", "FULFILLED");

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Running running = new Running();
    private Api viaA;
    private Api viaB;

    GatewayQuotasIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "quotas");
        settings.put("auth.tokens", settings.get("auth.tokens") + ";" + Tokens.hash(GAMMA_TOKEN) + " gamma consumer gina");
        Map<String, String> second = new HashMap<>(settings);
        second.put("state.dir", settings.get("state.dir") + "-b");
        Topics topics = Fixtures.topics(settings);
        TopologyApp topology = start(TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings, "db-team=" + CAPABILITY)));
        GatewayApp a = start(GatewayApp.start(GatewayConfig.of(settings)));
        GatewayApp b = start(GatewayApp.start(GatewayConfig.of(second)));
        start(new SimulatedProducer(broker.bootstrapServers(), topics, "db-team"));
        Instant now = Instant.now();
        Fixtures.send(broker, topics.heartbeats("db-team"), "sim-1", new ProducerHeartbeat("db-team", "sim-1", now, 0, true));
        Fixtures.send(broker, topics.offers("db-team"), "pg-eu", CapabilityOffer.newBuilder().setOfferId("pg-eu")
                .setProducerId("db-team").setCapability(CAPABILITY).setCapabilityVersion(1).setDescription("Managed PostgreSQL")
                .setParameterSchema(Fixtures.PARAMETER_SCHEMA).setOutputSchema("{\"type\":\"object\"}").setAttributes(Map.of())
                .setLeadTimeSloMs(60_000).setCapacity(50).setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build());
        viaA = new Api(a.httpPort());
        viaB = new Api(b.httpPort());
        // each instance owns one partition of the requests, so that submits are decided on both
        await().atMost(WAIT).until(() -> topology.ready() && a.ready() && b.ready()
                && a.localRequestPartitions().size() == 1 && b.localRequestPartitions().size() == 1
                && viaA.get("/v1/capabilities/" + CAPABILITY, ALPHA_TOKEN).status() == 200
                && viaB.get("/v1/capabilities/" + CAPABILITY, ALPHA_TOKEN).status() == 200);
    }

    private <T extends AutoCloseable> T start(T resource) {
        return running.add(resource);
    }

    @AfterAll
    void stop() throws Exception {
        running.close();
    }

    @Test
    void aTeamAtItsQuotaIsRefusedEarlyNamingTheQuotaButARetryIsAnsweredAsBeforeAndOnlyAnAdminSetsOrRemovesIt() {
        Api.Response set = setQuota(viaA, ADMIN_TOKEN, "alpha", "{\"maxLive\": 1}");
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        assertThat(set.json().toString())
                .isEqualTo("{\"team\":\"alpha\",\"capability\":\"postgres-database\",\"maxLive\":1,\"maxInFlight\":null}");
        assertThat(setQuota(viaA, ALPHA_TOKEN, "alpha", "{\"maxLive\": 5}").status()).as("only an admin").isEqualTo(403);
        assertThat(viaA.delete(quotaPath("alpha"), ALPHA_TOKEN).status()).isEqualTo(403);
        Api.Response unknown = setQuota(viaA, ADMIN_TOKEN, "alpha", "{\"maxLive\": 1, \"maxResources\": 1}");
        ProblemShape.assertProblem(unknown, 400, "/problems/malformed-request");
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("maxResources");
        Api.Response negative = setQuota(viaA, ADMIN_TOKEN, "alpha", "{\"maxInFlight\": -1}");
        ProblemShape.assertProblem(negative, 422, "/problems/rejected-request");
        assertThat(negative.json().get("errors").get(0).get("field").asText()).isEqualTo("maxInFlight");
        assertThat(negative.json().get("errors").get(0).get("rule").asText()).isEqualTo("maxInFlight must be 0 or more, but was -1");
        assertThat(setQuota(viaA, ADMIN_TOKEN, "alpha~team", "{\"maxLive\": 1}").status()).as("a character no team name has")
                .isEqualTo(400);
        await().atMost(WAIT).until(() -> quotaOf(viaA, "alpha") != null);

        String key = "alpha-" + UUID.randomUUID();
        Api.Response first = submit(viaA, ALPHA_TOKEN, key);
        assertThat(first.status()).as(first.text()).isEqualTo(202);
        String location = first.header("Location").orElseThrow();
        assertThat(viaA.get(location + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN).json().get("state").asText()).isEqualTo("FULFILLED");
        // a submit is decided by the instance owning its partition, against that instance's copy of the usage
        JsonNode usage = usageOnBothUntil(ALPHA_TOKEN, "alpha", item -> item.get("live").asInt() == 1);
        assertThat(usage.toString()).isEqualTo("{\"capability\":\"postgres-database\",\"live\":1,\"inFlight\":0,\"waiting\":0,"
                + "\"pendingApproval\":0,\"quota\":{\"maxLive\":1,\"maxInFlight\":null}}");

        Api.Response refused = submit(viaA, ALPHA_TOKEN, "alpha-" + UUID.randomUUID());
        ProblemShape.assertProblem(refused, 429, "/problems/quota-exceeded");
        assertThat(refused.json().get("detail").asText())
                .isEqualTo("quota maxLive of team alpha for postgres-database is 1, and it holds 1 (1 live, 0 being provisioned)");
        assertThat(refused.json().get("quota").asText()).isEqualTo("maxLive");
        assertThat(refused.json().get("limit").asInt()).isEqualTo(1);
        assertThat(refused.json().get("usage").toString()).isEqualTo("{\"live\":1,\"inFlight\":0}");
        assertThat(refused.header("Retry-After")).as("time alone frees nothing").isEmpty();
        assertThat(viaA.get("/v1/requests?capability=" + CAPABILITY, ALPHA_TOKEN).json().get("items")).as("nothing was written")
                .hasSize(1);
        Api.Response retried = submit(viaB, ALPHA_TOKEN, key);
        assertThat(retried.status()).as("a retry of the accepted request: " + retried.text()).isEqualTo(200);
        assertThat(retried.header("Location")).contains(location);

        // the usage: the team's callers and admins read it, another team does not find it, a producer may not
        assertThat(viaB.get("/v1/teams/alpha/usage", ADMIN_TOKEN).json().get("items")).hasSize(1);
        ProblemShape.assertProblem(viaA.get("/v1/teams/alpha/usage", BETA_TOKEN), 404, "/problems/not-found");
        ProblemShape.assertProblem(viaA.get("/v1/teams/alpha/usage", PRODUCER_TOKEN), 403, "/problems/forbidden");

        assertThat(viaA.delete(quotaPath("alpha"), ADMIN_TOKEN).status()).isEqualTo(204);
        await().atMost(WAIT).until(() -> quotaOf(viaA, "alpha") == null);
        Api.Response after = submit(viaA, ALPHA_TOKEN, "alpha-" + UUID.randomUUID());
        assertThat(after.status()).as(after.text()).isEqualTo(202);
    }

    @Test
    void aRequestBothInstancesLetThroughWaitsOnTheQuotaUntilADeprovisionFreesItThenItIsFulfilled() throws Exception {
        assertThat(setQuota(viaB, ADMIN_TOKEN, "beta", "{\"maxLive\": 1}").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> quotaOf(viaA, "beta") != null && quotaOf(viaB, "beta") != null);
        assertThat(usageOf(viaA, BETA_TOKEN, "beta").get("live").asInt()).as("no usage published yet").isZero();

        // at one instant, through each instance: neither knows of the other's, both are accepted
        CompletableFuture<Api.Response> one = CompletableFuture.supplyAsync(() -> submit(viaA, BETA_TOKEN, "beta-" + UUID.randomUUID()));
        CompletableFuture<Api.Response> two = CompletableFuture.supplyAsync(() -> submit(viaB, BETA_TOKEN, "beta-" + UUID.randomUUID()));
        List<String> locations = new ArrayList<>();
        for (Api.Response accepted : List.of(one.get(), two.get())) {
            assertThat(accepted.status()).as("accepted before any usage of team beta was published: " + accepted.text()).isEqualTo(202);
            locations.add(accepted.header("Location").orElseThrow());
        }
        await().atMost(WAIT).until(() -> locations.stream().map(l -> state(l, BETA_TOKEN)).toList()
                .containsAll(List.of("FULFILLED", "WAITING")));
        String live = locations.stream().filter(l -> state(l, BETA_TOKEN).equals("FULFILLED")).findFirst().orElseThrow();
        String held = locations.stream().filter(l -> !l.equals(live)).findFirst().orElseThrow();
        assertThat(viaA.get(held, BETA_TOKEN).json().get("reason").asText())
                .startsWith("quota maxLive of team beta for postgres-database is 1, and it holds 1 (");
        usageOnBothUntil(BETA_TOKEN, "beta", item -> item.get("live").asInt() == 1 && item.get("waiting").asInt() == 1);
        Api.Response refused = submit(viaB, BETA_TOKEN, "beta-" + UUID.randomUUID());
        ProblemShape.assertProblem(refused, 429, "/problems/quota-exceeded");

        assertThat(viaB.delete(live, BETA_TOKEN).status()).isEqualTo(202);
        JsonNode served = until(viaA, held, BETA_TOKEN, r -> r.get("state").asText().equals("FULFILLED"));
        JsonNode gone = viaA.get(live, BETA_TOKEN).json();
        assertThat(gone.get("state").asText()).isEqualTo("DEPROVISIONED");
        assertThat(Instant.parse(at(served, "MATCHED"))).as("matched once the deprovision was done")
                .isAfterOrEqualTo(Instant.parse(at(gone, "DEPROVISIONED")));
        assertThat(Api.states(served)).startsWith("SUBMITTED", "WAITING").contains("MATCHED").endsWith("FULFILLED");
    }

    @Test
    void ofTenSubmitsRacedThroughTwoInstancesExactlyTheQuotaIsProvisionedAndTheRestWaitOrAreRefused() throws Exception {
        assertThat(setQuota(viaA, ADMIN_TOKEN, "gamma", "{\"maxLive\": 2}").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> quotaOf(viaA, "gamma") != null && quotaOf(viaB, "gamma") != null);

        List<String> keys = new ArrayList<>();
        List<CompletableFuture<Api.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String key = "gamma-" + i + "-" + UUID.randomUUID();
            Api via = i % 2 == 0 ? viaA : viaB;
            keys.add(key);
            answers.add(CompletableFuture.supplyAsync(() -> submit(via, GAMMA_TOKEN, key)));
        }
        List<String> accepted = new ArrayList<>();
        List<String> acceptedKeys = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < answers.size(); i++) {
            Api.Response answer = answers.get(i).get();
            if (answer.status() == 202) {
                accepted.add(answer.header("Location").orElseThrow());
                acceptedKeys.add(keys.get(i));
            } else {
                ProblemShape.assertProblem(answer, 429, "/problems/quota-exceeded");
                refused++;
            }
        }
        System.out.printf("quota race: %d accepted, %d refused by the gateways%n", accepted.size(), refused);
        assertThat(accepted.size() + refused).isEqualTo(10);
        assertThat(accepted).as("the first ones at least, before any usage was published").hasSizeGreaterThanOrEqualTo(2);

        // settled: two provisioned, every other accepted one held back by the quota
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> states = accepted.stream().map(l -> state(l, GAMMA_TOKEN)).toList();
            return states.stream().filter("FULFILLED"::equals).count() == 2 && states.stream().filter("WAITING"::equals).count()
                    == accepted.size() - 2;
        });
        int everProvisioned = 0;
        for (String location : accepted) {
            JsonNode request = viaA.get(location, GAMMA_TOKEN).json();
            if (Api.states(request).stream().anyMatch(PROVISIONED::contains)) {
                everProvisioned++;
            } else {
                assertThat(request.get("reason").asText()).as(request.toString())
                        .startsWith("quota maxLive of team gamma for postgres-database is 2, and it holds 2 (");
            }
        }
        assertThat(everProvisioned).as("requests ever matched: never more than the quota").isEqualTo(2);
        JsonNode usage = usageUntil(viaB, GAMMA_TOKEN, "gamma", item -> item.get("live").asInt() == 2
                && item.get("waiting").asInt() == accepted.size() - 2);
        assertThat(usage.get("inFlight").asInt()).isZero();

        // from now on either instance refuses at once, but answers a retry of an accepted one as before
        usageOnBothUntil(GAMMA_TOKEN, "gamma", item -> item.get("live").asInt() == 2);
        for (Api via : List.of(viaA, viaB)) {
            Api.Response again = submit(via, GAMMA_TOKEN, "gamma-late-" + UUID.randomUUID());
            ProblemShape.assertProblem(again, 429, "/problems/quota-exceeded");
            assertThat(again.json().get("usage").toString()).isEqualTo("{\"live\":2,\"inFlight\":0}");
            Api.Response retry = submit(via, GAMMA_TOKEN, acceptedKeys.get(acceptedKeys.size() - 1));
            assertThat(retry.status()).as(retry.text()).isEqualTo(200);
        }
    }

    private static Api.Response submit(Api api, String token, String key) {
        return api.post("/v1/requests", token, "{\"capability\": \"" + CAPABILITY + "\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}",
                "Idempotency-Key", key);
    }

    private static String quotaPath(String team) {
        return "/v1/teams/" + team + "/quotas/" + CAPABILITY;
    }

    private static Api.Response setQuota(Api api, String token, String team, String body) {
        return api.put(quotaPath(team), token, body);
    }

    /** The team's item of the capability in its usage, read by an admin; zeros and no quota when it has none. */
    private static JsonNode usageOf(Api api, String token, String team) {
        Api.Response page = api.get("/v1/teams/" + team + "/usage", token);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.json().get("team").asText()).isEqualTo(team);
        for (JsonNode item : page.json().get("items")) {
            if (item.get("capability").asText().equals(CAPABILITY)) {
                return item;
            }
        }
        return Api.JSON.createObjectNode().put("capability", CAPABILITY).put("live", 0).put("inFlight", 0).put("waiting", 0)
                .put("pendingApproval", 0).putNull("quota");
    }

    /** The team's quota of the capability as this instance has it; null when it has none. */
    private static JsonNode quotaOf(Api api, String team) {
        JsonNode quota = usageOf(api, ADMIN_TOKEN, team).get("quota");
        return quota.isNull() ? null : quota;
    }

    /**
     * The usage once both instances' copies of it satisfy {@code condition}: each instance's global
     * table follows the published usage on its own, and a submit is decided by its partition's owner.
     */
    private JsonNode usageOnBothUntil(String token, String team, Predicate<JsonNode> condition) {
        usageUntil(viaB, token, team, condition);
        return usageUntil(viaA, token, team, condition);
    }

    private static JsonNode usageUntil(Api api, String token, String team, Predicate<JsonNode> condition) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            seen[0] = usageOf(api, token, team);
            return condition.test(seen[0]);
        });
        return seen[0];
    }

    private String state(String location, String token) {
        return viaA.get(location, token).json().get("state").asText();
    }

    private static JsonNode until(Api api, String location, String token, Predicate<JsonNode> condition) {
        return api.until(location, token, WAIT, condition);
    }

    /** When the request first entered this state. */
    private static String at(JsonNode request, String state) {
        for (JsonNode transition : request.get("history")) {
            if (transition.get("state").asText().equals(state)) {
                return transition.get("at").asText();
            }
        }
        throw new AssertionError(request + " was never " + state);
    }
}
