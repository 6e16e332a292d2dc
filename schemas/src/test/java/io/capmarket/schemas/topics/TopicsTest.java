package io.capmarket.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void capabilityEventsHaveAsManyPartitionsAsRequestsUnlessToldOtherwise() {
        assertThat(Topics.builder().partitions(Topics.REQUESTS, 12).build().capabilityEvents().spec().partitions()).isEqualTo(12);
        assertThat(Topics.builder().partitions(Topics.REQUESTS, 12).partitions(Topics.CAPABILITY_EVENTS, 3).build()
                .capabilityEvents().spec().partitions()).isEqualTo(3);
        assertThat(Topics.defaults().capabilityEvents().spec().partitions()).isEqualTo(Topics.DEFAULT_PARTITIONS);
    }

    @Test
    void aCapabilityHasThePartitionKafkaWouldGiveItsNameAsAKey() {
        StringSerializer keys = new StringSerializer();
        for (String capability : List.of("postgres-database", "kafka-topic", "s3-bucket", "ci-runner")) {
            int kafkas = Utils.toPositive(Utils.murmur2(keys.serialize("t", capability))) % 7;
            assertThat(CapabilityPartitions.of(capability, 7)).isEqualTo(kafkas);
        }
        assertThatThrownBy(() -> CapabilityPartitions.of("pg", 0)).hasMessageContaining("partitions must be at least 1");
    }

    @Test
    void namesCarryTheDefaultPrefix() {
        Topics topics = Topics.defaults();

        assertThat(topics.shared()).extracting(Topic::name).containsExactly(
                "capmarket.producers", "capmarket.requests", "capmarket.producer-liveness",
                "capmarket.request-status", "capmarket.catalog", "capmarket.scorecard", "capmarket.dead-letters",
                "capmarket.capability-events", "capmarket.approval-policies", "capmarket.contract-owners", "capmarket.quotas",
                "capmarket.team-usage");
        assertThat(topics.platform()).extracting(Topic::name).doesNotContain("capmarket.requests").hasSize(8);
        assertThat(topics.producerTopics("db-team")).extracting(Topic::name).containsExactly(
                "capmarket.producer.db-team.offers", "capmarket.producer.db-team.heartbeats",
                "capmarket.producer.db-team.fulfilment", "capmarket.producer.db-team.assignments");
        assertThat(topics.assignmentsName("db-team")).isEqualTo("capmarket.producer.db-team.assignments");
        assertThat(topics.producerPrefix("db-team")).isEqualTo("capmarket.producer.db-team.");
        assertThat(topics.producerGroup("db-team")).isEqualTo("capmarket.producer.db-team.sdk");
        assertThat(topics.teamRequests("payments").name()).isEqualTo("capmarket.team.payments.requests");
        assertThat(topics.teamPrefix("payments")).isEqualTo("capmarket.team.payments.");
    }

    @Test
    void theAuthorIsTakenFromTheTopic() {
        Topics topics = Topics.defaults();

        assertThat(topics.producerOf("capmarket.producer.db-team.fulfilment")).contains("db-team");
        assertThat(topics.producerOf("capmarket.producer.db-team.assignments")).contains("db-team");
        assertThat(topics.producerOf("capmarket.producer.db.x.offers")).isEmpty();
        assertThat(topics.producerOf("capmarket.producer..offers")).isEmpty();
        assertThat(topics.producerOf("other.producer.db-team.offers")).isEmpty();
        assertThat(topics.producerOf("capmarket.requests")).isEmpty();
        assertThat(topics.teamOf("capmarket.team.payments.requests")).contains("payments");
        assertThat(topics.teamOf("capmarket.requests")).isEmpty();
        assertThat(topics.teamOf("capmarket.team.a.b.requests")).isEmpty();
    }

    @Test
    void patternsMatchEveryProducerOrTeamAndNothingElse() {
        Topics topics = Topics.builder().prefix("acme.cm.").build();

        assertThat(topics.everyProducersOffers().pattern().matcher("acme.cm.producer.db-team.offers").matches()).isTrue();
        assertThat(topics.everyProducersOffers().pattern().matcher("acme.cm.producer.db-team.fulfilment").matches()).isFalse();
        assertThat(topics.everyProducersOffers().pattern().matcher("acmeXcm.producer.db-team.offers").matches()).isFalse();
        assertThat(topics.everyProducersHeartbeats().pattern().matcher("acme.cm.producer.ci.heartbeats").matches()).isTrue();
        assertThat(topics.everyProducersFulfilment().pattern().matcher("acme.cm.producer.ci.fulfilment").matches()).isTrue();
        assertThat(topics.everyProducersFulfilment().pattern().matcher("acme.cm.producer.a.b.fulfilment").matches()).isFalse();
        assertThat(topics.everyProducersAssignments().pattern().matcher("acme.cm.producer.ci.assignments").matches()).isTrue();
        assertThat(topics.everyRequests().pattern().matcher("acme.cm.requests").matches()).isTrue();
        assertThat(topics.everyRequests().pattern().matcher("acme.cm.team.payments.requests").matches()).isTrue();
        assertThat(topics.everyRequests().pattern().matcher("acme.cm.team.a.b.requests").matches()).isFalse();
        assertThat(topics.everyRequests().pattern().matcher("acme.cm.request-status").matches()).isFalse();
        assertThat(topics.everyRequests().ownerOf("acme.cm.team.payments.requests")).contains("payments");
        assertThat(topics.everyRequests().ownerOf("acme.cm.requests")).isEmpty();
        assertThat(topics.everyProducersFulfilment().ownerOf("acme.cm.producer.ci.fulfilment")).contains("ci");
        assertThat(topics.everyProducersFulfilment().ownerOf("acme.cm.producer.ci.offers")).isEmpty();
    }

    @Test
    void thePrefixIsConfigurableAndMayBeEmpty() {
        assertThat(Topics.builder().prefix("acme.cm.").build().requests().name()).isEqualTo("acme.cm.requests");
        assertThat(Topics.builder().prefix("").build().requests().name()).isEqualTo("requests");
    }

    @Test
    void compactedTopicsAreTheOnesTheArchitectureNames() {
        Topics topics = Topics.defaults();

        List<String> compacted = topics.sharedSpecs().stream()
                .filter(spec -> spec.cleanupPolicy() == CleanupPolicy.COMPACT)
                .map(TopicSpec::name).toList();

        assertThat(compacted).containsExactly("capmarket.producers", "capmarket.producer-liveness",
                "capmarket.request-status", "capmarket.catalog", "capmarket.scorecard", "capmarket.approval-policies",
                "capmarket.contract-owners", "capmarket.quotas", "capmarket.team-usage");
        assertThat(topics.offers("ci").spec().cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
        assertThat(topics.heartbeats("ci").spec().cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
        assertThat(topics.fulfilment("ci").spec().cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(topics.requestStatus().spec().configs()).containsEntry("cleanup.policy", "compact");
        assertThat(topics.requests().spec().configs()).containsEntry("cleanup.policy", "delete");
        assertThat(topics.assignments("ci").spec().cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
    }

    @Test
    void everySpecNamesItsTopicPrefixIncluded() {
        Topics topics = Topics.builder().prefix("acme.").build();

        assertThat(topics.shared()).allSatisfy(topic -> assertThat(topic.spec().name()).isEqualTo(topic.name()));
        assertThat(topics.producerTopics("ci")).allSatisfy(topic -> assertThat(topic.spec().name()).isEqualTo(topic.name()));
        assertThat(topics.teamRequests("payments").spec().name()).isEqualTo("acme.team.payments.requests");
        assertThat(topics.sharedSpecs()).extracting(TopicSpec::name).allSatisfy(name -> assertThat(name).startsWith("acme."));
    }

    @Test
    void partitionsAndReplicationAreConfigurablePerTopic() {
        Topics topics = Topics.builder().partitions(12).partitions("catalog", 1).partitions(Topics.ASSIGNMENTS, 2)
                .partitions(Topics.REQUESTS, 3)
                .replicationFactor((short) 3).build();

        assertThat(topics.requestStatus().spec().partitions()).isEqualTo(12);
        assertThat(topics.requests().spec().partitions()).isEqualTo(3);
        assertThat(topics.teamRequests("payments").spec().partitions()).isEqualTo(3);
        assertThat(topics.offers("ci").spec().partitions()).isEqualTo(12);
        assertThat(topics.catalog().spec().partitions()).isEqualTo(1);
        assertThat(topics.assignments("ci").spec().partitions()).isEqualTo(2);
        assertThat(topics.requests().spec().replicationFactor()).isEqualTo(Optional.of((short) 3));
        assertThat(Topics.defaults().requests().spec().replicationFactor()).isEmpty();
    }

    @Test
    void badNamesFailNamingTheSetting() {
        assertThatThrownBy(() -> Topics.builder().prefix("cap market."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic prefix").hasMessageContaining("'cap market.'");
        assertThatThrownBy(() -> Topics.defaults().assignments("db/team"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("producerId").hasMessageContaining("'db/team'");
        assertThatThrownBy(() -> Topics.defaults().offers("db.team"))
                .hasMessageContaining("producerId").hasMessageContaining("no '.'");
        assertThatThrownBy(() -> Topics.defaults().teamRequests("a.b"))
                .hasMessageStartingWith("team must be");
        assertThatThrownBy(() -> Topics.builder().partitions(0))
                .hasMessage("partitions must be at least 1, but was 0");
    }

    @Test
    void serdesAreTypedPerTopic() {
        Topics topics = Topics.defaults();

        assertThat(topics.offers("ci").keySerde().serializer().serialize("t", "offer-1")).isEqualTo("offer-1".getBytes());
        assertThat(topics.deadLetters().valueSerde().serializer().serialize("t", new byte[] {1, 2})).containsExactly(1, 2);
        assertThat(topics.registry()).isEmpty();
    }
}
