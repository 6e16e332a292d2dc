package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Onboarding on a cluster that does not authenticate: topics, schemas and approval, no credential, no ACL. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class OnboardingIT {

    private final KafkaBroker kafka;
    private final EmbeddedSchemaRegistry registry;
    private final Topics topics;

    OnboardingIT(KafkaBroker kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
        this.topics = Topics.builder().prefix("plain-" + UUID.randomUUID().toString().substring(0, 6) + ".").partitions(1)
                .serdeConfig(Map.of("schema.registry.url", registry.url())).build();
    }

    @Test
    void aTeamsTopicIsPartitionedLikeTheGatewaysRequests() throws Exception {
        try (Onboarding onboarding = Onboarding.builder(topics, kafka.adminClientConfig()).build();
             Admin admin = Admin.create(kafka.adminClientConfig())) {
            admin.createTopics(List.of(new NewTopic(topics.requests().name(), 3, (short) 1))).all().get();

            onboarding.onboardTeam("checkout", "alice");

            String team = topics.teamRequests("checkout").name();
            assertThat(topics.teamRequests("checkout").spec().partitions()).as("the catalogue's own default").isEqualTo(1);
            assertThat(admin.describeTopics(List.of(team)).allTopicNames().get().get(team).partitions())
                    .as("a cancel through the gateway must reach the task that holds a bot's request").hasSize(3);
        }
    }

    @Test
    void withoutSaslItCreatesTopicsSchemasAndTheApprovalButNoCredential() throws Exception {
        try (Onboarding onboarding = Onboarding.builder(topics, kafka.adminClientConfig()).build();
             Admin admin = Admin.create(kafka.adminClientConfig())) {
            assertThat(onboarding.authenticating()).isFalse();

            Onboarded onboarded = onboarding.onboardProducer("db-team", List.of("postgres-database"), "alice");

            assertThat(onboarded.credentialIssued()).isFalse();
            assertThat(onboarded.acls()).isEmpty();
            assertThat(onboarded.approval()).hasValueSatisfying(approval -> assertThat(approval.getApprovedBy()).isEqualTo("alice"));
            assertThat(onboarded.topics()).containsExactlyElementsOf(topics.producerTopics("db-team").stream().map(Topic::name).toList());
            assertThat(admin.listTopics().names().get()).containsAll(onboarded.topics());
            ConfigResource approvals = new ConfigResource(ConfigResource.Type.TOPIC, topics.producers().name());
            assertThat(admin.describeConfigs(List.of(approvals)).all().get().get(approvals).get("cleanup.policy").value())
                    .as("the approvals topic is created compacted, not auto-created by the first approval").isEqualTo("compact");
            assertThat(onboarded.clientSettings().asMap()).containsOnlyKeys("bootstrap.servers", "schema.registry.url",
                    "auto.register.schemas");
            assertThat(onboarded.clientSettings().get("auto.register.schemas")).contains("false");

            SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.of(registry.url()));
            assertThat(client.lookup(topics.offers("db-team").name() + "-value", CapabilityOffer.getClassSchema()).id()).isPositive();
            assertThat(client.lookup(topics.heartbeats("db-team").name() + "-value", ProducerHeartbeat.getClassSchema()).id()).isPositive();
            assertThat(client.lookup(topics.fulfilment("db-team").name() + "-value", FulfilmentEvent.getClassSchema()).id()).isPositive();

            Onboarded bots = onboarding.onboardTeam("payments", "alice");
            assertThat(bots.topics()).containsExactly(topics.teamRequests("payments").name());
            assertThat(client.lookup(topics.teamRequests("payments").name() + "-value", RequestCommand.getClassSchema()).id())
                    .isPositive();

            Offboarded offboarded = onboarding.offboardProducer("db-team", "alice", false);
            assertThat(offboarded.approvalRevoked()).isTrue();
            assertThat(offboarded.aclsDeleted()).isZero();
            assertThat(offboarded.credentialDeleted()).isFalse();
            assertThat(admin.listTopics().names().get()).containsAll(onboarded.topics());
        }
    }

    @Test
    void theFlagSaysWhetherCredentialsAreIssuedNotAFailure() {
        try (Onboarding onboarding = Onboarding.builder(topics, Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "security.protocol", "PLAINTEXT")).build()) {
            assertThat(onboarding.authenticating()).isFalse();
        }
        try (Onboarding forced = Onboarding.builder(topics, kafka.adminClientConfig()).authenticating(false).build()) {
            assertThat(forced.authenticating()).isFalse();
        }
    }

    @Test
    void badArgumentsChangeNothingAndNameTheRule() {
        try (Onboarding onboarding = Onboarding.builder(topics, kafka.adminClientConfig()).build()) {
            assertThatThrownBy(() -> onboarding.onboardProducer("db.team", List.of("postgres-database"), "alice"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("producerId").hasMessageContaining("'db.team'");
            assertThatThrownBy(() -> onboarding.onboardProducer("db-team", List.of("Postgres"), "alice"))
                    .hasMessageContaining("kebab-case");
            assertThatThrownBy(() -> onboarding.onboardTeam("pay ments", "alice")).hasMessageContaining("team");
            assertThatThrownBy(() -> onboarding.onboardPlatform(onboarding.policy().producer("db-team")))
                    .hasMessageContaining("must be the topology's or the gateway's");
        }
        assertThatThrownBy(() -> Onboarding.builder(Topics.defaults(), kafka.adminClientConfig()).build())
                .hasMessageContaining("needs the admin's schema registry");
        assertThatThrownBy(() -> Onboarding.builder(topics, kafka.adminClientConfig())
                .policy(AccessPolicy.of(Topics.builder().prefix("other.").build())))
                .hasMessageContaining("topic prefix 'other.' must be the catalogue's");
    }
}
