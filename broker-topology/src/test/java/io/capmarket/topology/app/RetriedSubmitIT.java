package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A submit retried after the topology restarted is still a duplicate, whether the restarted
 * instance reopened its local state or restored it from the changelogs: each task remembers the
 * requests its stores hold (to skip the store for a new request) from what it finds there at start.
 * Two partitions: a request submitted on the partition of its capability is kept by the engine
 * there; one submitted on the other passes capability-events, and the intake of that partition
 * keeps its index entry, which alone tells a retry there naming a capability of that partition
 * (which its engine would take at once) from a new request.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class RetriedSubmitIT {

    private static final String CAPABILITY = "postgres-database";
    private static final int PARTITIONS = 2;
    private static final int OWNER = CapabilityPartitions.of(CAPABILITY, PARTITIONS);
    /** A capability of the other partition. */
    private static final String OTHER_CAPABILITY = IntStream.range(0, 100).mapToObj(i -> "cache-" + i)
            .filter(name -> CapabilityPartitions.of(name, PARTITIONS) != OWNER).findFirst().orElseThrow();

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    RetriedSubmitIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aSubmitRetriedAfterARestartFromLocalStateOrFromTheChangelogsIsADuplicate() {
        String id = "retried-" + UUID.randomUUID().toString().substring(0, 8);
        int owner = OWNER;
        int other = 1 - owner;
        Topics topics;
        try (LiveTopology first = start(id, "first")) {
            topics = first.topics();
            first.send(topics.heartbeats("db-team"), "it", LiveTopology.heartbeat("db-team"));
            first.send(topics.offers("db-team"), "pg", LiveTopology.offer("pg", "db-team", CAPABILITY, 100));
            first.send(topics.offers("db-team"), "cache", LiveTopology.offer("cache", "db-team", OTHER_CAPABILITY, 100));
            first.awaitCatalogOffer(CAPABILITY, "pg");
            first.awaitCatalogOffer(OTHER_CAPABILITY, "cache");
            first.sendTo(topics.requests(), owner, "kept", LiveTopology.submit("kept", CAPABILITY));
            first.sendTo(topics.requests(), other, "indexed", LiveTopology.submit("indexed", CAPABILITY));
            first.awaitState("kept", RequestState.MATCHED);
            first.awaitState("indexed", RequestState.MATCHED);
        }

        // the same state directory: the stores are reopened as they were left
        retryBoth(id, "first", topics, owner, other, "after-reopen");
        // another state directory: the stores are restored from their changelogs
        retryBoth(id, "second", topics, owner, other, "after-restore");

        try (LiveTopology reader = start(id, "second")) {
            for (String requestId : List.of("kept", "indexed")) {
                assertThat(records(reader, topics.requestStatus(), requestId)).as("statuses of %s", requestId)
                        .singleElement().extracting(RequestStatus::getState).isEqualTo(RequestState.MATCHED);
                assertThat(records(reader, topics.assignments("db-team"), requestId)).as("assignments of %s", requestId)
                        .hasSize(1);
            }
            assertThat(reader.deadLetters()).isEmpty();
        }
    }

    /**
     * A request submitted on the other partition leaves its index entry there; deleted past its
     * retention, its owner tells that partition's task, so that the id submitted there again is a
     * new request, not a duplicate of a request that is gone.
     */
    @Test
    void anIndexEntryGoesWithItsDeletedRequestSoItsIdSubmittedThereAgainIsANewRequest() {
        String id = "forgotten-" + UUID.randomUUID().toString().substring(0, 8);
        int other = 1 - OWNER;
        try (LiveTopology topology = start(id, "only", Map.of("day2.retain-finished", "5s"))) {
            Topics topics = topology.topics();
            topology.send(topics.heartbeats("db-team"), "it", LiveTopology.heartbeat("db-team"));
            topology.send(topics.offers("db-team"), "pg", LiveTopology.offer("pg", "db-team", CAPABILITY, 100));
            topology.awaitCatalogOffer(CAPABILITY, "pg");
            topology.sendTo(topics.requests(), other, "gone", LiveTopology.submit("gone", CAPABILITY));
            topology.awaitState("gone", RequestState.MATCHED);
            topology.sendTo(topics.requests(), other, "gone", new RequestCommand(new CancelRequest("gone",
                    new Requester(RequesterKind.BOT, "cleanup-bot"), Instant.now(), "no longer needed")));
            topology.awaitState("gone", RequestState.CANCELLED);

            // past 5 s, a sweep (every 10 s) deletes it: its status becomes a tombstone
            await().atMost(LiveTopology.WAIT).until(() -> {
                List<RequestStatus> written = records(topology, topics.requestStatus(), "gone");
                return written.get(written.size() - 1) == null;
            });
            // the owner's message to the other partition's task commits with the tombstone, and is read there on its own:
            // a submit read before it is still a duplicate, so the submit is sent again until one is matched
            await().atMost(LiveTopology.WAIT).pollInterval(Duration.ofSeconds(2)).until(() -> {
                topology.sendTo(topics.requests(), other, "gone", LiveTopology.submit("gone", CAPABILITY));
                RequestStatus latest = topology.latest(topics.requestStatus(), "gone");
                return latest != null && latest.getState() == RequestState.MATCHED;
            });
            assertThat(topology.latest(topics.requestStatus(), "gone").getHistory()).extracting(StatusTransition::getState)
                    .as("a new request").containsExactly(RequestState.SUBMITTED, RequestState.MATCHED);
            assertThat(topology.deadLetters()).isEmpty();
        }
    }

    /**
     * Restarts on {@code stateDir}, submits both requests again where they were first submitted
     * ({@code indexed} now naming a capability of that partition), then one new request on each
     * partition, whose match shows that both retries were read.
     */
    private void retryBoth(String id, String stateDir, Topics topics, int owner, int other, String marker) {
        try (LiveTopology restarted = start(id, stateDir)) {
            restarted.sendTo(topics.requests(), owner, "kept", LiveTopology.submit("kept", CAPABILITY));
            restarted.sendTo(topics.requests(), other, "indexed", LiveTopology.submit("indexed", OTHER_CAPABILITY));
            restarted.sendTo(topics.requests(), owner, marker + "-owner", LiveTopology.submit(marker + "-owner", CAPABILITY));
            restarted.sendTo(topics.requests(), other, marker + "-other", LiveTopology.submit(marker + "-other", CAPABILITY));
            restarted.awaitState(marker + "-owner", RequestState.MATCHED);
            restarted.awaitState(marker + "-other", RequestState.MATCHED);
        }
    }

    private LiveTopology start(String id, String stateDir) {
        return start(id, stateDir, Map.of());
    }

    private LiveTopology start(String id, String stateDir, Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.putAll(Map.of(
                "application.id", id,
                "topics.prefix", id + ".",
                "topics.partitions", Integer.toString(PARTITIONS),
                "state.dir", Path.of(System.getProperty("java.io.tmpdir"), id, stateDir).toString(),
                "producers.approved", "db-team=" + CAPABILITY + "," + OTHER_CAPABILITY,
                // the restarts take longer than the defaults give a producer to accept, or its heartbeat to count
                "matching.accept-deadline", "10m",
                "matching.liveness-bound", "10m"));
        return new LiveTopology(broker, registry, id, settings);
    }

    private static <V> List<V> records(LiveTopology topology, Topic<String, V> topic, String key) {
        return topology.readAll(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer()).stream()
                .filter(record -> key.equals(record.key())).map(ConsumerRecord::value).toList();
    }
}
