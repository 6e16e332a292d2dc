package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.capmarket.gateway.RetryLaterException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one instance sends the instance that owns a request, captured by a real HTTP server in its
 * place: the caller's assertion signed with the deployment's secret, never a bearer token; and
 * what it takes back: a bounded answer, with the owner's address kept out of what callers see.
 */
class ForwarderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SUBMIT_WAIT = Duration.ofSeconds(30);
    private static final byte[] SECRET = "the deployment's secret, 32 bytes+".getBytes(StandardCharsets.UTF_8);
    private final Principal alice = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);
    private final InstanceCalls instances = new InstanceCalls(SECRET, "gw", Duration.ofSeconds(30), Clock.systemUTC());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<byte[]> answer = new AtomicReference<>("[]".getBytes(StandardCharsets.UTF_8));
    /** The owner answers once this is released (at once unless a test holds it). */
    private final AtomicReference<CountDownLatch> answerWhen = new AtomicReference<>(new CountDownLatch(0));
    private HttpServer owner;
    private Forwarder forwarder;

    @BeforeEach
    void start() throws Exception {
        owner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        owner.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(),
                    InstanceCalls.pathAndQuery(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery()),
                    Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            try {
                answerWhen.get().await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = answer.get();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        owner.setExecutor(Executors.newCachedThreadPool());
        owner.start();
        forwarder = new Forwarder(TIMEOUT, SUBMIT_WAIT, new Gatekeeper(token -> java.util.Optional.empty(), null, instances,
                new GatewayMetrics(), 1024, new BodyDeadline(TIMEOUT, timer, new GatewayMetrics())));
    }

    @AfterEach
    void stop() {
        answerWhen.get().countDown();
        owner.stop(0);
        timer.shutdownNow();
    }

    /** A call as the owner received it: the path and query still URL-encoded, as on the wire. */
    private record Received(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {

        String assertion() {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(InstanceCalls.HEADER))
                    .map(e -> e.getValue().get(0)).findFirst().orElseThrow();
        }
    }

    private HostInfo ownerHost() {
        return new HostInfo("127.0.0.1", owner.getAddress().getPort());
    }

    @Test
    void aForwardedReadCarriesTheCallersSignedAssertionAndNoToken() {
        List<RequestView> views = forwarder.list(ownerHost(), new ListQuery("alpha", null, null, null, 10), alice, "req-1").join();

        assertThat(views).isEmpty();
        Received call = received.get(0);
        assertThat(call.headers().keySet()).noneMatch(name -> name.equalsIgnoreCase("Authorization"));
        assertThat(call.headers().values()).flatMap(v -> v).noneMatch(value -> value.contains("Bearer"));
        assertThat(instances.verify(call.assertion(), call.method(), call.pathAndQuery(), call::body)).contains(alice);
        assertThat(instances.verify(call.assertion(), call.method(), "/internal/v1/requests?team=beta&limit=10", call::body))
                .as("the read's assertion for another query").isEmpty();
    }

    @Test
    void aForwardedSubmitsAssertionIsBoundToItsBodyAndAQueryIsSignedAsSentEncoded() {
        String body = "{\"capability\": \"postgres-database\", \"note\": \"\u00fcber\"}";
        forwarder.submit(ownerHost(), body, "key-1", alice, "req-5", Map.of()).join();
        forwarder.list(ownerHost(), new ListQuery("a b", null, "x+y&z", null, 10), alice, "req-6").join();

        Received submit = received.get(0);
        assertThat(submit.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(instances.verify(submit.assertion(), "POST", "/internal/v1/requests", submit::body)).contains(alice);
        assertThat(instances.verify(submit.assertion(), "POST", "/internal/v1/requests", () -> "{}".getBytes(StandardCharsets.UTF_8)))
                .as("the submit's assertion for another body").isEmpty();
        Received list = received.get(1);
        assertThat(list.pathAndQuery()).startsWith("/internal/v1/requests?team=a%20b&").contains("&capability=x%2By%26z&");
        assertThat(instances.verify(list.assertion(), "GET", list.pathAndQuery(), list::body)).contains(alice);
    }

    @Test
    void anAnswerOverTheBoundIsRefusedAndTheOwnersAddressIsNotShown() {
        answer.set(new byte[Forwarder.MAX_ANSWER_BYTES + 1]);

        assertThatThrownBy(() -> forwarder.list(ownerHost(), new ListQuery("alpha", null, null, null, 10), alice, "req-2").join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(RetryLaterException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("127.0.0.1").doesNotContain(":" + owner.getAddress().getPort()));
    }

    @Test
    void aForwardedSubmitWaitsAsLongAsTheOwnerWaitsForKafkaWhereAReadGivesUpAfterTheTimeout() {
        CountDownLatch owners = new CountDownLatch(1);
        answerWhen.set(owners);
        answer.set("{}".getBytes(StandardCharsets.UTF_8));

        CompletableFuture<Forwarder.Relayed> submit = forwarder.submit(ownerHost(), "{}", "key-1", alice, "req-3", Map.of());
        CompletableFuture<List<RequestView>> list = forwarder.list(ownerHost(), new ListQuery("alpha", null, null, null, 10), alice,
                "req-4");

        // past the forwarding timeout the read has given up; the submit still waits for the owner's answer
        await().atMost(TIMEOUT.multipliedBy(10)).until(list::isDone);
        assertThat(list).isCompletedExceptionally();
        await().during(TIMEOUT.multipliedBy(2)).atMost(TIMEOUT.multipliedBy(4)).until(() -> !submit.isDone());
        owners.countDown();
        assertThat(submit.join().status()).isEqualTo(200);
    }
}
