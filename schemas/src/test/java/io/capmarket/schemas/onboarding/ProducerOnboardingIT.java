package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.topics.TopicMismatchException;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Onboarding against a real broker and the embedded registry. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class ProducerOnboardingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private Admin admin;
    private Topics topics;
    private ProducerOnboarding onboarding;

    ProducerOnboardingIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeEach
    void freshCatalogue() {
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        topics = Topics.builder()
                .prefix("onb-" + UUID.randomUUID().toString().substring(0, 8) + ".")
                .partitions(2)
                .serdeConfig(Map.of("schema.registry.url", registry.url()))
                .build();
        onboarding = ProducerOnboarding.create(topics, Map.of("bootstrap.servers", broker.bootstrapServers()), TIMEOUT);
    }

    @AfterEach
    void close() {
        onboarding.close();
        admin.close(Duration.ofSeconds(5));
    }

    @Test
    void approvingCreatesTheAssignmentsTopicThenPublishesTheApproval() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        ProducerApproval published = onboarding.approve("db-team", List.of("postgres-database", "kafka-topic"), "alice");

        String assignments = topics.assignments("db-team").name();
        assertThat(assignments).isEqualTo(topics.prefix() + "producer.db-team.assignments");
        assertThat(admin.describeTopics(List.of(assignments)).allTopicNames().get().get(assignments).partitions()).hasSize(2);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, assignments);
        assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                .isEqualTo("delete");
        List<ConsumerRecord<String, ProducerApproval>> records = readProducers(1);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("db-team");
            assertThat(record.value()).isEqualTo(published);
            assertThat(record.value().getCapabilities()).containsExactly("postgres-database", "kafka-topic");
            assertThat(record.value().getApprovedBy()).isEqualTo("alice");
            assertThat(record.value().getAt()).isAfterOrEqualTo(before);
        });
    }

    @Test
    void approvingAgainIsHarmlessAndRevokingWritesATombstoneNamingWhoRevoked() {
        onboarding.approve("ci-team", List.of("*"), "alice");
        onboarding.approve("ci-team", List.of("*"), "alice");

        onboarding.revoke("ci-team", "bob");

        List<ConsumerRecord<String, ProducerApproval>> records = readProducers(3);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("ci-team", "ci-team", "ci-team");
        ConsumerRecord<String, ProducerApproval> tombstone = records.get(2);
        assertThat(tombstone.value()).isNull();
        assertThat(new String(tombstone.headers().lastHeader(ProducerOnboarding.REVOKED_BY_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("bob");
    }

    @Test
    void badNamesChangeNothing() throws Exception {
        provisionProducersTopic();

        assertThatThrownBy(() -> onboarding.approve("db team", List.of("postgres-database"), "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 'db team'");
        assertThatThrownBy(() -> onboarding.approve("db-team", List.of("Postgres"), "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 'Postgres'");
        assertThatThrownBy(() -> onboarding.approve("db-team", List.of("postgres-database"), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("approvedBy must name who acts");

        assertThat(admin.listTopics().names().get()).doesNotContain(topics.assignments("db-team").name());
        assertThat(producersEndOffset()).isZero();
    }

    @Test
    void anAssignmentsTopicWithAnotherSetupStopsTheApproval() throws Exception {
        provisionProducersTopic();
        String assignments = topics.assignments("net-team").name();
        admin.createTopics(List.of(new NewTopic(assignments, Optional.of(1), Optional.empty())
                .configs(Map.of("cleanup.policy", "compact")))).all().get();

        assertThatThrownBy(() -> onboarding.approve("net-team", List.of("vpn-tunnel"), "alice"))
                .isInstanceOf(TopicMismatchException.class)
                .hasMessageContaining("topic " + assignments + ": cleanup.policy is compact, expected delete");

        assertThat(producersEndOffset()).isZero();
    }

    private void provisionProducersTopic() {
        new TopicProvisioner(admin, TIMEOUT).ensure(List.of(topics.producers().spec()));
    }

    private long producersEndOffset() throws Exception {
        long total = 0;
        for (int p = 0; p < topics.producers().spec().partitions(); p++) {
            TopicPartition tp = new TopicPartition(topics.producers().name(), p);
            total += admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        }
        return total;
    }

    private List<ConsumerRecord<String, ProducerApproval>> readProducers(int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "onboarding-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, ProducerApproval>> records = new ArrayList<>();
        try (KafkaConsumer<String, ProducerApproval> consumer = new KafkaConsumer<>(config,
                topics.producers().keySerde().deserializer(), topics.producers().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.producers().name()));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
