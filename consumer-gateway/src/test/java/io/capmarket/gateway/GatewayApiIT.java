package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ADMIN_TOKEN;
import static io.capmarket.gateway.Fixtures.ALPHA_BOT_TOKEN;
import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static io.capmarket.gateway.Fixtures.PRODUCER_TOKEN;
import static io.capmarket.gateway.ProblemShape.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.internal.Route;
import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route and every error class of one gateway, over real HTTP, against a real broker and
 * registry. The test plays the topology where statuses must move past SUBMITTED (it writes to
 * {@code request-status}); {@link GatewayEndToEndIT} runs the real one.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayApiIT {

    private static final Duration WAIT = RunningGateway.WAIT;

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private RunningGateway gateway;
    private Topics topics;
    private GatewayApp app;
    private Api api;

    GatewayApiIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() {
        Instant now = Instant.now();
        gateway = RunningGateway.start(broker, registry, "api", Map.of(),
                List.of(Fixtures.postgres(now), Fixtures.simple("kafka-topic", now), Fixtures.simple("redis-cache", now)));
        topics = gateway.topics();
        app = gateway.app();
        api = gateway.api();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- ops -----------------------------------------------------------------------------------

    @Test
    void healthAnswersLiveAndReady() {
        Api.Response live = api.get("/health/live", null);
        Api.Response ready = api.get("/health/ready", null);

        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("status").asText()).isEqualTo("UP");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("streams").asText()).isEqualTo("RUNNING");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRegisteredPublicRouteAndNoInternalOne() {
        JsonNode document = api.get("/openapi.json", null).json();

        assertThat(document.get("openapi").asText()).startsWith("3.");
        assertThat(app.routes()).hasSizeGreaterThan(10);
        for (String route : app.routes()) {
            String method = route.substring(0, route.indexOf(' ')).toLowerCase();
            String path = route.substring(route.indexOf(' ') + 1);
            boolean documented = document.get("paths").has(path) && document.get("paths").get(path).has(method);
            assertThat(documented).as("%s in /openapi.json", route).isEqualTo(!path.startsWith(Route.INTERNAL_PREFIX));
        }
    }

    @Test
    void thePortalPageIsServed() throws Exception {
        Api.Response page = api.get("/", null);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("capmarket");
        String open = "<script type=\"importmap\">";
        int start = page.text().indexOf(open) + open.length();
        String importMap = page.text().substring(start, page.text().indexOf("</script>", start));
        String hash = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(importMap.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'", "script-src 'self' 'sha256-" + hash + "'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline"));
    }

    @Test
    void aLargeJsonAnswerIsGzippedForAClientThatAcceptsItAndASmallOneIsNot() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        HttpResponse<byte[]> large = client.send(api.request("/openapi.json", null).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> small = client.send(api.request("/v1/requests/nope", ALPHA_TOKEN).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(large.headers().firstValue("Content-Encoding")).contains("gzip");
        byte[] inflated = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(large.body())).readAllBytes();
        assertThat(inflated.length).isGreaterThan(large.body().length);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(inflated).get("openapi").asText()).startsWith("3.");
        assertThat(small.statusCode()).isEqualTo(404);
        assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(small.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"status\"");
    }

    @Test
    void everyAnswerForbidsSniffingFramingAndReferrers() {
        for (Api.Response answer : List.of(api.get("/", null), api.get("/v1/capabilities", ALPHA_TOKEN),
                api.get("/v1/requests/nope", null))) {
            assertThat(answer.header("X-Content-Type-Options")).contains("nosniff");
            assertThat(answer.header("X-Frame-Options")).contains("DENY");
            assertThat(answer.header("Referrer-Policy")).contains("no-referrer");
            assertThat(answer.header("Strict-Transport-Security")).as("not over plain HTTP").isEmpty();
        }
    }

    @Test
    void metricsCountRequestsByRouteAndStatus() {
        api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN);
        api.get("/v1/capabilities/nope", ALPHA_TOKEN);

        String metrics = api.get("/metrics", null).text();

        assertThat(metrics)
                .containsPattern("capmarket_gateway_http_requests_seconds_bucket\\{[^}]*route=\"/v1/capabilities/\\{name}\"[^}]*status=\"200\"")
                .containsPattern("capmarket_gateway_http_requests_seconds_count\\{[^}]*route=\"/v1/capabilities/\\{name}\"[^}]*status=\"404\"[^}]*} [1-9]")
                .contains("capmarket_gateway_long_poll_waiters")
                .contains("capmarket_gateway_sse_clients")
                .contains("capmarket_gateway_views_catching_up 0.0")
                .contains("capmarket_gateway_read_back_records_total")
                .containsPattern("capmarket_gateway_list_index_rebuild_seconds_count [1-9]")
                .contains("capmarket_gateway_list_index_rebuild_seconds_sum")
                .contains("capmarket_gateway_list_index_rebuilt_entries_total")
                .contains("kafka_stream");
    }

    @Test
    void theRequestIdIsEchoedOrGenerated() {
        Api.Response echoed = api.send(api.request("/v1/capabilities", ALPHA_TOKEN).header("X-Request-Id", "trace-42").GET().build());
        Api.Response generated = api.get("/v1/capabilities/unknown-thing", ALPHA_TOKEN);

        assertThat(echoed.header("X-Request-Id")).contains("trace-42");
        assertThat(generated.header("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
        assertThat(generated.json().get("requestId").asText()).isEqualTo(generated.header("X-Request-Id").orElseThrow());
    }

    // ---- catalog -------------------------------------------------------------------------------

    @Test
    void aCapabilityShowsVersionsSchemasOffersAndLeadTimes() {
        Api.Response response = api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN);

        assertThat(response.status()).isEqualTo(200);
        JsonNode capability = response.json();
        assertThat(capability.get("name").asText()).isEqualTo("postgres-database");
        assertThat(capability.get("description").asText()).isEqualTo("A managed PostgreSQL database");
        JsonNode v1 = capability.get("versions").get(0);
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.get("parameterSchema").get("required").get(0).asText()).isEqualTo("sizeGb");
        assertThat(v1.get("outputSchema").get("type").asText()).isEqualTo("object");
        assertThat(v1.get("deprecated").asBoolean()).isTrue();
        assertThat(v1.get("sunset").asText()).isEqualTo("2031-01-01T00:00:00Z");
        assertThat(v1.get("contractOwner").asText()).isEqualTo("db-team");
        assertThat(capability.get("versions").get(1).get("sunset").isNull()).isTrue();
        JsonNode offer = capability.get("offers").get(0);
        assertThat(offer.get("offerId").asText()).isEqualTo("pg-eu");
        assertThat(offer.get("producerId").asText()).isEqualTo("db-team");
        assertThat(offer.get("attributes").get("region").asText()).isEqualTo("eu-west");
        assertThat(offer.get("capacity").asInt()).isEqualTo(5);
        assertThat(offer.get("inFlight").asInt()).isEqualTo(1);
        assertThat(offer.get("leadTimeSloMs").asLong()).isEqualTo(600_000);
        assertThat(offer.get("observed").get("p50Ms").asLong()).isEqualTo(1000);
        assertThat(offer.get("observed").get("p95Ms").asLong()).isEqualTo(2000);
    }

    @Test
    void theCatalogFiltersByPrefixAndAttributeAndPages() {
        JsonNode byPrefix = api.get("/v1/capabilities?prefix=postgres", ALPHA_TOKEN).json();
        JsonNode byAttribute = api.get("/v1/capabilities?attribute=region:us-east", PRODUCER_TOKEN).json();
        JsonNode first = api.get("/v1/capabilities?limit=2", ALPHA_TOKEN).json();
        JsonNode second = api.get("/v1/capabilities?limit=2&cursor=" + first.get("next").asText(), ALPHA_TOKEN).json();

        assertThat(names(byPrefix)).containsExactly("postgres-database");
        assertThat(names(byAttribute)).containsExactly("postgres-database");
        assertThat(names(first)).containsExactly("kafka-topic", "postgres-database");
        assertThat(names(second)).containsExactly("redis-cache");
        assertThat(second.get("next").isNull()).isTrue();
    }

    @Test
    void theScorecardIsAListEvenWhenEmpty() {
        Api.Response response = api.get("/v1/scorecard", PRODUCER_TOKEN);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("items").isArray()).isTrue();
        assertThat(response.json().has("next")).isTrue();
    }

    @Test
    void anUnknownCapabilityIsNotFound() {
        Api.Response response = api.get("/v1/capabilities/no-such-thing", ALPHA_TOKEN);

        assertProblem(response, 404, "/problems/not-found");
        assertThat(response.json().get("detail").asText()).contains("no-such-thing");
    }

    // ---- authentication and authorization ------------------------------------------------------

    @Test
    void aMissingOrUnknownTokenIsUnauthorized() {
        Api.Response missing = api.get("/v1/capabilities", null);
        Api.Response unknown = api.get("/v1/requests", "not-a-token");
        Api.Response notBearer = api.send(api.request("/v1/capabilities", null).header("Authorization", "Basic YTpi").GET().build());

        assertProblem(missing, 401, "/problems/authentication-required");
        assertThat(missing.json().get("errors").get(0).get("field").asText()).isEqualTo("Authorization");
        assertProblem(unknown, 401, "/problems/authentication-required");
        assertThat(unknown.text()).doesNotContain("not-a-token");
        assertProblem(notBearer, 401, "/problems/authentication-required");
    }

    @Test
    void aProducerTokenMayBrowseButNotRequest() {
        Api.Response browse = api.get("/v1/capabilities", PRODUCER_TOKEN);
        Api.Response submit = api.post("/v1/requests", PRODUCER_TOKEN, body(2, "{\"sizeGb\": 5}"));

        assertThat(browse.status()).isEqualTo(200);
        assertProblem(submit, 403, "/problems/forbidden");
    }

    @Test
    void anotherTeamsRequestIsNotFoundForReadListAndCancelButAnAdminSeesIt() {
        JsonNode submitted = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 7}").json();
        String path = "/v1/requests/" + submitted.get("id").asText();

        assertProblem(api.get(path, BETA_TOKEN), 404, "/problems/not-found");
        assertProblem(api.get(path + "?waitFor=FULFILLED&timeout=5s", BETA_TOKEN), 404, "/problems/not-found");
        assertProblem(api.delete(path, BETA_TOKEN), 404, "/problems/not-found");
        assertProblem(api.get("/v1/requests?team=alpha", BETA_TOKEN), 404, "/problems/not-found");
        assertThat(ids(api.get("/v1/requests?limit=500", BETA_TOKEN).json())).doesNotContain(submitted.get("id").asText());
        assertThat(ids(api.get("/v1/requests?limit=500", ALPHA_TOKEN).json())).contains(submitted.get("id").asText());
        assertThat(api.get(path, ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(ids(api.get("/v1/requests?team=alpha&limit=500", ADMIN_TOKEN).json())).contains(submitted.get("id").asText());
        assertThat(ids(api.get("/v1/requests?team=beta&limit=500", ADMIN_TOKEN).json())).doesNotContain(submitted.get("id").asText());
    }

    // ---- submit --------------------------------------------------------------------------------

    @Test
    void aSubmitIsAcceptedAndReadableAtOnce() {
        Api.Response accepted = submit(ALPHA_BOT_TOKEN, key(), 2, "{\"sizeGb\": 20, \"engine\": \"postgres-16\"}");
        String location = accepted.header("Location").orElseThrow();
        Api.Response read = api.get(location, ALPHA_TOKEN);

        assertThat(accepted.status()).isEqualTo(202);
        JsonNode view = accepted.json();
        assertThat(location).isEqualTo("/v1/requests/" + view.get("id").asText());
        assertThat(view.get("state").asText()).isEqualTo("SUBMITTED");
        assertThat(view.get("team").asText()).isEqualTo("alpha");
        assertThat(view.get("capability").asText()).isEqualTo("postgres-database");
        assertThat(view.get("version").asInt()).isEqualTo(2);
        assertThat(view.get("parameters").get("sizeGb").asInt()).isEqualTo(20);
        assertThat(view.get("constraints").get("region").get(0).asText()).isEqualTo("eu-west");
        assertThat(view.get("priority").asText()).isEqualTo("NORMAL");
        assertThat(view.get("requestedBy").get("kind").asText()).isEqualTo("BOT");
        assertThat(view.get("history").get(0).get("state").asText()).isEqualTo("SUBMITTED");
        assertThat(view.has("offerId") && view.has("producerId") && view.has("attempt") && view.has("outputs") && view.has("reason")).isTrue();
        assertThat(accepted.header("Deprecation")).isEmpty();
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("id").asText()).isEqualTo(view.get("id").asText());
        assertThat(read.json().get("state").asText()).isEqualTo("SUBMITTED");
    }

    @Test
    void theSubmitIsPublishedAsASubmitRequestKeyedByRequestId() {
        String key = key();
        JsonNode view = submit(ALPHA_TOKEN, key, 2, "{\"sizeGb\": 3}").json();

        ConsumerRecord<String, RequestCommand> record = firstCommand(view.get("id").asText(), SubmitRequest.class);

        SubmitRequest command = (SubmitRequest) record.value().getCommand();
        assertThat(command.getConsumerTeam()).isEqualTo("alpha");
        assertThat(command.getIdempotencyKey()).isEqualTo(key);
        assertThat(command.getParameters()).isEqualTo("{\"sizeGb\":3}");
        assertThat(command.getConstraints()).containsEntry("region", List.of("eu-west"));
        assertThat(command.getRequestedBy().getName()).isEqualTo("alice");
    }

    @Test
    void theSameKeyTwiceIsTheSameRequestAndAnotherBodyIsAConflict() {
        String key = key();
        Api.Response first = submit(ALPHA_TOKEN, key, 2, "{\"sizeGb\": 9}");
        Api.Response again = submit(ALPHA_TOKEN, key, 2, "{\"sizeGb\": 9}");
        Api.Response different = submit(ALPHA_TOKEN, key, 2, "{\"sizeGb\": 10}");
        Api.Response otherTeam = submit(BETA_TOKEN, key, 2, "{\"sizeGb\": 9}");

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertProblem(different, 409, "/problems/conflict");
        assertThat(different.json().get("errors").get(0).get("field").asText()).isEqualTo("parameters");
        assertThat(otherTeam.status()).isEqualTo(202);
        assertThat(otherTeam.json().get("id").asText()).isNotEqualTo(first.json().get("id").asText());
    }

    @Test
    void aDeprecatedVersionAnswersWithDeprecationAndSunset() {
        Api.Response accepted = submit(ALPHA_TOKEN, key(), 1, "{\"sizeGb\": 1}");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Deprecation")).contains("true");
        assertThat(accepted.header("Sunset")).contains("Wed, 1 Jan 2031 00:00:00 GMT");
        assertThat(api.get(accepted.header("Location").orElseThrow(), ALPHA_TOKEN).header("Deprecation")).contains("true");
    }

    @Test
    void anUnknownCapabilityIsNotFoundAndAnUnknownVersionIsRejected() {
        Api.Response unknownCapability = api.post("/v1/requests", ALPHA_TOKEN, "{\"capability\": \"mainframe\", \"version\": 1}");
        Api.Response unknownVersion = submit(ALPHA_TOKEN, key(), 7, "{\"sizeGb\": 1}");

        assertProblem(unknownCapability, 404, "/problems/not-found");
        assertProblem(unknownVersion, 422, "/problems/rejected-request");
        assertThat(unknownVersion.json().get("detail").asText()).contains("has no version 7").contains("[1, 2]");
        assertThat(unknownVersion.json().get("errors").get(0).get("field").asText()).isEqualTo("version");
    }

    @Test
    void invalidParametersAreRejectedListingEachViolation() {
        Api.Response response = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 0, \"engine\": \"mysql\", \"color\": \"red\"}");
        Api.Response missing = submit(ALPHA_TOKEN, key(), 2, "{}");

        assertProblem(response, 422, "/problems/rejected-request");
        Set<String> fields = new HashSet<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).contains("parameters.sizeGb", "parameters.engine");
        assertThat(response.json().get("errors").toString()).contains("color").contains("\"value\":\"0\"");
        assertProblem(missing, 422, "/problems/rejected-request");
        assertThat(missing.json().get("errors").get(0).get("field").asText()).isEqualTo("parameters.sizeGb");
        assertThat(missing.json().get("errors").get(0).get("rule").asText()).contains("required");
    }

    @Test
    void malformedBodiesAndHeadersAreBadRequestsNamingTheField() {
        Api.Response notJson = api.post("/v1/requests", ALPHA_TOKEN, "{\"capability\": ");
        Api.Response wrongTypes = api.post("/v1/requests", ALPHA_TOKEN,
                "{\"capability\": \"Postgres DB\", \"version\": \"one\", \"parameters\": [], \"priority\": \"ASAP\", \"colour\": 1}");
        Api.Response badKey = api.post("/v1/requests", ALPHA_TOKEN, body(2, "{\"sizeGb\": 1}"), "Idempotency-Key", "has spaces in it");
        Api.Response tooLarge = api.post("/v1/requests", ALPHA_TOKEN, body(2, "{\"sizeGb\": 1, \"pad\": \"" + "x".repeat(20_000) + "\"}"));

        assertProblem(notJson, 400, "/problems/malformed-request");
        assertProblem(wrongTypes, 400, "/problems/malformed-request");
        List<String> fields = new ArrayList<>();
        wrongTypes.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("colour", "capability", "version", "parameters", "priority");
        assertThat(wrongTypes.json().get("errors").toString()).contains("ASAP").contains("LOW, NORMAL, HIGH, CRITICAL");
        assertProblem(badKey, 400, "/problems/malformed-request");
        assertThat(badKey.json().get("errors").get(0).get("field").asText()).isEqualTo("Idempotency-Key");
        assertProblem(tooLarge, 413, "/problems/payload-too-large");
    }

    @Test
    void badQueryParametersAndUnknownRoutesAreProblems() {
        JsonNode submitted = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 2}").json();
        String path = "/v1/requests/" + submitted.get("id").asText();

        Api.Response badState = api.get(path + "?waitFor=DONE", ALPHA_TOKEN);
        Api.Response longTimeout = api.get(path + "?waitFor=FULFILLED&timeout=1h", ALPHA_TOKEN);
        Api.Response badCursor = api.get("/v1/requests?cursor=not*base64", ALPHA_TOKEN);
        Api.Response badLimit = api.get("/v1/capabilities?limit=0", ALPHA_TOKEN);
        Api.Response noRoute = api.get("/v2/nothing", null);
        Api.Response notFound = api.get("/v1/requests/" + UUID.randomUUID(), ALPHA_TOKEN);

        assertProblem(badState, 400, "/problems/malformed-request");
        assertThat(badState.json().get("errors").get(0).get("field").asText()).isEqualTo("waitFor");
        assertProblem(longTimeout, 400, "/problems/malformed-request");
        assertThat(longTimeout.json().get("errors").get(0).get("rule").asText()).contains("at most 20s");
        assertProblem(badCursor, 400, "/problems/malformed-request");
        assertProblem(badLimit, 400, "/problems/malformed-request");
        assertProblem(noRoute, 404, "/problems/not-found");
        assertProblem(notFound, 404, "/problems/not-found");
    }

    // ---- long-poll, events, cancel, list ------------------------------------------------------

    @Test
    void aLongPollReturnsWhenTheAwaitedStateArrives() throws Exception {
        JsonNode view = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 4}").json();
        String id = view.get("id").asText();
        RequestStatus submitted = Statuses.of(view);

        long asked = System.nanoTime();
        CompletableFuture<Api.Response> poll = api.getAsync("/v1/requests/" + id + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);
        await().atMost(WAIT).until(() -> api.get("/metrics", null).text().contains("capmarket_gateway_long_poll_waiters 1.0"));
        RequestStatus matched = Statuses.advance(submitted, RequestState.MATCHED, "matched to pg-eu");
        Fixtures.send(broker, topics.requestStatus(), id, matched);
        await().atMost(WAIT).until(() -> api.get("/v1/requests/" + id, ALPHA_TOKEN).json().get("state").asText().equals("MATCHED"));
        assertThat(poll).isNotDone();
        Fixtures.send(broker, topics.requestStatus(), id, Statuses.advance(matched, RequestState.FULFILLED, "done"));

        Api.Response answer = poll.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("woken by the change, not answered at its 20 s timeout")
                .isLessThan(Duration.ofSeconds(19));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("state").asText()).isEqualTo("FULFILLED");
        assertThat(answer.json().get("outputs").get("host").asText()).isEqualTo("db.internal");
        assertThat(answer.json().get("history")).hasSize(3);
    }

    @Test
    void aLongPollEndsAtATerminalStateEvenIfAnotherWasAwaited() throws Exception {
        JsonNode view = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 4}").json();
        String id = view.get("id").asText();

        long asked = System.nanoTime();
        CompletableFuture<Api.Response> poll = api.getAsync("/v1/requests/" + id + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);
        await().atMost(WAIT).until(() -> api.get("/metrics", null).text().contains("capmarket_gateway_long_poll_waiters 1.0"));
        Fixtures.send(broker, topics.requestStatus(), id, Statuses.advance(Statuses.of(view), RequestState.FAILED, "no luck"));

        assertThat(poll.get(WAIT.toSeconds(), TimeUnit.SECONDS).json().get("state").asText()).isEqualTo("FAILED");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("woken by the change, not answered at its 20 s timeout")
                .isLessThan(Duration.ofSeconds(19));
    }

    @Test
    void aLongPollAnswersTheCurrentStateAtItsTimeout() {
        JsonNode view = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 4}").json();

        long started = System.nanoTime();
        Api.Response answer = api.get("/v1/requests/" + view.get("id").asText() + "?waitFor=FULFILLED&timeout=1500ms", ALPHA_TOKEN);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("state").asText()).isEqualTo("SUBMITTED");
        assertThat(elapsedMs).isBetween(1400L, 10_000L);
    }

    @Test
    void eventsStreamASnapshotFirstThenEachLiveTransitionAsADeltaInOrder() throws Exception {
        JsonNode view = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 4}").json();
        String id = view.get("id").asText();
        RequestStatus matched = Statuses.advance(Statuses.of(view), RequestState.MATCHED, "matched to pg-eu");
        Fixtures.send(broker, topics.requestStatus(), id, matched);
        await().atMost(WAIT).until(() -> api.get("/v1/requests/" + id, ALPHA_TOKEN).json().get("state").asText().equals("MATCHED"));

        HttpResponse<Stream<String>> stream = api.events("/v1/requests/" + id + "/events", ALPHA_TOKEN).get(30, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Iterator<String> lines = stream.body().iterator();
        List<String[]> snapshot = readEvents(lines, 1);
        assertThat(snapshot).extracting(e -> e[0] + ":" + state(e[1]) + ":" + e[2]).containsExactly("snapshot:MATCHED:2");
        assertThat(Api.JSON.readTree(snapshot.get(0)[1]).get("history")).extracting(t -> t.get("state").asText())
                .containsExactly("SUBMITTED", "MATCHED");
        await().atMost(WAIT).until(() -> api.get("/metrics", null).text().contains("capmarket_gateway_sse_clients 1.0"));

        RequestStatus accepted = Statuses.advance(matched, RequestState.ACCEPTED, "accepted");
        Fixtures.send(broker, topics.requestStatus(), id, accepted);
        Fixtures.send(broker, topics.requestStatus(), id, Statuses.advance(accepted, RequestState.FULFILLED, "done"));
        List<String[]> live = readEvents(lines, 3);

        assertThat(live).extracting(e -> e[0] + ":" + state(e[1]) + ":" + e[2])
                .containsExactly("transition:ACCEPTED:3", "transition:FULFILLED:4", "end:FULFILLED:4");
        JsonNode fulfilled = Api.JSON.readTree(live.get(1)[1]);
        assertThat(fulfilled.get("changes").get("outputs").get("host").asText()).isEqualTo("db.internal");
        assertThat(fulfilled.get("changes").get("state").asText()).isEqualTo("FULFILLED");
        assertThat(fulfilled.has("request")).as("a delta, not the whole request again").isFalse();
        assertThat(fulfilled.get("changes").has("history")).isFalse();
        assertThat(fulfilled.get("changes").has("capability")).as("unchanged since the snapshot").isFalse();

        HttpResponse<Stream<String>> resumed = api.events("/v1/requests/" + id + "/events", ALPHA_TOKEN, "Last-Event-ID", "3")
                .get(30, TimeUnit.SECONDS);
        List<String[]> after = readEvents(resumed.body().iterator(), 5);
        assertThat(after).extracting(e -> e[0] + ":" + e[2]).containsExactly("transition:4", "end:4");
        assertThat(Api.JSON.readTree(after.get(0)[1]).get("changes").get("capability").asText())
                .as("a resumed stream's first delta carries every field").isEqualTo("postgres-database");
    }

    @Test
    void eventsNeedTheEventStreamAcceptHeaderAndAVisibleRequest() {
        JsonNode view = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 4}").json();
        String path = "/v1/requests/" + view.get("id").asText() + "/events";

        assertProblem(api.get(path, ALPHA_TOKEN), 400, "/problems/malformed-request");
        assertProblem(api.send(api.request(path, BETA_TOKEN).header("Accept", "text/event-stream").GET().build()), 404, "/problems/not-found");
    }

    @Test
    void aCancelIsPublishedAndAFinishedRequestCannotBeCancelled() {
        JsonNode view = submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": 4}").json();
        String id = view.get("id").asText();

        Api.Response cancelled = api.delete("/v1/requests/" + id, ALPHA_TOKEN);

        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().get("id").asText()).isEqualTo(id);
        CancelRequest command = (CancelRequest) firstCommand(id, CancelRequest.class).value().getCommand();
        assertThat(command.getRequestedBy().getName()).isEqualTo("alice");

        Fixtures.send(broker, topics.requestStatus(), id, Statuses.advance(Statuses.of(view), RequestState.CANCELLED, "cancelled"));
        await().atMost(WAIT).until(() -> api.get("/v1/requests/" + id, ALPHA_TOKEN).json().get("state").asText().equals("CANCELLED"));
        assertProblem(api.delete("/v1/requests/" + id, ALPHA_TOKEN), 409, "/problems/conflict");
    }

    @Test
    void theListPagesThroughTheTeamsRequestsAndFiltersByStateAndCapability() {
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            mine.add(submit(BETA_TOKEN, key(), 2, "{\"sizeGb\": " + (i + 1) + "}").json().get("id").asText());
        }
        JsonNode someView = api.get("/v1/requests/" + mine.iterator().next(), BETA_TOKEN).json();
        Fixtures.send(broker, topics.requestStatus(), someView.get("id").asText(),
                Statuses.advance(Statuses.of(someView), RequestState.WAITING, "no capacity"));
        await().atMost(WAIT).until(() -> ids(api.get("/v1/requests?state=WAITING", BETA_TOKEN).json()).size() == 1);

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/v1/requests?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), BETA_TOKEN).json();
            paged.addAll(ids(page));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (cursor != null);

        assertThat(paged).containsAll(mine).isSorted().doesNotHaveDuplicates();
        assertThat(pages).isGreaterThanOrEqualTo(2);
        assertThat(ids(api.get("/v1/requests?state=WAITING", BETA_TOKEN).json())).containsExactly(someView.get("id").asText());
        assertThat(ids(api.get("/v1/requests?capability=kafka-topic", BETA_TOKEN).json())).isEmpty();
    }

    @Test
    void theListPagesNewestFirstWhenAsked() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(submit(ALPHA_TOKEN, key(), 2, "{\"sizeGb\": " + (i + 1) + "}").json().get("id").asText());
        }

        List<JsonNode> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/v1/requests?order=newest&capability=postgres-database&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), ALPHA_TOKEN).json();
            page.get("items").forEach(paged::add);
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (cursor != null);

        assertThat(paged).extracting(item -> item.get("id").asText()).containsAll(mine).doesNotHaveDuplicates();
        assertThat(pages).isGreaterThanOrEqualTo(2);
        assertThat(paged).as("newest submission first, ties by id")
                .isSortedAccordingTo(java.util.Comparator.<JsonNode, Instant>comparing(item -> Instant.parse(item.get("submittedAt").asText()))
                        .reversed().thenComparing(item -> item.get("id").asText()));
        assertThat(Instant.parse(paged.get(0).get("submittedAt").asText()))
                .isEqualTo(Instant.parse(api.get("/v1/requests/" + mine.get(2), ALPHA_TOKEN).json().get("submittedAt").asText()));
        assertThat(ids(api.get("/v1/requests?order=newest&capability=kafka-topic", ALPHA_TOKEN).json())).isEmpty();
        Api.Response badOrder = api.get("/v1/requests?order=oldest", ALPHA_TOKEN);
        assertProblem(badOrder, 400, "/problems/malformed-request");
        assertThat(badOrder.json().get("errors").get(0).get("field").asText()).isEqualTo("order");
        assertThat(badOrder.json().get("errors").get(0).get("rule").asText()).isEqualTo("one of id, newest");
    }

    @Test
    void meNamesTheTokensTeamAndRole() {
        JsonNode consumer = api.get("/v1/me", ALPHA_TOKEN).json();
        JsonNode producer = api.get("/v1/me", PRODUCER_TOKEN).json();

        assertThat(consumer.get("team").asText()).isEqualTo("alpha");
        assertThat(consumer.get("role").asText()).isEqualTo("consumer");
        assertThat(producer.get("team").asText()).isEqualTo("db-team");
        assertThat(producer.get("role").asText()).isEqualTo("producer");
        assertThat(api.get("/v1/me", null).status()).isEqualTo(401);
    }

    @Test
    void thePortalsModulesAreRevalidatedAndItsChartLibraryIsCachedForAYear() {
        String page = api.get("/", null).text();
        java.util.regex.Matcher library = java.util.regex.Pattern.compile("/portal/lib/uPlot\\.esm\\.js\\?v=([0-9.]+)").matcher(page);
        assertThat(library.find()).as("the page names the chart library with its version: " + page).isTrue();

        Api.Response module = api.get("/portal/app.js", null);
        Api.Response chart = api.get("/portal/lib/uPlot.esm.js?v=" + library.group(1), null);
        Api.Response style = api.get("/portal/lib/uPlot.min.css", null);

        assertThat(module.status()).isEqualTo(200);
        assertThat(module.contentType()).startsWith("text/javascript");
        assertThat(module.header("Cache-Control")).contains("no-cache");
        assertThat(chart.status()).isEqualTo(200);
        assertThat(chart.text()).contains("export");
        assertThat(chart.header("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(style.contentType()).startsWith("text/css");
        assertProblem(api.get("/portal/nope.js", null), 404, "/problems/not-found");
        assertProblem(api.get("/portal/lib/uPlot.cjs.js", null), 404, "/problems/not-found");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Api.Response submit(String token, String key, int version, String parameters) {
        return api.post("/v1/requests", token, body(version, parameters), "Idempotency-Key", key);
    }

    private static String body(int version, String parameters) {
        return "{\"capability\": \"postgres-database\", \"version\": " + version + ", \"parameters\": " + parameters
                + ", \"constraints\": {\"region\": [\"eu-west\"]}, \"priority\": \"NORMAL\"}";
    }

    private static String key() {
        return "key-" + UUID.randomUUID();
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static String state(String data) {
        try {
            JsonNode node = Api.JSON.readTree(data);
            return node.get("state").asText();
        } catch (Exception e) {
            throw new AssertionError(data, e);
        }
    }

    private static List<String[]> readEvents(Iterator<String> lines, int count) {
        List<String[]> events = new ArrayList<>();
        String[] current = new String[3];
        while (events.size() < count && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                current[0] = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                current[1] = line.substring(5).trim();
            } else if (line.startsWith("id:")) {
                current[2] = line.substring(3).trim();
            } else if (line.isEmpty() && current[0] != null) {
                events.add(current);
                current = new String[3];
            }
        }
        return events;
    }

    private <T> ConsumerRecord<String, RequestCommand> firstCommand(String id, Class<T> type) {
        try (KafkaConsumer<String, RequestCommand> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "api-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                topics.requests().keySerde().deserializer(), topics.requests().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.requests().name()));
            List<ConsumerRecord<String, RequestCommand>> found = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (id.equals(r.key()) && type.isInstance(r.value().getCommand())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }
}
