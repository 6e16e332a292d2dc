package io.capmarket.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesCarryTheDefaultPrefix() {
        Topics topics = Topics.defaults();

        assertThat(topics.shared()).extracting(Topic::name).containsExactly(
                "capmarket.producers", "capmarket.offers", "capmarket.producer-heartbeats", "capmarket.requests", "capmarket.fulfilment",
                "capmarket.request-status", "capmarket.catalog", "capmarket.scorecard", "capmarket.dead-letters");
        assertThat(topics.assignments("db-team").name()).isEqualTo("capmarket.assignments.db-team");
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

        assertThat(compacted).containsExactly("capmarket.producers", "capmarket.offers", "capmarket.producer-heartbeats",
                "capmarket.request-status", "capmarket.catalog", "capmarket.scorecard");
        assertThat(topics.requestStatus().spec().configs()).containsEntry("cleanup.policy", "compact");
        assertThat(topics.requests().spec().configs()).containsEntry("cleanup.policy", "delete");
        assertThat(topics.assignments("ci").spec().cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
    }

    @Test
    void partitionsAndReplicationAreConfigurablePerTopic() {
        Topics topics = Topics.builder().partitions(12).partitions("catalog", 1).partitions("assignments.", 2)
                .replicationFactor((short) 3).build();

        assertThat(topics.requests().spec().partitions()).isEqualTo(12);
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
        assertThatThrownBy(() -> Topics.builder().partitions(0))
                .hasMessage("partitions must be at least 1, but was 0");
    }

    @Test
    void serdesAreTypedPerTopic() {
        Topics topics = Topics.defaults();

        assertThat(topics.offers().keySerde().serializer().serialize("t", "offer-1")).isEqualTo("offer-1".getBytes());
        assertThat(topics.deadLetters().valueSerde().serializer().serialize("t", new byte[] {1, 2})).containsExactly(1, 2);
        assertThat(topics.registry()).isEmpty();
    }
}
