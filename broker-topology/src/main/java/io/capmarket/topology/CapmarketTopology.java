package io.capmarket.topology;

import io.capmarket.schemas.topics.Topics;
import java.time.Clock;
import org.apache.kafka.streams.Topology;

/**
 * Builds capmarket's Kafka Streams topology: catalog, matching, request lifecycle and scorecard.
 * Kept apart from any {@code main} so tests drive the same topology with {@code TopologyTestDriver}.
 */
public final class CapmarketTopology {

    private CapmarketTopology() {
    }

    /**
     * The topology.
     *
     * @param topics the topic catalogue, with serdes configured against a registry
     * @param settings matching, deadlines and scorecard settings
     * @param clock the wall clock used for deadlines and liveness (tests pass a controllable one)
     * @param events notified of what the engine does, for metrics
     */
    public static Topology build(Topics topics, TopologySettings settings, Clock clock, EngineEvents events) {
        throw new UnsupportedOperationException("the topology is being assembled");
    }
}
