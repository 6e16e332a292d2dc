package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ADMIN_TOKEN;
import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static io.capmarket.gateway.Fixtures.APPROVER_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static io.capmarket.gateway.Fixtures.PRODUCER_TOKEN;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.gateway.internal.InstanceCalls;
import io.capmarket.gateway.internal.Principal;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route of the gateway's route table, called by every kind of caller, on a request of the
 * caller's own team and of another team, against the policy written out in {@link #POLICY}. A
 * route added to the table without a line there fails the test. While the matrix runs every log
 * line of the JVM is captured, and no token may appear in any of them (nor in any answer).
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAuthorizationIT {

    /** The identity provider whose tokens the JWT_* callers hold, served over HTTP for the class's gateway. */
    private static final IdentityProvider IDP = new IdentityProvider();

    /**
     * Each caller, and whom another instance acts for on the internal routes when it forwards that
     * caller's read or submit: static tokens, and OIDC tokens of the same roles (JWT_*). The caller's own team
     * is alpha (an admin's: platform); "other" is team beta. The requests are SUBMITTED (no topology runs):
     * one that waits for no approval is decided by no one (409 where seen, 404 where not).
     */
    private enum Caller {
        NO_TOKEN(null, null), BAD_TOKEN("not-a-token-" + UUID.randomUUID(), null),
        CONSUMER(ALPHA_TOKEN, new Principal("alpha", Principal.Role.CONSUMER, "alice", false)),
        APPROVER(APPROVER_TOKEN, new Principal("alpha", Principal.Role.APPROVER, "carol", false)),
        PRODUCER(PRODUCER_TOKEN, new Principal("db-team", Principal.Role.PRODUCER, "db-team", false)),
        ADMIN(ADMIN_TOKEN, new Principal("platform", Principal.Role.ADMIN, "root", false)),
        JWT_CONSUMER(IDP.token("alpha", "consumer", "alice-oidc"), new Principal("alpha", Principal.Role.CONSUMER, "alice-oidc", false)),
        JWT_PRODUCER(IDP.token("db-team", "producer", "db-oidc"), new Principal("db-team", Principal.Role.PRODUCER, "db-oidc", false)),
        JWT_ADMIN(IDP.token("platform", "admin", "root-oidc"), new Principal("platform", Principal.Role.ADMIN, "root-oidc", false));

        final String token;
        final Principal principal;

        Caller(String token, Principal principal) {
            this.token = token;
            this.principal = principal;
        }
    }

    /**
     * The expected status of each route for each caller, as {@code own/other} (one number: both).
     * For routes without an id, "own" and "other" are the caller's team and team beta where the
     * route takes {@code ?team=} or {@code {team}}, else the same call twice.
     */
    private static final String POLICY = """
            route                                                      NO_TOKEN  BAD_TOKEN  CONSUMER  APPROVER  PRODUCER  ADMIN  JWT_CONSUMER  JWT_PRODUCER  JWT_ADMIN
            GET /v1/capabilities                                       401       401        200       200       200       200  200           200           200
            GET /v1/capabilities/{name}                                401       401        200       200       200       200  200           200           200
            PUT /v1/capabilities/{name}/versions/{version}/approval    401       401        403       403       403       200  403           403           200
            DELETE /v1/capabilities/{name}/versions/{version}/approval 401       401        403       403       403       204  403           403           204
            PUT /v1/capabilities/{name}/versions/{version}/owner       401       401        403       403       403       200  403           403           200
            DELETE /v1/capabilities/{name}/versions/{version}/owner    401       401        403       403       403       204  403           403           204
            GET /v1/scorecard                                          401       401        200       200       200       200  200           200           200
            GET /v1/insights                                           401       401        200       200       200       200  200           200           200
            GET /v1/me                                                 401       401        200       200       200       200  200           200           200
            PUT /v1/teams/{team}/quotas/{capability}                   401       401        403       403       403       200  403           403           200
            DELETE /v1/teams/{team}/quotas/{capability}                401       401        403       403       403       204  403           403           204
            GET /v1/teams/{team}/usage                                 401       401        200/404   200/404   403       200  200/404       403           200
            POST /v1/requests                                          401       401        202       202       403       202  202           403           202
            GET /v1/requests                                           401       401        200/404   200/404   403       200  200/404       403           200
            GET /v1/requests/{id}                                      401       401        200/404   200/404   403       200  200/404       403           200
            GET /v1/requests/{id}/events                               401       401        200/404   200/404   403       200  200/404       403           200
            GET /v1/requests/{id}/decision                             401       401        200/404   200/404   403       200  200/404       403           200
            PATCH /v1/requests/{id}                                    401       401        409/404   409/404   403       409  409/404       403           409
            DELETE /v1/requests/{id}                                   401       401        202/404   202/404   403       202  202/404       403           202
            GET /v1/approvals                                          401       401        200       200       200       200  200           200           200
            POST /v1/requests/{id}/approve                             401       401        409/404   409/404   404       409  409/404       404           409
            POST /v1/requests/{id}/reject                              401       401        409/404   409/404   404       409  409/404       404           409
            GET /v1/orphans                                            401       401        403       403       403       200  403           403           200
            GET /internal/v1/requests                                  401       401        200/404   200/404   403       200  200/404       403           200
            POST /internal/v1/requests                                 401       401        202       202       403       202  202           403           202
            GET /internal/v1/requests/{id}                             401       401        200/404   200/404   404       200  200/404       404           200
            GET /internal/v1/requests/{id}/decision                    401       401        200/404   200/404   404       200  200/404       404           200
            GET /health/live                                           200       200        200       200       200       200  200           200           200
            GET /health/ready                                          200       200        200       200       200       200  200           200           200
            GET /metrics                                               200       200        200       200       200       200  200           200           200
            GET /openapi.json                                          200       200        200       200       200       200  200           200           200
            GET /                                                      200       200        200       200       200       200  200           200           200
            GET /portal/{file}                                         200       200        200       200       200       200  200           200           200
            GET /portal/lib/{file}                                     200       200        200       200       200       200  200           200           200
            """;

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private CapturedLogs logs;
    private RunningGateway gateway;
    private Api api;
    private String alphaRequest;
    private String betaRequest;

    GatewayAuthorizationIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() {
        logs = new CapturedLogs();
        gateway = RunningGateway.start(broker, registry, "authz", IDP.settings(), List.of(Fixtures.postgres(Instant.now())));
        api = gateway.api();
        alphaRequest = submit(ALPHA_TOKEN).json().get("id").asText();
        betaRequest = submit(BETA_TOKEN).json().get("id").asText();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (logs != null) {
            logs.close();
        }
        IDP.close();
    }

    @Test
    void everyRouteAnswersEveryCallerAsThePolicySaysAndNoTokenIsEverLogged() {
        Map<String, Map<Caller, int[]>> policy = policy();
        assertThat(policy.keySet()).as("the routes of the route table, each with a line in POLICY")
                .containsExactlyInAnyOrderElementsOf(gateway.app().routes());

        List<String> wrong = new ArrayList<>();
        int calls = 0;
        int streams = 0;
        for (Map.Entry<String, Map<Caller, int[]>> route : policy.entrySet()) {
            for (Caller caller : Caller.values()) {
                for (boolean own : new boolean[] {true, false}) {
                    int expected = route.getValue().get(caller)[own ? 0 : 1];
                    Api.Response response = api.exchange(request(route.getKey(), caller, own));
                    calls++;
                    if (route.getKey().endsWith("/events") && response.status() == 200) {
                        streams++; // logged when the stream ends, which its keep-alive finds out later
                    }
                    String cell = route.getKey() + " as " + caller + " on " + (own ? "own" : "other") + " team";
                    if (response.status() != expected) {
                        wrong.add(cell + ": " + response.status() + ", expected " + expected + " " + response.text());
                    } else if (expected >= 400) {
                        try {
                            ProblemShape.assertShape(response);
                        } catch (AssertionError e) {
                            wrong.add(cell + ": not the problem shape: " + e.getMessage());
                        }
                    }
                    for (Caller anyone : Caller.values()) {
                        if (anyone.token != null && response.text().contains(anyone.token)) {
                            wrong.add(cell + ": the answer shows the token of " + anyone);
                        }
                    }
                }
            }
        }
        System.out.printf("GatewayAuthorizationIT: %d routes x %d callers x 2 teams = %d calls, %d log lines captured%n",
                policy.size(), Caller.values().length, calls, logs.lines().size());

        assertThat(wrong).as("cells that differ from POLICY").isEmpty();
        List<String> lines = logs.lines();
        assertThat(lines.stream().filter(line -> line.contains("\"requestId\"")).count())
                .as("access log lines captured (one per call, at least, but for the streams still open)").isGreaterThanOrEqualTo(calls - streams);
        for (Caller caller : Caller.values()) {
            if (caller.token != null) {
                assertThat(lines).as("log lines showing the token of %s", caller).noneMatch(line -> line.contains(caller.token));
            }
        }
        assertThat(lines).as("log lines showing a bearer token").noneMatch(line -> line.contains("Bearer "));
    }

    @Test
    void aBearerTokenEvenTheAdminsNeverOpensTheInternalRoutesNorDoesAnotherDeploymentsAssertion() {
        String path = "/internal/v1/requests/" + alphaRequest;
        Api.Response withToken = api.get(path, ADMIN_TOKEN);
        Map<String, String> otherDeployment = new java.util.HashMap<>(gateway.settings());
        otherDeployment.put("application.id", "another-gateway");
        Api.Response otherAssertion = api.exchange(api.request(path, null).header(InstanceCalls.HEADER,
                Fixtures.instanceAssertion(otherDeployment, Caller.ADMIN.principal, "GET", path, new byte[0])).GET().build());
        Api.Response ownAssertion = api.exchange(api.request(path, null).header(InstanceCalls.HEADER,
                Fixtures.instanceAssertion(gateway.settings(), Caller.ADMIN.principal, "GET", path, new byte[0])).GET().build());

        assertThat(withToken.status()).isEqualTo(401);
        assertThat(withToken.json().get("detail").asText()).contains(InstanceCalls.HEADER);
        assertThat(otherAssertion.status()).isEqualTo(401);
        assertThat(ownAssertion.status()).isEqualTo(200);
    }

    /** The call for one cell: ids, ?team= and bodies filled in so that the call is well-formed. */
    private HttpRequest request(String route, Caller caller, boolean own) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1)
                .replace("{name}", "postgres-database")
                .replace("{version}", "2")
                .replace("{capability}", "postgres-database")
                .replace("{team}", !own ? "beta" : caller.principal == null ? "alpha" : caller.principal.team())
                .replace("lib/{file}", "lib/uPlot.esm.js")
                .replace("{file}", "app.js")
                .replace("{id}", own ? alphaRequest : betaRequest);
        if (path.equals("/v1/requests") || path.equals("/internal/v1/requests")) {
            path += method.equals("GET") ? "?team=" + (own ? "alpha" : "beta") : "";
        }
        // the internal routes take another instance's signed assertion of the caller, never a token
        HttpRequest.Builder request = !path.startsWith("/internal/") ? api.request(path, caller.token)
                : caller.principal != null ? api.request(path, null).header(InstanceCalls.HEADER, Fixtures.instanceAssertion(
                        gateway.settings(), caller.principal, method, path, method.equals("POST") ? body().getBytes(UTF_8) : new byte[0]))
                : caller.token != null ? api.request(path, null).header(InstanceCalls.HEADER, "v1.forged.assertion")
                : api.request(path, null);
        if (path.endsWith("/events")) {
            request.header("Accept", "text/event-stream");
        }
        return switch (method) {
            case "GET" -> request.GET().build();
            case "DELETE" -> request.DELETE().build();
            // a quota generous enough that the submits after it are let through
            case "PUT" -> request.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                    path.contains("/quotas/") ? "{\"maxLive\": 1000, \"maxInFlight\": 1000}"
                            // handed to its owner: nothing changes for the requests after it
                            : path.endsWith("/owner") ? "{\"producerId\": \"db-team\"}"
                            : "{\"approvers\": [\"role:admin\"], \"expiresAfter\": \"1d\"}")).build();
            // an update of a request not yet FULFILLED: 409 for whoever may see it
            case "PATCH" -> request.header("Content-Type", "application/merge-patch+json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"parameters\": {\"sizeGb\": 20}}")).build();
            // a decision gives its reason; a submit is a new request each time
            case "POST" -> path.endsWith("/approve") || path.endsWith("/reject")
                    ? request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"authz\"}"))
                            .build()
                    : request.header("Content-Type", "application/json").header("Idempotency-Key", "authz-" + UUID.randomUUID())
                            .POST(HttpRequest.BodyPublishers.ofString(body())).build();
            default -> throw new AssertionError("POLICY has no way to call " + route);
        };
    }

    private static Map<String, Map<Caller, int[]>> policy() {
        List<String> lines = POLICY.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines.get(0).trim().split("\\s+")).as("POLICY header").containsExactly(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("route"), Arrays.stream(Caller.values()).map(Enum::name))
                        .toArray(String[]::new));
        Map<String, Map<Caller, int[]>> policy = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] columns = line.trim().split("\\s+");
            assertThat(columns).as("POLICY line %s", line).hasSize(2 + Caller.values().length);
            Map<Caller, int[]> cells = new LinkedHashMap<>();
            for (Caller caller : Caller.values()) {
                String[] statuses = columns[2 + caller.ordinal()].split("/");
                cells.put(caller, new int[] {Integer.parseInt(statuses[0]), Integer.parseInt(statuses[statuses.length - 1])});
            }
            policy.put(columns[0] + " " + columns[1], cells);
        }
        return policy;
    }

    private Api.Response submit(String token) {
        Api.Response response = api.post("/v1/requests", token, body(), "Idempotency-Key", "authz-" + UUID.randomUUID());
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response;
    }

    private static String body() {
        return "{\"capability\": \"postgres-database\", \"version\": 2, \"parameters\": {\"sizeGb\": 5}}";
    }
}
