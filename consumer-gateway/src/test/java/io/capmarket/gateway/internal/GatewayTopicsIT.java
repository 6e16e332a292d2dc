package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.topics.Mismatch;
import io.capmarket.schemas.topics.ProvisioningReport;
import io.capmarket.schemas.topics.TopicMismatchException;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway provisions only its own topics, and only describes them once they exist. */
@ExtendWith(KafkaBrokerExtension.class)
class GatewayTopicsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaBroker broker;

    GatewayTopicsIT(KafkaBroker broker) {
        this.broker = broker;
    }

    private static Topics fresh(int partitions) {
        return Topics.builder().prefix("gw-" + UUID.randomUUID().toString().substring(0, 8) + ".").partitions(partitions).build();
    }

    @Test
    void onADevelopmentClusterTheMissingTopicsOfTheGatewayAndNoOthersAreCreated() throws Exception {
        Topics topics = fresh(2);
        try (Admin admin = admin()) {
            ProvisioningReport report = GatewayTopics.provision(admin, topics, TIMEOUT);

            List<String> mine = List.of(topics.requests().name(), topics.requestStatus().name(), topics.catalog().name(),
                    topics.scorecard().name(), topics.approvalPolicies().name(), topics.contractOwners().name(), topics.quotas().name(),
                    topics.teamUsage().name());
            assertThat(report.created()).containsExactlyInAnyOrderElementsOf(mine);
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(existing.stream().filter(name -> name.startsWith(topics.prefix())))
                    .as("neither the platform's facts nor any producer's topics")
                    .containsExactlyInAnyOrderElementsOf(mine);
        }
    }

    @Test
    void whenEveryTopicExistsNothingIsCreatedAndADifferentPartitionCountIsRefused() {
        Topics topics = fresh(2);
        try (Admin admin = admin()) {
            GatewayTopics.provision(admin, topics, TIMEOUT);

            ProvisioningReport again = GatewayTopics.provision(admin, topics, TIMEOUT);
            assertThat(again.created()).isEmpty();
            assertThat(again.existing()).hasSize(8);

            Topics other = Topics.builder().prefix(topics.prefix()).partitions(2).partitions(Topics.REQUESTS, 3).build();
            assertThatThrownBy(() -> GatewayTopics.provision(admin, other, TIMEOUT))
                    .isInstanceOf(TopicMismatchException.class)
                    .satisfies(e -> assertThat(((TopicMismatchException) e).mismatches())
                            .containsExactly(new Mismatch(topics.requests().name(), "partitions", "3", "2")));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
