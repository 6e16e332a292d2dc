package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls between instances as they go over the wire: a {@link Forwarder} calling the gateway's own
 * HTTP server, whose {@link Gatekeeper} admits each call for the caller its assertion names only
 * when the assertion was made for that very call, the path and query as encoded on the wire.
 */
class GatekeeperTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_BODY = 4096;
    private static final byte[] SECRET = "the deployment's secret, 32 bytes+".getBytes(StandardCharsets.UTF_8);
    private final Principal alice = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);
    private final InstanceCalls instances = new InstanceCalls(SECRET, "gw", Duration.ofSeconds(30), Clock.systemUTC());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final BodyDeadline deadline = new BodyDeadline(TIMEOUT, timer, metrics);
    private final Gatekeeper gate = new Gatekeeper(token -> java.util.Optional.empty(), null, instances, metrics, MAX_BODY, deadline);
    /** Who each admitted call acted for, and the request id its path named. */
    private final List<String> admitted = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer server;

    @BeforeEach
    void start() {
        List<Route> routes = List.of(
                Route.get(Forwarder.INTERNAL_REQUESTS + "/{id}", Route.Access.INSTANCE, ctx -> {
                    admitted.add(HttpInput.principal(ctx, Principal.Role.CONSUMER).name() + " read " + ctx.pathParam("id"));
                    ctx.status(404);
                }),
                Route.get(Forwarder.INTERNAL_REQUESTS, Route.Access.INSTANCE, ctx -> {
                    admitted.add(HttpInput.principal(ctx, Principal.Role.CONSUMER).name() + " listed " + ctx.queryParam("capability"));
                    ctx.result("[]");
                }),
                // the handler reads the body the gatekeeper has read already
                Route.post(Forwarder.INTERNAL_REQUESTS, Route.Access.INSTANCE, ctx -> {
                    admitted.add(HttpInput.principal(ctx, Principal.Role.CONSUMER).name() + " submitted");
                    ctx.result(HttpInput.jsonBody(ctx, MAX_BODY, deadline).toString());
                }));
        server = HttpServer.start("127.0.0.1", 0, routes, gate, metrics, MAX_BODY, Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() {
        server.close();
        timer.shutdownNow();
    }

    @Test
    void forwardedReadsListsAndSubmitsAreAdmittedAsSentWhateverTheirIdsAndQueriesHoldToBeEncoded() {
        Forwarder forwarder = new Forwarder(TIMEOUT, TIMEOUT, gate);
        HostInfo owner = new HostInfo("127.0.0.1", server.port());
        String body = "{\"capability\":\"postgres-database\",\"note\":\"\u00fcber & more\"}";

        assertThat(forwarder.read(owner, "an id+\u00fc", ReadCondition.now(), alice, "req-1").join()).isEmpty();
        assertThat(forwarder.list(owner, new ListQuery("a b", null, "x+y&z=\u00fc", "after/1", 10), alice, "req-2").join()).isEmpty();
        Forwarder.Relayed submitted = forwarder.submit(owner, body, null, alice, "req-3", Map.of()).join();

        assertThat(submitted.status()).isEqualTo(200);
        assertThat(submitted.body()).isEqualTo(body);
        assertThat(admitted).containsExactly("alice read an id+\u00fc", "alice listed x+y&z=\u00fc", "alice submitted");
    }

    @Test
    void aReadsAssertionReplayedForASubmitAnotherQueryOrAnotherBodyIsRefused() throws Exception {
        String list = Forwarder.INTERNAL_REQUESTS + "?team=alpha&limit=10";
        String read = instances.sign(alice, "GET", list, new byte[0]);
        byte[] body = "{\"capability\":\"postgres-database\"}".getBytes(StandardCharsets.UTF_8);
        String submit = instances.sign(alice, "POST", Forwarder.INTERNAL_REQUESTS, body);

        assertThat(call("GET", list, read, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(call("POST", Forwarder.INTERNAL_REQUESTS, read, body).statusCode()).isEqualTo(401);
        assertThat(call("GET", Forwarder.INTERNAL_REQUESTS + "?team=beta&limit=10", read, new byte[0]).statusCode()).isEqualTo(401);
        assertThat(call("POST", Forwarder.INTERNAL_REQUESTS, submit, "{\"capability\":\"other\"}".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(401);
        assertThat(call("POST", Forwarder.INTERNAL_REQUESTS, submit, body).statusCode()).isEqualTo(200);
        assertThat(admitted).containsExactly("alice listed null", "alice submitted");
    }

    private HttpResponse<String> call(String method, String pathAndQuery, String assertion, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .header(InstanceCalls.HEADER, assertion).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
