package io.capmarket.schemas.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private final Topics topics = Topics.defaults();
    private final AccessPolicy policy = AccessPolicy.of(topics);

    /** The matrix as the README shows it: changing a principal's rights must change this text consciously. */
    @Test
    void theMatrixIsPinned() {
        assertThat(policy.markdownMatrix()).isEqualTo("""
                | principal | resource | pattern | name | operations |
                |---|---|---|---|---|
                | `User:admin` | every resource | | | all (super user, `super.users`; no ACL needed) |
                | `User:capmarket-topology` | topic | prefixed | `capmarket.producer.` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | prefixed | `capmarket.team.` | READ |
                | `User:capmarket-topology` | topic | literal | `capmarket.requests` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.approval-policies` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.contract-owners` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.quotas` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.producers` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.producer-liveness` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.request-status` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.catalog` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.scorecard` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.dead-letters` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.capability-events` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | literal | `capmarket.team-usage` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-topology` | topic | prefixed | `capmarket.` | CREATE |
                | `User:capmarket-topology` | topic | prefixed | `capmarket-topology-` | ALL |
                | `User:capmarket-topology` | group | literal | `capmarket-topology` | READ |
                | `User:capmarket-topology` | transactional_id | prefixed | `capmarket-topology-` | WRITE, DESCRIBE |
                | `User:capmarket-gateway` | topic | literal | `capmarket.requests` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | topic | literal | `capmarket.request-status` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | topic | literal | `capmarket.catalog` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | topic | literal | `capmarket.scorecard` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | topic | literal | `capmarket.approval-policies` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | topic | literal | `capmarket.contract-owners` | WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | topic | literal | `capmarket.quotas` | READ, WRITE, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | topic | literal | `capmarket.team-usage` | READ, DESCRIBE_CONFIGS |
                | `User:capmarket-gateway` | group | literal | `capmarket-topology` | DESCRIBE |
                | `User:capmarket-gateway` | topic | prefixed | `capmarket-gateway-` | ALL |
                | `User:capmarket-gateway` | group | literal | `capmarket-gateway` | READ |
                | `User:capmarket-gateway` | transactional_id | prefixed | `capmarket-gateway-` | WRITE, DESCRIBE |
                | `User:producer.<producerId>` | topic | prefixed | `capmarket.producer.<producerId>.` | READ, DESCRIBE |
                | `User:producer.<producerId>` | topic | literal | `capmarket.producer.<producerId>.offers` | WRITE |
                | `User:producer.<producerId>` | topic | literal | `capmarket.producer.<producerId>.heartbeats` | WRITE |
                | `User:producer.<producerId>` | topic | literal | `capmarket.producer.<producerId>.fulfilment` | WRITE |
                | `User:producer.<producerId>` | group | prefixed | `capmarket.producer.<producerId>.` | READ |
                | `User:team.<team>` | topic | literal | `capmarket.team.<team>.requests` | WRITE |
                | `User:team.<team>` | topic | literal | `capmarket.request-status` | READ |
                | `User:team.<team>` | group | prefixed | `capmarket.team.<team>.` | READ |
                """);
    }

    @Test
    void theSummaryNamesWhatEachRoleReadsAndWrites() {
        assertThat(policy.markdownSummary()).contains(
                "| `User:producer.<producerId>` (producer) | `capmarket.producer.<producerId>.*` | "
                        + "`capmarket.producer.<producerId>.offers`, `capmarket.producer.<producerId>.heartbeats`, "
                        + "`capmarket.producer.<producerId>.fulfilment` | group `capmarket.producer.<producerId>.*` |",
                "| `User:team.<team>` (team) | `capmarket.request-status` | `capmarket.team.<team>.requests` | "
                        + "group `capmarket.team.<team>.*` |",
                "| `User:admin` (admin) | everything | everything |");
    }

    @Test
    void aProducerWritesOnlyItsOwnOffersHeartbeatsAndFulfilment() {
        List<AclBinding> a = policy.bindings(policy.producer("dba-eu"));

        assertThat(allowed(a, topics.offers("dba-eu").name(), AclOperation.WRITE)).isTrue();
        assertThat(allowed(a, topics.heartbeats("dba-eu").name(), AclOperation.WRITE)).isTrue();
        assertThat(allowed(a, topics.fulfilment("dba-eu").name(), AclOperation.WRITE)).isTrue();
        assertThat(allowed(a, topics.assignments("dba-eu").name(), AclOperation.READ)).isTrue();
        assertThat(allowedGroup(a, topics.producerGroup("dba-eu"))).isTrue();

        assertThat(allowed(a, topics.assignments("dba-eu").name(), AclOperation.WRITE)).as("its own assignments").isFalse();
        assertThat(allowed(a, topics.producerPrefix("dba-eu") + "extra", AclOperation.WRITE)).as("a topic of its own making").isFalse();
        assertThat(allowed(a, topics.producerPrefix("dba-eu") + "extra", AclOperation.CREATE)).isFalse();
        for (Topic<?, ?> other : topics.producerTopics("dba-us")) {
            assertThat(allowed(a, other.name(), AclOperation.WRITE)).as("write " + other.name()).isFalse();
            assertThat(allowed(a, other.name(), AclOperation.READ)).as("read " + other.name()).isFalse();
            assertThat(allowed(a, other.name(), AclOperation.DESCRIBE)).as("describe " + other.name()).isFalse();
        }
        assertThat(allowedGroup(a, topics.producerGroup("dba-us"))).isFalse();
        for (Topic<?, ?> shared : topics.shared()) {
            assertThat(allowed(a, shared.name(), AclOperation.WRITE)).as("write " + shared.name()).isFalse();
            assertThat(allowed(a, shared.name(), AclOperation.READ)).as("read " + shared.name()).isFalse();
        }
        assertThat(allowed(a, topics.teamRequests("payments").name(), AclOperation.WRITE)).isFalse();
    }

    @Test
    void aProducerWhoseIdStartsLikeAnothersGetsNothingOfIt() {
        List<AclBinding> db = policy.bindings(policy.producer("db"));

        assertThat(allowed(db, topics.offers("db-team").name(), AclOperation.WRITE)).isFalse();
        assertThat(allowed(db, topics.assignments("db-team").name(), AclOperation.READ))
                .as("the prefix ends with '.', so producer.db. does not cover producer.db-team.").isFalse();
    }

    @Test
    void aTeamWritesOnlyItsOwnRequestsAndReadsStatuses() {
        List<AclBinding> payments = policy.bindings(policy.team("payments"));

        assertThat(allowed(payments, topics.teamRequests("payments").name(), AclOperation.WRITE)).isTrue();
        assertThat(allowed(payments, topics.requestStatus().name(), AclOperation.READ)).isTrue();
        assertThat(allowedGroup(payments, topics.teamPrefix("payments") + "bot")).isTrue();

        assertThat(allowed(payments, topics.teamRequests("checkout").name(), AclOperation.WRITE)).isFalse();
        assertThat(allowed(payments, topics.requests().name(), AclOperation.WRITE)).as("the gateway's requests").isFalse();
        assertThat(allowed(payments, topics.requestStatus().name(), AclOperation.WRITE)).isFalse();
        assertThat(allowed(payments, topics.catalog().name(), AclOperation.READ)).isFalse();
        assertThat(allowedGroup(payments, "capmarket.team.checkout.bot")).isFalse();
    }

    @Test
    void onlyTheTopologyWritesThePlatformsFacts() {
        List<AclBinding> topology = policy.bindings(policy.topology());
        List<AclBinding> gateway = policy.bindings(policy.gateway());

        for (Topic<?, ?> platform : topics.platform()) {
            assertThat(allowed(topology, platform.name(), AclOperation.WRITE)).as("topology writes " + platform.name()).isTrue();
            assertThat(allowed(gateway, platform.name(), AclOperation.WRITE)).as("gateway writes " + platform.name()).isFalse();
        }
        assertThat(allowed(gateway, topics.requests().name(), AclOperation.WRITE)).isTrue();
        assertThat(allowed(topology, topics.requests().name(), AclOperation.WRITE)).as("only the gateway writes requests").isFalse();
        assertThat(allowed(gateway, topics.offers("dba-eu").name(), AclOperation.READ)).isFalse();
        assertThat(allowed(gateway, topics.producers().name(), AclOperation.READ)).as("approvals are not the gateway's").isFalse();
        assertThat(allowed(gateway, topics.catalog().name(), AclOperation.CREATE)).as("the gateway creates no topic").isFalse();
        assertThat(allowed(gateway, topics.approvalPolicies().name(), AclOperation.WRITE)).as("for the admins it authenticated").isTrue();
        assertThat(allowed(topology, topics.approvalPolicies().name(), AclOperation.READ)).isTrue();
        assertThat(allowed(topology, topics.approvalPolicies().name(), AclOperation.WRITE)).as("the admins' policies").isFalse();
        assertThat(allowed(gateway, topics.quotas().name(), AclOperation.WRITE)).as("for the admins it authenticated").isTrue();
        assertThat(allowed(topology, topics.quotas().name(), AclOperation.WRITE)).as("the admins' quotas").isFalse();
        assertThat(allowed(gateway, topics.teamUsage().name(), AclOperation.READ)).isTrue();
        assertThat(allowed(gateway, ResourceType.GROUP, "capmarket-topology", AclOperation.DESCRIBE))
                .as("the topology's committed positions").isTrue();
        assertThat(allowedGroup(gateway, "capmarket-topology")).as("never joins or commits in the topology's group").isFalse();
    }

    @Test
    void theTopologyReadsEveryInputAndWritesEveryProducersAssignments() {
        List<AclBinding> topology = policy.bindings(policy.topology());

        for (String producer : List.of("dba-eu", "a-producer-onboarded-tomorrow")) {
            assertThat(allowed(topology, topics.offers(producer).name(), AclOperation.READ)).isTrue();
            assertThat(allowed(topology, topics.heartbeats(producer).name(), AclOperation.READ)).isTrue();
            assertThat(allowed(topology, topics.fulfilment(producer).name(), AclOperation.READ)).isTrue();
            assertThat(allowed(topology, topics.assignments(producer).name(), AclOperation.WRITE)).isTrue();
            assertThat(allowed(topology, topics.assignments(producer).name(), AclOperation.CREATE)).isTrue();
        }
        assertThat(allowed(topology, topics.teamRequests("payments").name(), AclOperation.READ)).isTrue();
        assertThat(allowed(topology, topics.requests().name(), AclOperation.READ)).isTrue();
        assertThat(allowed(topology, "capmarket-topology-capability-events-repartition", AclOperation.DELETE)).isTrue();
        assertThat(allowed(topology, "capmarket-gateway-request-decisions-changelog", AclOperation.READ)).isFalse();
    }

    @Test
    void everyBindingAllowsFromAnyHostAndNoneDenies() {
        List<AclBinding> all = new java.util.ArrayList<>(policy.platformBindings());
        all.addAll(policy.bindings(policy.producer("dba-eu")));
        all.addAll(policy.bindings(policy.team("payments")));

        assertThat(all).allSatisfy(binding -> {
            assertThat(binding.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
            assertThat(binding.entry().host()).isEqualTo("*");
        });
        assertThat(policy.bindings(policy.admin())).isEmpty();
        assertThat(policy.platformBindings()).hasSize(policy.bindings(policy.topology()).size() + policy.bindings(policy.gateway()).size());
    }

    @Test
    void principalsAreNamedAfterTheirRoleAndOwner() {
        assertThat(policy.producer("dba-eu").kafkaPrincipal()).isEqualTo("User:producer.dba-eu");
        assertThat(policy.producer("dba-eu").owner()).contains("dba-eu");
        assertThat(policy.team("payments").kafkaPrincipal()).isEqualTo("User:team.payments");
        assertThat(policy.topology().kafkaPrincipal()).isEqualTo("User:capmarket-topology");
        assertThat(policy.admin().role()).isEqualTo(AccessRole.ADMIN);
        assertThatThrownBy(() -> policy.producer("db.x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("producerId").hasMessageContaining("'db.x'");
    }

    @Test
    void aCustomPrefixAndApplicationIdsMoveEveryName() {
        Topics custom = Topics.builder().prefix("acme.").build();
        AccessPolicy acme = AccessPolicy.builder(custom).topology("acme-topology", "acme-matching").gateway("acme-gw", "acme-api")
                .adminUser("root").build();

        assertThat(acme.markdownMatrix()).doesNotContain("capmarket").contains("`acme.producer.<producerId>.offers`",
                "`acme-matching-`", "| `User:acme-gw` | group | literal | `acme-api` | READ |", "`User:root`");
    }

    @Test
    void withoutAPrefixTheTopologyCreatesTopicsByTheClusterAcl() {
        AccessPolicy bare = AccessPolicy.of(Topics.builder().prefix("").build());

        assertThat(bare.bindings(bare.topology())).anySatisfy(binding -> {
            assertThat(binding.pattern().resourceType()).isEqualTo(ResourceType.CLUSTER);
            assertThat(binding.entry().operation()).isEqualTo(AclOperation.CREATE);
        });
    }

    @Test
    void platformPrincipalsCannotTakeAProducersOrTeamsName() {
        assertThatThrownBy(() -> AccessPolicy.builder(topics).topology("producer.x", "t").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topology user must not start with 'producer.'");
        assertThatThrownBy(() -> AccessPolicy.builder(topics).gateway("team.x", "g").build())
                .hasMessageContaining("gateway user must not start with");
        assertThatThrownBy(() -> AccessPolicy.builder(topics).gateway("admin", "g").build())
                .hasMessageContaining("must be different users");
        assertThatThrownBy(() -> AccessPolicy.builder(topics).topology("t", "app").gateway("g", "app-x").build())
                .hasMessageContaining("application.id");
        assertThatThrownBy(() -> AccessPolicy.builder(topics).adminUser("a,b").build())
                .hasMessageContaining("adminUser must be 1 to 200 characters").hasMessageContaining("'a,b'");
    }

    @Test
    void anApplicationIdNamedLikeAProducersTopicsIsRefused() {
        String producerTopics = topics.prefix() + "producer.db";
        assertThatThrownBy(() -> AccessPolicy.builder(topics).topology("t", producerTopics).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an application.id must not start with '" + topics.prefix() + "producer.'");
        assertThatThrownBy(() -> AccessPolicy.builder(topics).gateway("g", topics.prefix() + "team.pay").build())
                .hasMessageContaining("'" + topics.prefix() + "team.'");
        assertThat(AccessPolicy.builder(topics).topology("t", "producer-topology").build().topology()).isNotNull();
    }

    /** Kafka's rule: an ALLOW on the operation, or on ALL; READ, WRITE, DELETE and ALTER imply DESCRIBE. */
    private static boolean allowed(List<AclBinding> bindings, String topic, AclOperation operation) {
        return allowed(bindings, ResourceType.TOPIC, topic, operation);
    }

    private static boolean allowedGroup(List<AclBinding> bindings, String group) {
        return allowed(bindings, ResourceType.GROUP, group, AclOperation.READ);
    }

    private static boolean allowed(List<AclBinding> bindings, ResourceType type, String name, AclOperation operation) {
        return bindings.stream().anyMatch(binding -> binding.pattern().resourceType() == type
                && (binding.pattern().patternType() == PatternType.LITERAL ? name.equals(binding.pattern().name())
                        : name.startsWith(binding.pattern().name()))
                && implies(binding.entry().operation(), operation));
    }

    private static boolean implies(AclOperation granted, AclOperation wanted) {
        return granted == wanted || granted == AclOperation.ALL
                || (wanted == AclOperation.DESCRIBE && List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE,
                        AclOperation.ALTER).contains(granted));
    }
}
