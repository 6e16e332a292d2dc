package io.capmarket.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the names of every store, repartition topic and processor: renaming one strands state or
 * in-flight records, so it must show up here as a conscious change.
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

        assertThat(stores).containsExactly("capability-counters", "deadlines", "offer-index", "offer-state",
                "producer-approvals", "producer-heartbeats", "request-index", "request-state", "scores", "waitlist");
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
    void theTopologyHasTwoSubtopologiesAndTwoGlobalTables() {
        TopologyDescription description = t.topology.describe();

        assertThat(description.subtopologies()).hasSize(2);
        assertThat(description.globalStores()).hasSize(2);
    }
}
