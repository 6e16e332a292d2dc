package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.RequestState;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's doors with real parts: OIDC tokens minted here with keys made here, checked against
 * a JWKS this test serves over HTTP; a token file changed while the gateway runs; a team flooding
 * the gateway past its rate limit while another team is served.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class GatewayAccessIT {

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    @TempDir
    Path dir;
    private IdentityProvider idp;

    GatewayAccessIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeEach
    void identityProvider() {
        idp = new IdentityProvider();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void anIdentityProvidersTokenActsForItsTeamBesideTheTokenFileWhichFollowsItsChanges() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, Tokens.hash("file-token-1") + " gamma consumer carol\n");
        Map<String, String> settings = new java.util.HashMap<>(idp.settings());
        settings.putAll(Map.of(GatewayConfig.AUTH_TOKENS_FILE, tokens.toString(), AccessConfig.TOKENS_CHECK_INTERVAL, "200ms"));
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "access", settings, List.of())) {
            Api api = gateway.api();

            Api.Response me = api.get("/v1/me", jwt("delta", "consumer", "dave"));
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().get("team").asText()).isEqualTo("delta");
            assertThat(api.get("/v1/requests", jwt("delta", "consumer", "dave")).status()).isEqualTo(200);
            assertThat(api.get("/v1/me", jwt("delta", "superuser", "dave")).status()).as("an unknown role").isEqualTo(401);
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
            assertThat(api.get("/v1/me", IdentityProvider.sign(stranger, IdentityProvider.claims("delta", "admin", "mallory").build()))
                    .status()).as("signed by another key").isEqualTo(401);
            assertThat(api.get("/v1/me", ALPHA_TOKEN).status()).as("the inline tokens still count").isEqualTo(200);

            assertThat(api.get("/v1/me", "file-token-1").json().get("team").asText()).isEqualTo("gamma");
            Files.writeString(tokens, Tokens.hash("file-token-2") + " gamma consumer carol\n# file-token-1 was revoked\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/me", "file-token-2").status() == 200);
            assertThat(api.get("/v1/me", "file-token-1").status()).as("revoked without a restart").isEqualTo(401);
            assertThat(api.get("/metrics", null).text()).contains("capmarket_gateway_token_reloads_total{outcome=\"reloaded\"}");
        }
    }

    @Test
    void aTeamOverItsRateLimitGets429WithRetryAfterWhileAnotherTeamIsServed() {
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "flood", Map.of(
                AccessConfig.CALLER_RATE, "5", AccessConfig.CALLER_BURST, "10",
                AccessConfig.TEAM_RATE, "1000", AccessConfig.TEAM_BURST, "1000"), List.of())) {
            Api api = gateway.api();
            List<Api.Response> flood = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                flood.add(api.get("/v1/requests", ALPHA_TOKEN));
            }
            Api.Response other = api.get("/v1/requests", BETA_TOKEN);

            List<Api.Response> limited = flood.stream().filter(r -> r.status() == 429).toList();
            System.out.printf("GatewayAccessIT: 60 calls of one caller at once: %d answered 200, %d answered 429%n",
                    flood.stream().filter(r -> r.status() == 200).count(), limited.size());
            assertThat(flood).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
            assertThat(limited).as("past the burst of 10 at 5 a second").hasSizeGreaterThanOrEqualTo(30).allSatisfy(r -> {
                assertThat(r.header("Retry-After")).hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isPositive());
                assertThat(r.json().get("type").asText()).isEqualTo("/problems/rate-limited");
            });
            assertThat(other.status()).as("another team's caller").isEqualTo(200);
            assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
            assertThat(api.get("/metrics", null).text()).contains("capmarket_gateway_rate_limited_total{scope=\"caller\"}");
        }
    }

    @Test
    void aTeamWhoseCallersTogetherSendSeveralTimesItsRateGets429sWhileOtherTeamsAreServedAndHealthStaysUp() {
        Map<String, String> settings = new java.util.HashMap<>(idp.settings());
        settings.putAll(Map.of(AccessConfig.CALLER_RATE, "1000", AccessConfig.CALLER_BURST, "1000",
                AccessConfig.TEAM_RATE, "5", AccessConfig.TEAM_BURST, "10"));
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "team-flood", settings, List.of())) {
            Api api = gateway.api();
            List<String> alphas = List.of(ALPHA_TOKEN, Fixtures.ALPHA_BOT_TOKEN, jwt("alpha", "consumer", "alpha-oidc"));
            List<Api.Response> flood = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                flood.add(api.get("/v1/requests", alphas.get(i % alphas.size())));
            }
            Api.Response beta = api.get("/v1/requests", BETA_TOKEN);
            Api.Response betaOidc = api.get("/v1/requests", jwt("beta", "consumer", "beta-oidc"));

            List<Api.Response> limited = flood.stream().filter(r -> r.status() == 429).toList();
            System.out.printf("GatewayAccessIT: 60 calls of three callers of one team at once: %d answered 429%n", limited.size());
            assertThat(flood).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
            assertThat(limited).as("past the team's burst of 10 at 5 a second").hasSizeGreaterThanOrEqualTo(30).allSatisfy(r -> {
                assertThat(r.json().get("detail").asText()).contains("team alpha sends more requests than its limit allows");
                assertThat(r.header("Retry-After")).isPresent();
            });
            assertThat(beta.status()).as("another team's caller").isEqualTo(200);
            assertThat(betaOidc.status()).as("another team's OIDC caller").isEqualTo(200);
            assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
            assertThat(api.get("/health/live", null).status()).isEqualTo(200);
            assertThat(api.get("/metrics", null).text()).contains("capmarket_gateway_rate_limited_total{scope=\"team\"}");
        }
    }

    @Test
    void aPriorityAboveNormalIsATeamsGrantAndTheAdminsRight() {
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "grants", Map.of(), List.of(Fixtures.postgres(Instant.now())))) {
            Api api = gateway.api();
            String critical = "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}, "
                    + "\"priority\": \"CRITICAL\"}";

            Api.Response refused = api.post("/v1/requests", BETA_TOKEN, critical.replace("CRITICAL", "HIGH"), "Idempotency-Key", "grant-1");
            Api.Response notGranted = api.post("/v1/requests", ALPHA_TOKEN, critical, "Idempotency-Key", "grant-2");
            Api.Response admin = api.post("/v1/requests", Fixtures.ADMIN_TOKEN, critical, "Idempotency-Key", "grant-3");

            assertThat(refused.status()).as("beta holds no grant").isEqualTo(403);
            assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("priority");
            assertThat(refused.json().get("detail").asText()).contains("priority HIGH is not granted to team beta");
            assertThat(notGranted.status()).as("alpha holds HIGH, not CRITICAL").isEqualTo(403);
            assertThat(admin.status()).isIn(202, 503);
            assertThat(api.post("/v1/requests", ALPHA_TOKEN, critical.replace("CRITICAL", "HIGH"), "Idempotency-Key", "grant-4")
                    .status()).as("alpha's grant").isIn(202, 503);
        }
    }

    @Test
    void aTeamHoldsAtMostItsBoundOfLongPollsOpenAndAnotherTeamIsNotHeldBack() {
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "polls", Map.of(AccessConfig.LONG_POLLS_PER_TEAM, "2"),
                List.of(Fixtures.postgres(Instant.now())))) {
            Api api = gateway.api();
            Api.Response submitted = api.post("/v1/requests", ALPHA_TOKEN,
                    "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}", "Idempotency-Key", "poll-1");
            assertThat(submitted.status()).isEqualTo(202);
            String wait = "/v1/requests/" + submitted.json().get("id").asText() + "?waitFor=FULFILLED&timeout=20s";
            List<java.util.concurrent.CompletableFuture<Api.Response>> open = List.of(api.getAsync(wait, ALPHA_TOKEN),
                    api.getAsync(wait, ALPHA_TOKEN));
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/metrics", null).text()
                    .contains("capmarket_gateway_long_poll_waiters 2.0"));

            Api.Response third = api.get(wait, ALPHA_TOKEN);
            Api.Response otherTeam = api.get("/v1/requests/" + java.util.UUID.randomUUID() + "?waitFor=FULFILLED&timeout=1s", BETA_TOKEN);

            assertThat(third.status()).isEqualTo(429);
            assertThat(third.json().get("detail").asText()).contains("team alpha holds 2 long-polls open");
            assertThat(third.header("Retry-After")).isPresent();
            assertThat(otherTeam.status()).as("beta's own long-poll is not held back").isEqualTo(404);
            assertThat(open).allSatisfy(poll -> assertThat(poll).isNotDone());
        }
    }

    @Test
    void anEventStreamThatEndsGivesItsTeamsSlotBack() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "streams", Map.of(AccessConfig.STREAMS_PER_TEAM, "2"),
                List.of(Fixtures.postgres(Instant.now())))) {
            Api api = gateway.api();
            Api.Response submitted = api.post("/v1/requests", ALPHA_TOKEN,
                    "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}",
                    "Idempotency-Key", "stream-1");
            assertThat(submitted.status()).isEqualTo(202);
            String id = submitted.json().get("id").asText();
            Fixtures.send(broker, gateway.topics().requestStatus(), id,
                    Statuses.advance(Statuses.of(submitted.json()), RequestState.FAILED, "no offer"));
            await().atMost(RunningGateway.WAIT).until(() -> api.get("/v1/requests/" + id, ALPHA_TOKEN).json().get("state").asText()
                    .equals("FAILED"));

            // a finished request's stream sends its snapshot and end, then closes: three in a row on a bound of two
            for (int stream = 1; stream <= 3; stream++) {
                HttpResponse<Stream<String>> events = api.events("/v1/requests/" + id + "/events",
                        ALPHA_TOKEN).get(30, TimeUnit.SECONDS);
                assertThat(events.statusCode()).as("stream %d", stream).isEqualTo(200);
                try (Stream<String> lines = events.body()) {
                    assertThat(lines.filter(line -> line.startsWith("event:")).map(line -> line.substring(6).trim()).toList())
                            .as("stream %d", stream).containsExactly("snapshot", "end");
                }
            }
            await().atMost(RunningGateway.WAIT).until(() -> api.get("/metrics", null).text().contains("capmarket_gateway_sse_clients 0.0"));
        }
    }

    @Test
    void aBodyTricklingInPastTheReadDeadlineIsRefused408AndCountedWhileTheGatewayServesOthers() {
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "slow", Map.of(GatewayConfig.BODY_READ_TIMEOUT, "1s"),
                List.of())) {
            Api api = gateway.api();
            byte[] body = ("{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}"
                    + " ".repeat(100)).getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST /v1/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ALPHA_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);

            // a byte every 50 ms keeps Jetty's idle timeout from ever firing; the whole body would take 8 s
            Api.Response slow = api.trickle(head, body, Duration.ofMillis(50));

            assertThat(slow.status()).isEqualTo(408);
            assertThat(slow.contentType()).startsWith("application/problem+json");
            assertThat(slow.json().get("type").asText()).isEqualTo("/problems/request-timeout");
            assertThat(slow.json().get("detail").asText()).contains("1000 ms", GatewayConfig.BODY_READ_TIMEOUT);
            assertThat(slow.json().get("errors").get(0).get("field").asText()).isEqualTo("body");
            assertThat(api.get("/v1/me", ALPHA_TOKEN).status()).as("the request thread was given back").isEqualTo(200);
            assertThat(api.get("/metrics", null).text()).contains("capmarket_gateway_body_read_timeouts_total 1.0");
        }
    }

    @Test
    void anotherTeamsRequestAwaitedIntoExistenceTakesAnUnknownRequestsPathAndAnswer() {
        try (RunningGateway gateway = RunningGateway.start(broker, registry, "oracle", Map.of(),
                List.of(Fixtures.postgres(Instant.now())))) {
            Api api = gateway.api();
            String body = "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}";
            String betas = api.post("/v1/requests", BETA_TOKEN, body, "Idempotency-Key", "oracle-1").json().get("id").asText();
            String alphas = api.post("/v1/requests", ALPHA_TOKEN, body, "Idempotency-Key", "oracle-2").json().get("id").asText();
            String unknown = "alpha-" + java.util.UUID.randomUUID();
            io.capmarket.gateway.internal.Principal alice = new io.capmarket.gateway.internal.Principal("alpha",
                    io.capmarket.gateway.internal.Principal.Role.CONSUMER, "alice", false);
            java.util.function.Function<String, java.net.http.HttpRequest> await = id -> {
                String pathAndQuery = "/internal/v1/requests/" + id + "?awaitExistence=true&timeout=3s";
                return api.request(pathAndQuery, null).header(io.capmarket.gateway.internal.InstanceCalls.HEADER,
                        Fixtures.instanceAssertion(gateway.settings(), alice, "GET", pathAndQuery, new byte[0])).GET().build();
            };

            java.util.concurrent.CompletableFuture<Api.Response> other = api.sendAsync(await.apply(betas));
            // the same path as an id nobody has: a waiter held to the bound, which the other team's changes do not end
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/metrics", null).text()
                    .contains("capmarket_gateway_long_poll_waiters 1.0"));
            Api.Response otherAnswer = other.join();
            Api.Response unknownAnswer = api.send(await.apply(unknown));
            Api.Response own = api.send(await.apply(alphas));

            assertThat(otherAnswer.status()).isEqualTo(404);
            assertThat(unknownAnswer.status()).isEqualTo(404);
            assertThat(otherAnswer.json().get("detail").asText().replace(betas, "ID"))
                    .isEqualTo(unknownAnswer.json().get("detail").asText().replace(unknown, "ID"));
            assertThat(otherAnswer.json().get("type")).isEqualTo(unknownAnswer.json().get("type"));
            assertThat(own.status()).as("the caller's own request is answered").isEqualTo(200);
        }
    }

    private String jwt(String team, String role, String name) {
        return idp.token(team, role, name);
    }
}
