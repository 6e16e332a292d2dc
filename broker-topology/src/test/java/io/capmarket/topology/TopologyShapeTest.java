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

        assertThat(stores).containsExactly("approval-policies", "capability-contracts", "contract-owners", "intake-entries", "offer-index",
                "offer-owners", "offer-state", "producer-approvals", "producer-heartbeats", "quotas", "request-index",
                "request-state", "scores", "waitlist");
    }

    @Test
    void nothingIsNamedAutomatically() {
        assertThat(t.topology.describe().toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
    }

    /**
     * No repartition topic: an event read on its capability owner's partition goes straight to the
     * engine, any other passes the topology's own capability-events topic, read in the same task.
     */
    @Test
    void eventsReachTheEngineDirectlyOrThroughCapabilityEventsNeverARepartitionTopic() {
        Map<String, String> sinks = new TreeMap<>();
        Map<String, Set<String>> sources = new TreeMap<>();
        t.topology.describe().subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                sinks.put(sink.name(), sink.topic());
            }
            if (n instanceof TopologyDescription.Source source && source.topicSet() != null) {
                sources.put(source.name(), source.topicSet());
            }
        }));

        assertThat(sinks.values()).noneMatch(topic -> topic.endsWith("-repartition"));
        assertThat(sinks).containsEntry("capability-events-sink", "t.capability-events")
                .containsEntry("capability-events-forget-sink", "t.capability-events");
        assertThat(sources).containsEntry("capability-events-source", Set.of("t.capability-events"));
    }

    @Test
    void theTopologyHasTwoSubtopologiesAndFiveGlobalTables() {
        TopologyDescription description = t.topology.describe();

        assertThat(description.subtopologies()).hasSize(2);
        assertThat(description.globalStores()).extracting(g -> g.source().topicSet())
                .containsExactlyInAnyOrder(Set.of("t.producer-liveness"), Set.of("t.producers"), Set.of("t.approval-policies"),
                        Set.of("t.contract-owners"), Set.of("t.quotas"));
    }

    /**
     * The intake and the engine share sub-topology 2 (so task {@code 2_p} holds both, and its intake
     * hands the engine what it owns without a hop); the heartbeat relay is 3.
     */
    @Test
    void eachSubtopologyKeepsItsNumberAndItsProcessors() {
        Map<Integer, Set<String>> nodes = new TreeMap<>();
        t.topology.describe().subtopologies().forEach(s -> {
            Set<String> names = new TreeSet<>();
            s.nodes().forEach(n -> names.add(n.name()));
            nodes.put(s.id(), names);
        });

        assertThat(nodes.keySet()).containsExactly(2, 3);
        assertThat(nodes.get(2)).contains("intake-source", "intake", "capability-events-sink", "dead-letters-sink-intake",
                "capability-events-source", "capability-engine-input", "capability-engine", "request-status-sink",
                "assignments-sink", "catalog-sink", "scorecard-sink", "team-usage-sink", "capability-events-forget-sink",
                "dead-letters-sink-engine");
        assertThat(nodes.get(3)).contains("heartbeats-source", "heartbeat-relay", "producer-liveness-sink",
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
