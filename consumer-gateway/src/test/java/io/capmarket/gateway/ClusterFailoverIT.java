package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.Offer;
import io.capmarket.testkit.kafka.KafkaCluster;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole marketplace on a replicated cluster of three KRaft nodes, each in its own JVM
 * ({@link KafkaCluster}: replication factor 3, {@code min.insync.replicas=2}), under a steady
 * submit load, while first the node leading the gateway's requests partition and then the active
 * controller are killed with {@code SIGKILL} (each started again before the next kill). The real
 * topology (exactly-once), the real gateway and a producer team on the real SDK.
 *
 * <p>Reports what an operator asks after losing a broker: how many submits were accepted, lost
 * (accepted but never fulfilled: must be 0), duplicated (a request assigned to the producer more
 * than once in committed records: must be 0), answered 5xx other than a 503 with
 * {@code Retry-After} (must be 0), and how long after each kill a request submitted after it was
 * fulfilled.
 *
 * <p>System properties size it: {@code clusterFailover.clients} (default 2) and
 * {@code clusterFailover.rounds} (default 1: one leader kill, one controller kill);
 * {@code ./capmarket chaos} runs it bigger.
 */
@ExtendWith(SchemaRegistryExtension.class)
class ClusterFailoverIT {

    private static final int CLIENTS = Integer.getInteger("clusterFailover.clients", 2);
    private static final int ROUNDS = Integer.getInteger("clusterFailover.rounds", 1);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SUBMISSION = "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}";

    private final EmbeddedSchemaRegistry registry;
    /** When the SDK's handler first ran for each request, and how often it ran in all (redeliveries count). */
    private final Map<String, Long> firstFulfilment = new ConcurrentHashMap<>();
    private final AtomicInteger handlerRuns = new AtomicInteger();

    ClusterFailoverIT(EmbeddedSchemaRegistry registry) {
        this.registry = registry;
    }

    /** One kill: of which node, in which role, when, and when it ran again. */
    private record Kill(String role, int node, long killedNanos, long restartedNanos) {
    }

    @Test
    void noAcceptedRequestIsLostOrDuplicatedWhenALeaderAndTheControllerDie() throws Exception {
        assertThat(CLIENTS).as("clusterFailover.clients").isPositive();
        assertThat(ROUNDS).as("clusterFailover.rounds").isPositive();
        long began = System.nanoTime();
        try (KafkaCluster cluster = KafkaCluster.start(3, WAIT)) {
            long clusterUp = System.nanoTime();
            Map<String, String> settings = Fixtures.settings(cluster, registry, "cluster");
            settings.put(GatewayConfig.TOPICS_REPLICATION_FACTOR, "3");
            Topics topics = Fixtures.topics(settings);
            try (TopologyApp topology = TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings));
                 GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
                 CapmarketProducer producer = CapmarketProducer.builder().bootstrapServers(cluster.bootstrapServers())
                         .schemaRegistryUrl(registry.url()).topicPrefix(settings.get("topics.prefix")).producerId("db-team")
                         .heartbeatInterval(Duration.ofSeconds(1))
                         .handler((assignment, context) -> {
                             context.fulfil(Map.of("host", assignment.requestId() + ".db"));
                             handlerRuns.incrementAndGet();
                             firstFulfilment.putIfAbsent(assignment.requestId(), System.nanoTime());
                         }).build();
                 SubmitLoad load = new SubmitLoad(new Api(gateway.httpPort()), ALPHA_TOKEN, SUBMISSION, ANSWER_TIMEOUT)) {
                producer.publish(Offer.builder().offerId("pg-eu").capability("postgres-database")
                        .parameterSchema(Fixtures.PARAMETER_SCHEMA).attribute("region", "eu-west")
                        .capacity(100_000).leadTime(Duration.ofMinutes(1)).build());
                Api api = new Api(gateway.httpPort());
                await().atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                        && api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).status() == 200);
                long loadStarted = System.nanoTime();
                load.start(CLIENTS, "client");
                load.awaitAcceptedAfter(loadStarted, 20, WAIT);

                List<Kill> kills = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    kills.add(killAndRestart(cluster, load, "leader of " + topics.requests().name() + "-0",
                            cluster.leaderOf(topics.requests().name(), 0)));
                    kills.add(killAndRestart(cluster, load, "active controller", cluster.activeController()));
                }
                load.close();
                assertThat(load.failures()).isEmpty();

                List<SubmitLoad.Outcome> accepted = load.withStatus(202);
                List<SubmitLoad.Outcome> retryLater = load.withStatus(503);
                List<String> lost = load.acceptedButNotFulfilled("20s");
                Assignments assignments = assignments(cluster, topics);
                System.out.printf("cluster failover: 3 nodes (replication 3, min.insync.replicas 2), %d clients, cluster up in %.1f s; "
                                + "%s; %d submits, %d answered 202, %d answered 503 (all with Retry-After: %b), other answers %s, "
                                + "%d accepted but not FULFILLED (lost), %d attempts assigned more than once (duplicated), "
                                + "%d requests given more than one instruction %s, "
                                + "SDK handler runs %d for %d requests, longest gap between 202s %.1f s, took %.1f s%n",
                        CLIENTS, (clusterUp - began) / 1e9, kills.stream().map(k -> describe(k, load.outcomes())).toList(),
                        load.outcomes().size(), accepted.size(), retryLater.size(),
                        retryLater.stream().allMatch(o -> o.retryAfter().isPresent()), load.otherAnswers(), lost.size(),
                        assignments.duplicated().size(), assignments.reassigned().size(),
                        assignments.reassigned().values().stream().distinct().limit(3).toList(), handlerRuns.get(),
                        firstFulfilment.size(), load.longestGapBetweenAccepted() / 1e9,
                        (System.nanoTime() - began) / 1e9);

                assertThat(load.otherAnswers()).as("every answer is 202, or 503 with Retry-After: no 5xx, no hang").isEmpty();
                assertThat(retryLater).allSatisfy(o -> assertThat(o.retryAfter()).as("Retry-After of " + o.key()).isPresent());
                assertThat(lost).as("every 202 is FULFILLED afterwards").isEmpty();
                assertThat(assignments.duplicated()).as("no attempt of a request is assigned twice").isEmpty();
                for (Kill kill : kills) {
                    assertThat(resumedAfter(kill, load.outcomes())).as("a request submitted after the kill of the " + kill.role()
                            + " was fulfilled").isPresent();
                }
                assertThat(topology.ready()).as("the topology recovered without a restart").isTrue();
                assertThat(gateway.ready()).as("the gateway recovered without a restart").isTrue();
            }
        }
    }

    /** Kills the node, waits until submits are accepted and fulfilled again without it, then starts it again. */
    private Kill killAndRestart(KafkaCluster cluster, SubmitLoad load, String role, int node) {
        long killed = System.nanoTime();
        cluster.kill(node);
        load.awaitAcceptedAfter(killed, 10, WAIT);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> resumedAfter(
                new Kill(role, node, killed, killed), load.outcomes()).isPresent());
        cluster.restart(node);
        long restarted = System.nanoTime();
        load.awaitAcceptedAfter(restarted, 10, WAIT);
        return new Kill(role, node, killed, restarted);
    }

    /** How long after the kill the first request submitted after it was fulfilled by the producer. */
    private Optional<Duration> resumedAfter(Kill kill, List<SubmitLoad.Outcome> outcomes) {
        return outcomes.stream().filter(o -> o.status() == 202 && o.sentNanos() > kill.killedNanos())
                .map(o -> firstFulfilment.get(requestId(o)))
                .filter(at -> at != null)
                .min(Long::compare)
                .map(at -> Duration.ofNanos(at - kill.killedNanos()));
    }

    private String describe(Kill kill, List<SubmitLoad.Outcome> outcomes) {
        return String.format("killed node %d (%s): fulfilments resumed after %.1f s, node back after %.1f s", kill.node(), kill.role(),
                resumedAfter(kill, outcomes).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN),
                (kill.restartedNanos() - kill.killedNanos()) / 1e9);
    }

    private static String requestId(SubmitLoad.Outcome accepted) {
        String location = accepted.location().orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /**
     * The assignments written to the producer, counted as the SDK sees them: FULFIL instructions
     * by request and attempt. One attempt assigned twice is a duplicate. A later attempt of the
     * same request is not: a producer that could not accept within {@code matching.accept-deadline}
     * while a broker was down is told to CANCEL the attempt, and the request is matched again.
     */
    private static Assignments assignments(KafkaCluster cluster, Topics topics) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Integer> byAttempt = new HashMap<>();
        Map<String, List<String>> byRequest = new HashMap<>();
        Topic<String, Assignment> topic = topics.assignments("db-team");
        try (KafkaConsumer<String, Assignment> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, Assignment> record : consumer.poll(Duration.ofMillis(200))) {
                    Assignment assignment = record.value();
                    byRequest.computeIfAbsent(record.key(), k -> new ArrayList<>())
                            .add(assignment.getAction() + "#" + assignment.getAttempt());
                    if (assignment.getAction() == AssignmentAction.FULFIL) {
                        byAttempt.merge(record.key() + " attempt " + assignment.getAttempt(), 1, Integer::sum);
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        byAttempt.values().removeIf(n -> n < 2);
        byRequest.values().removeIf(instructions -> instructions.size() < 2);
        return new Assignments(byAttempt, byRequest);
    }

    /**
     * @param duplicated attempts assigned more than once, with how often
     * @param reassigned requests with more than one instruction, with them in order ({@code FULFIL#1, CANCEL#1, FULFIL#2})
     */
    private record Assignments(Map<String, Integer> duplicated, Map<String, List<String>> reassigned) {
    }
}
