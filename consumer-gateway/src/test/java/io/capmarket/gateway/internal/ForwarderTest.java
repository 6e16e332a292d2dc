package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.capmarket.gateway.RetryLaterException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private static final byte[] SECRET = "the deployment's secret, 32 bytes+".getBytes(StandardCharsets.UTF_8);
    private final Principal alice = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);
    private final InstanceCalls instances = new InstanceCalls(SECRET, "gw", Duration.ofSeconds(30), Clock.systemUTC());
    private final List<Map<String, List<String>>> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<byte[]> answer = new AtomicReference<>("[]".getBytes(StandardCharsets.UTF_8));
    private HttpServer owner;
    private Forwarder forwarder;

    @BeforeEach
    void start() throws Exception {
        owner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        owner.createContext("/", exchange -> {
            received.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] body = answer.get();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        owner.start();
        forwarder = new Forwarder(Duration.ofSeconds(5), new Gatekeeper(token -> java.util.Optional.empty(), null, instances,
                new GatewayMetrics()));
    }

    @AfterEach
    void stop() {
        owner.stop(0);
    }

    private HostInfo ownerHost() {
        return new HostInfo("127.0.0.1", owner.getAddress().getPort());
    }

    @Test
    void aForwardedReadCarriesTheCallersSignedAssertionAndNoToken() {
        List<RequestView> views = forwarder.list(ownerHost(), new ListQuery("alpha", null, null, null, 10), alice, "req-1").join();

        assertThat(views).isEmpty();
        Map<String, List<String>> headers = received.get(0);
        assertThat(headers.keySet()).noneMatch(name -> name.equalsIgnoreCase("Authorization"));
        assertThat(headers.values()).flatMap(v -> v).noneMatch(value -> value.contains("Bearer"));
        String assertion = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(InstanceCalls.HEADER))
                .map(e -> e.getValue().get(0)).findFirst().orElseThrow();
        assertThat(instances.verify(assertion)).contains(alice);
    }

    @Test
    void anAnswerOverTheBoundIsRefusedAndTheOwnersAddressIsNotShown() {
        answer.set(new byte[Forwarder.MAX_ANSWER_BYTES + 1]);

        assertThatThrownBy(() -> forwarder.list(ownerHost(), new ListQuery("alpha", null, null, null, 10), alice, "req-2").join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(RetryLaterException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("127.0.0.1").doesNotContain(":" + owner.getAddress().getPort()));
    }
}
