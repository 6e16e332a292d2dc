package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.gateway.internal.Submission;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.Offer;
import io.capmarket.testkit.kafka.EmbeddedKafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole marketplace under a steady submit load while its Kafka broker goes away for several
 * seconds and comes back on the same port with the same data: the real topology, the real gateway
 * and a producer team on the real SDK, and a few clients submitting through the HTTP API.
 *
 * <p>The broker is this test's own {@link EmbeddedKafkaBroker}, not the JVM-wide one that other
 * test classes share (restarting that would disturb them); the schema registry is the shared one.
 * Every answer must be a 202, or a 503 with {@code Retry-After}; every 202 must be readable
 * afterwards and reach FULFILLED; every key answered 503 is submitted again at the end and must
 * then be answered 200 (the first attempt was written after all) or 202, never twice applied.
 *
 * <p>System properties size it: {@code brokerRestart.outage} (default 6s), {@code brokerRestart.restarts}
 * (default 1) and {@code brokerRestart.clients} (default 3); {@code ./capmarket chaos} runs it longer.
 */
@ExtendWith(SchemaRegistryExtension.class)
class BrokerRestartIT {

    private static final Duration OUTAGE = Duration.parse("PT" + System.getProperty("brokerRestart.outage", "6s"));
    private static final int RESTARTS = Integer.getInteger("brokerRestart.restarts", 1);
    private static final int CLIENTS = Integer.getInteger("brokerRestart.clients", 3);
    /** Longer than any answer the gateway may take (its visibility timeout and Kafka's delivery timeout): no answer is a hang. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** A submit's budget, shorter than the outage, so that submits made during it run out of time. */
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SUBMISSION = "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}";

    private final EmbeddedSchemaRegistry registry;
    private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
    private SubmitLoad load;
    /** The requests the SDK's handler fulfilled, and when it ran: more than once for one request when redelivered (at-least-once). */
    private final Set<String> fulfilledByProducer = ConcurrentHashMap.newKeySet();
    private final List<Long> handlerRunsAt = new CopyOnWriteArrayList<>();

    BrokerRestartIT(EmbeddedSchemaRegistry registry) {
        this.registry = registry;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (load != null) {
            load.close();
        }
        broker.close();
    }

    @Test
    void everyAcceptedRequestSurvivesABrokerRestartAndTheOutageAnswers503() throws Exception {
        assertThat(OUTAGE).as("brokerRestart.outage").isPositive();
        assertThat(RESTARTS).as("brokerRestart.restarts").isPositive();
        assertThat(CLIENTS).as("brokerRestart.clients").isPositive();
        assertThat(OUTAGE).as("brokerRestart.outage, longer than a submit's budget").isGreaterThan(VISIBILITY_TIMEOUT);
        Map<String, String> settings = Fixtures.settings(broker, registry, "restart");
        settings.put(GatewayConfig.VISIBILITY_TIMEOUT, VISIBILITY_TIMEOUT.toSeconds() + "s");
        try (TopologyApp topology = TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings));
             GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
             CapmarketProducer producer = CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers())
                     .schemaRegistryUrl(registry.url()).topicPrefix(settings.get("topics.prefix")).producerId("db-team")
                     .heartbeatInterval(Duration.ofSeconds(1))
                     .handler((assignment, context) -> {
                         context.fulfil(Map.of("host", assignment.requestId() + ".db"));
                         fulfilledByProducer.add(assignment.requestId());
                         handlerRunsAt.add(System.nanoTime());
                     }).build()) {
            producer.publish(Offer.builder().offerId("pg-eu").capability("postgres-database")
                    .parameterSchema(Fixtures.PARAMETER_SCHEMA).attribute("region", "eu-west")
                    .capacity(8).leadTime(Duration.ofMinutes(1)).build());
            Api api = new Api(gateway.httpPort());
            await().atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                    && api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).status() == 200);
            long started = System.nanoTime();
            load = new SubmitLoad(api, ALPHA_TOKEN, SUBMISSION, ANSWER_TIMEOUT).start(CLIENTS, "client");
            load.awaitAcceptedAfter(started, 30, WAIT);

            List<long[]> outages = new ArrayList<>();
            for (int restart = 1; restart <= RESTARTS; restart++) {
                long down = System.nanoTime();
                broker.stop();
                // the broker stays away for the outage, and until the clients have tried it
                await().atMost(OUTAGE.plus(WAIT)).pollInterval(Duration.ofMillis(100))
                        .until(() -> System.nanoTime() - down >= OUTAGE.toNanos() && load.sentAfter(down) >= CLIENTS);
                broker.start();
                long up = System.nanoTime();
                outages.add(new long[] {down, up});
                load.awaitAcceptedAfter(up, 30, WAIT);
                // the topology and the SDK pick up again by themselves before the next outage
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> handlerRunsAt.stream().anyMatch(at -> at > up));
            }
            long lastUp = outages.get(outages.size() - 1)[1];
            load.close();
            assertThat(load.failures()).isEmpty();

            List<SubmitLoad.Outcome> outcomes = load.outcomes();
            List<SubmitLoad.Outcome> accepted = load.withStatus(202);
            List<SubmitLoad.Outcome> retryLater = load.withStatus(503);
            List<String> lost = load.acceptedButNotFulfilled("20s");
            List<String> resubmitted = new ArrayList<>();
            for (SubmitLoad.Outcome o : retryLater) {
                Api.Response again = api.post("/v1/requests", ALPHA_TOKEN, SUBMISSION, "Idempotency-Key", o.key());
                String id = Submission.requestId("alpha", o.key());
                Api.Response read = api.get("/v1/requests/" + id + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);
                resubmitted.add(again.status() + " " + (read.status() == 200 ? read.json().get("state").asText() : read.status()));
            }
            long duringOutages = outcomes.stream().filter(o -> outages.stream().anyMatch(w -> o.sentNanos() >= w[0] && o.sentNanos() < w[1]))
                    .count();
            System.out.printf("broker restart: %d restarts of %.1f s (broker down %s s), %d clients, %d submits, %d answered 202, "
                    + "%d answered 503 (%d sent during an outage), other answers %s, %d accepted but not FULFILLED (lost or stuck), longest gap between 202s %.1f s, "
                    + "longest answer %.1f s, 503 keys resubmitted after recovery %s, SDK handler runs %d for %d requests, "
                    + "first fulfilment after each restart at +%s s, took %.1f s%n",
                    RESTARTS, OUTAGE.toMillis() / 1000.0,
                    outages.stream().map(w -> String.format("%.1f", (w[1] - w[0]) / 1e9)).toList(),
                    CLIENTS, outcomes.size(), accepted.size(), retryLater.size(), duringOutages, load.otherAnswers(), lost.size(),
                    load.longestGapBetweenAccepted() / 1e9, outcomes.stream().mapToLong(o -> o.answeredNanos() - o.sentNanos()).max().orElse(0) / 1e9,
                    resubmitted.stream().collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting())),
                    handlerRunsAt.size(), fulfilledByProducer.size(), outages.stream().map(w -> String.format("%.1f",
                            (handlerRunsAt.stream().filter(at -> at > w[1]).min(Long::compare).orElseThrow() - w[1]) / 1e9)).toList(),
                    (System.nanoTime() - started) / 1e9);

            assertThat(load.otherAnswers()).as("every answer is 202, or 503 with Retry-After: never a hang, a 500 or another status")
                    .isEmpty();
            assertThat(outcomes).as("every submit is answered within its budget, plus slack for a loaded machine")
                    .allSatisfy(o -> assertThat(o.took()).isLessThan(VISIBILITY_TIMEOUT.plusSeconds(5)));
            assertThat(retryLater).allSatisfy(o -> {
                assertThat(o.retryAfter()).as("Retry-After of " + o.key()).isPresent();
                assertThat(o.problemType()).isEqualTo("/problems/retry-later");
            });
            assertThat(retryLater).as("requests made during the outage were told to retry later").isNotEmpty();
            assertThat(lost).as("every 202 is readable and FULFILLED afterwards").isEmpty();
            assertThat(resubmitted).as("a key answered 503 is answered 200 or 202 once Kafka is back, and its request fulfilled")
                    .allSatisfy(r -> assertThat(r).matches("(200|202) FULFILLED"));
            assertThat(accepted.stream().filter(o -> o.sentNanos() > lastUp)).as("submits are accepted again after the restart")
                    .isNotEmpty();
            assertThat(topology.ready()).as("the topology recovered without a restart").isTrue();
            assertThat(gateway.ready()).as("the gateway recovered without a restart").isTrue();
        }
    }
}
