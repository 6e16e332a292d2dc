package io.capmarket.topology.app;

import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import java.time.Clock;
import org.apache.kafka.streams.Topology;

/**
 * Builds the topology {@link TopologyApp} runs; production passes
 * {@code io.capmarket.topology.CapmarketTopology::build}, tests pass a small one of their own.
 */
@FunctionalInterface
public interface TopologyFactory {

    /**
     * @param topics the topic catalogue, serdes configured against the registry
     * @param settings matching, deadline and scorecard settings
     * @param clock the wall clock
     * @param events told what the engine does (the app's {@link TopologyMetrics})
     */
    Topology build(Topics topics, TopologySettings settings, Clock clock, EngineEvents events);
}
