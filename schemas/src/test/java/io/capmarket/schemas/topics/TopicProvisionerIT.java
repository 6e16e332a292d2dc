package io.capmarket.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TopicProvisionerIT {

    private final Admin admin;
    private Topics topics;
    private TopicProvisioner provisioner;

    TopicProvisionerIT(KafkaBroker broker) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @BeforeEach
    void freshPrefix() {
        topics = Topics.builder().prefix("prov-" + UUID.randomUUID().toString().substring(0, 8) + ".").partitions(3).build();
        provisioner = new TopicProvisioner(admin, Duration.ofSeconds(30));
    }

    @AfterEach
    void closeAdmin() {
        admin.close(Duration.ofSeconds(5));
    }

    @Test
    void createsMissingTopicsWithTheirCleanupPolicyAndPartitions() throws Exception {
        ProvisioningReport report = provisioner.ensure(topics.sharedSpecs());

        assertThat(report.created()).containsExactlyInAnyOrderElementsOf(topics.shared().stream().map(Topic::name).toList());
        assertThat(report.ok()).isTrue();
        String status = topics.requestStatus().name();
        assertThat(admin.describeTopics(List.of(status)).allTopicNames().get().get(status).partitions()).hasSize(3);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, status);
        assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                .isEqualTo("compact");
    }

    @Test
    void aSecondRunFindsEverythingInPlace() {
        provisioner.ensure(topics.sharedSpecs());

        ProvisioningReport again = provisioner.ensure(topics.sharedSpecs());

        assertThat(again.created()).isEmpty();
        assertThat(again.existing()).hasSize(topics.shared().size());
        assertThat(again.mismatches()).isEmpty();
    }

    @Test
    void anExistingTopicWithTheWrongSetupIsReportedNotAltered() throws Exception {
        String status = topics.requestStatus().name();
        admin.createTopics(List.of(new NewTopic(status, Optional.of(1), Optional.empty())
                .configs(Map.of("cleanup.policy", "delete")))).all().get();

        assertThatThrownBy(() -> provisioner.ensure(topics.sharedSpecs()))
                .isInstanceOfSatisfying(TopicMismatchException.class, e -> assertThat(e.mismatches()).containsExactlyInAnyOrder(
                        new Mismatch(status, "partitions", "3", "1"),
                        new Mismatch(status, "cleanup.policy", "compact", "delete")))
                .hasMessageContaining("topic " + status + ": cleanup.policy is delete, expected compact");
        assertThat(admin.describeTopics(List.of(status)).allTopicNames().get().get(status).partitions()).hasSize(1);
        assertThat(admin.listTopics().names().get()).contains(topics.catalog().name());
    }

    @Test
    void assignmentsTopicsAreProvisionedPerProducer() {
        ProvisioningReport report = provisioner.ensure(List.of(topics.assignments("db-team").spec()));

        assertThat(report.created()).containsExactly(topics.prefix() + "producer.db-team.assignments");
    }
}
