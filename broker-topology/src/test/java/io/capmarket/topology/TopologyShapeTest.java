package io.capmarket.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the names of every store, repartition topic, source and processor, and which
 * sub-topology holds what: renaming one strands state or in-flight records, and renumbering a
 * sub-topology moves its task ids, so either must show up here as a conscious change.
 */
class TopologyShapeTest {

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void storesAreNamed() {
        Set<String> stores = new TreeSet<>();
        TopologyDescription description = t.topology.describe();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
        }));
        description.globalStores().forEach(g -> stores.addAll(g.processor().stores()));

        assertThat(stores).containsExactly("capability-contracts", "capability-counters", "deadlines", "offer-index",
                "offer-state", "producer-approvals", "producer-heartbeats", "request-index", "request-state", "scores",
                "waitlist");
    }

    @Test
    void nothingIsNamedAutomatically() {
        assertThat(t.topology.describe().toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
    }

    @Test
    void theOnlyRepartitionTopicIsTheCapabilityEvents() {
        Set<String> topics = new TreeSet<>();
        t.topology.describe().subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Sink sink && sink.topic() != null && sink.topic().endsWith("-repartition")) {
                topics.add(sink.topic());
            }
        }));

        assertThat(topics).containsExactly("capability-events-repartition");
    }

    @Test
    void theTopologyHasThreeSubtopologiesAndTwoGlobalTables() {
        TopologyDescription description = t.topology.describe();

        assertThat(description.subtopologies()).hasSize(3);
        assertThat(description.globalStores()).extracting(g -> g.source().topicSet())
                .containsExactlyInAnyOrder(Set.of("t.producer-liveness"), Set.of("t.producers"));
    }

    /** Intake keeps sub-topology 2 and the engine 3 (their task ids); the heartbeat relay came later, as 4. */
    @Test
    void eachSubtopologyKeepsItsNumberAndItsProcessors() {
        Map<Integer, Set<String>> nodes = new TreeMap<>();
        t.topology.describe().subtopologies().forEach(s -> {
            Set<String> names = new TreeSet<>();
            s.nodes().forEach(n -> names.add(n.name()));
            nodes.put(s.id(), names);
        });

        assertThat(nodes.keySet()).containsExactly(2, 3, 4);
        assertThat(nodes.get(2)).contains("intake-source", "intake", "capability-events-repartition-sink",
                "dead-letters-sink-intake");
        assertThat(nodes.get(3)).contains("capability-events-repartition-source", "capability-engine", "request-status-sink",
                "assignments-sink", "catalog-sink", "scorecard-sink", "dead-letters-sink-engine");
        assertThat(nodes.get(4)).contains("heartbeats-source", "heartbeat-relay", "producer-liveness-sink",
                "dead-letters-sink-heartbeats");
    }

    /**
     * Every input is read by pattern from the topics of its authors, offers, requests and fulfilment
     * by one source (a pattern source without a topic when its task is created never gets one).
     */
    @Test
    void inputsAreReadByPatternFromTheirAuthorsTopics() {
        Map<String, java.util.regex.Pattern> patterns = new TreeMap<>();
        t.topology.describe().subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Source source && source.topicPattern() != null) {
                patterns.put(source.name(), source.topicPattern());
            }
        }));

        assertThat(patterns).containsOnlyKeys("intake-source", "heartbeats-source");
        assertThat(List.of("t.producer.db-team.offers", "t.producer.db-team.fulfilment", "t.requests", "t.team.payments.requests"))
                .allSatisfy(topic -> assertThat(patterns.get("intake-source").matcher(topic).matches()).as(topic).isTrue());
        assertThat(List.of("t.producer.db-team.heartbeats", "t.producer.db-team.assignments", "t.producer-liveness",
                "t.request-status", "t.producer.a.b.offers", "u.requests"))
                .allSatisfy(topic -> assertThat(patterns.get("intake-source").matcher(topic).matches()).as(topic).isFalse());
        assertThat(patterns.get("heartbeats-source").pattern()).isEqualTo(t.topics.everyProducersHeartbeats().pattern().pattern());
    }
}
