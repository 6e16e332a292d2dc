package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The submits the starting tasks of the views read back from {@code requests}, on a real broker and
 * registry: each task holds those of its own partition, one whose status its store has already is
 * released, and the tasks of one start read each record once.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class PendingSubmitsIT {

    /** A store that may hold any request id: every read reads it. */
    private static final Predicate<String> ANY_ID = id -> true;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int STATUS_PARTITIONS = 2;

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    PendingSubmitsIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void theTasksOfOneStartEachHoldTheirOwnPartitionsSubmitsAndReadEachRecordOnce() throws Exception {
        Topics topics = Topics.builder().prefix("pending-" + UUID.randomUUID().toString().substring(0, 8) + ".")
                .serdeConfig(Map.of("schema.registry.url", registry.url())).build();
        Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topics.requests().name(), 3, (short) 1),
                    new NewTopic(topics.requestStatus().name(), STATUS_PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        List<String> first = List.of(idIn(0), idIn(0), idIn(1), idIn(1), idIn(1));
        write(topics, first);

        LocalViews views = new LocalViews(partitions -> { }, partition -> OptionalLong.empty(), Runnable::run, System::nanoTime);
        KeyValueStore<String, RequestStatus> store0 = store(topics);
        KeyValueStore<String, RequestStatus> store1 = store(topics);
        views.opened(0, store0, ANY_ID, UnaryOperator.identity());
        views.opened(1, store1, ANY_ID, UnaryOperator.identity());
        // the topology's status of one of them reached the views before the task loaded
        store1.put(first.get(2), RequestViews.submitted(submit(first.get(2))));
        AcceptedRequests accepted = new AcceptedRequests(System::nanoTime);

        try (PendingSubmits pending = new PendingSubmits(topics.requests(), topics.requestStatus().name(),
                "no-topology-" + UUID.randomUUID(), client, TIMEOUT, accepted, Clock.systemUTC())) {
            pending.load(Map.of(0, views.view(0)));

            assertThat(ids(accepted, 0)).containsExactlyInAnyOrder(first.get(0), first.get(1));
            assertThat(ids(accepted, 1)).as("the other partition's task has not loaded").isEmpty();
            assertThat(pending.recordsRead()).isEqualTo(first.size());

            String later = idIn(1);
            write(topics, List.of(later));
            pending.load(Map.of(1, views.view(1)));

            assertThat(ids(accepted, 1)).as("its own, but the one its store has")
                    .containsExactlyInAnyOrder(first.get(3), first.get(4), later);
            assertThat(pending.recordsRead()).as("the second task read on from where the first stopped").isEqualTo(first.size() + 1);
        }
    }

    private static List<String> ids(AcceptedRequests accepted, int partition) {
        return accepted.all(served -> served == partition).stream().map(RequestStatus::getRequestId).toList();
    }

    /** A request id whose views live in {@code partition} (Kafka's partitioning of {@code request-status}). */
    private static String idIn(int partition) {
        while (true) {
            String id = UUID.randomUUID().toString();
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % STATUS_PARTITIONS == partition) {
                return id;
            }
        }
    }

    /**
     * Submits as the gateway writes them, keyed by request id on a partition of {@code requests}
     * that is not their views' (that one is their capability's): spread over all three.
     */
    private void write(Topics topics, List<String> ids) throws Exception {
        try (KafkaProducer<String, RequestCommand> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                topics.requests().keySerde().serializer(), topics.requests().valueSerde().serializer())) {
            for (int i = 0; i < ids.size(); i++) {
                producer.send(new ProducerRecord<>(topics.requests().name(), i % 3, ids.get(i), new RequestCommand(submit(ids.get(i)))))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static SubmitRequest submit(String id) {
        return SubmitRequest.newBuilder().setRequestId(id).setConsumerTeam("alpha").setRequestedBy(new Requester(RequesterKind.BOT, "ci"))
                .setCapability("postgres-database").setCapabilityVersion(1).setParameters("{\"sizeGb\":1}").setConstraints(Map.of())
                .setPreferences(Map.of()).setPriority(Priority.LOW).setSubmittedAt(Instant.now()).build();
    }

    private static KeyValueStore<String, RequestStatus> store(Topics topics) {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, RequestStatus> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(GatewayTopology.REQUEST_VIEWS), Serdes.String(), topics.requestStatus().valueSerde())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
