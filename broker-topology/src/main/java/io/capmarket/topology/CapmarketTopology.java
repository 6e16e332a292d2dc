package io.capmarket.topology;

import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.internal.TopologyAssembly;
import java.time.Clock;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * Builds capmarket's Kafka Streams topology: catalog, matching, request lifecycle and scorecard.
 * Kept apart from any {@code main} so tests drive the same topology with {@code TopologyTestDriver}.
 *
 * <p>Shape: every input is read by pattern from the topics of its authors, and the author is the
 * one the topic names, never a field: offers ({@code producer.<producerId>.offers}, by offerId),
 * requests ({@code team.<team>.requests} and the gateway's {@code requests}, by requestId) and
 * fulfilment reports ({@code producer.<producerId>.fulfilment}) pass an intake step that
 * dead-letters a record claiming another producer or team, validates the rest, and remembers what
 * a later tombstone or cancellation lacks (the capability, and who owns the offer or request).
 * Each capability is owned by one task: the one of its partition ({@code CapabilityPartitions})
 * of the topology's own {@code capability-events} topic, which has as many partitions as
 * {@code requests}. An input read on its owner's partition (a request partitioned by its
 * capability) goes straight to the engine of the same task; any other passes
 * {@code capability-events} on its way to its owner. The engine keeps offers, capability contracts,
 * requests, waitlists and scorecards in named stores (loads are counted, and deadlines rebuilt,
 * from the kept requests when a task starts) and writes {@code request-status},
 * {@code producer.<producerId>.assignments}, {@code catalog}, {@code scorecard} and
 * {@code dead-letters}. Heartbeats ({@code producer.<producerId>.heartbeats}) are relayed,
 * attributed to their producer, to {@code producer-liveness}; liveness and approvals are global
 * tables held in memory.
 */
public final class CapmarketTopology {

    private CapmarketTopology() {
    }

    /**
     * The topology with RocksDB stores.
     *
     * @param topics the topic catalogue, with serdes configured against a registry
     * @param settings matching, deadlines and scorecard settings
     * @param clock the wall clock used for deadlines and liveness (tests pass a controllable one)
     * @param events notified of what the engine does, for metrics
     * @throws IllegalArgumentException when the catalogue has no schema registry configured
     */
    public static Topology build(Topics topics, TopologySettings settings, Clock clock, EngineEvents events) {
        return build(topics, settings, clock, events, new BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers());
    }

    /**
     * The topology with the given kind of stores (in-memory ones make {@code TopologyTestDriver}
     * tests fast).
     */
    public static Topology build(Topics topics, TopologySettings settings, Clock clock, EngineEvents events,
            DslStoreSuppliers stores) {
        SchemaRegistryClient registry = topics.registry().orElseThrow(() -> new IllegalArgumentException(
                "the topic catalogue needs a schema registry: build it with serdeConfig(Map.of(\"schema.registry.url\", ...))"));
        return new TopologyAssembly(topics, registry, settings, clock, events, stores).build();
    }
}
