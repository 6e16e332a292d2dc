package io.capmarket.bench;

import io.capmarket.schemas.RequestState;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.Offer;
import io.capmarket.topology.app.TopologyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The whole loop at a fixed rate: submitted, matched by the topology, delivered to a producer
 * through the producer SDK, accepted and fulfilled at once by a handler that does no work, and
 * FULFILLED visible on {@code request-status}. The SDK clients (one per producer team, each
 * serving its offers of a 10-capability catalog) run in the benchmark's process.
 */
final class RoundTripScenario {

    /** Each offer's capacity: the SDK's slots per offer. */
    static final int CAPACITY = 256;
    private static final AsyncAssignmentHandler NO_WORK = (assignment, context) -> {
        context.fulfil(Map.of("ref", "vault:bench/" + context.requestId()));
        return CompletableFuture.completedFuture(null);
    };

    private final BenchContext context;

    RoundTripScenario(BenchContext context) {
        this.context = context;
    }

    Result run(int ratePerSecond) {
        Workload workload = new Workload(context.cluster(), context.prefix(Scenarios.ROUNDTRIP), StreamsScenarios.PARTITIONS,
                10, 2, 5);
        workload.provision();
        List<CapmarketProducer> producers = new ArrayList<>();
        try (TopologyProcess topology = TopologyProcess.start(context, workload, "roundtrip-topology",
                TopologyConfig.EXACTLY_ONCE_V2, Map.of())) {
            for (int p = 0; p < workload.producers(); p++) {
                producers.add(producer(workload, workload.producer(p)));
            }
            OpenLoop.Outcome outcome = new OpenLoop(context.cluster(), workload, RequestState.FULFILLED)
                    .run(Scenarios.ROUNDTRIP, ratePerSecond, context.sizes().warmUp(), context.sizes().latencyRun(),
                            Duration.ofSeconds(60), topology::markMeasured);
            return StreamsScenarios.latencyResult(Scenarios.ROUNDTRIP, outcome, ratePerSecond, TopologyConfig.EXACTLY_ONCE_V2)
                    .with("handler", "accepts and fulfils at once").with("topology_jit_cpu_pct", topology.compilingPercent());
        } finally {
            producers.forEach(producer -> producer.close(Duration.ofSeconds(10)));
        }
    }

    private CapmarketProducer producer(Workload workload, String producerId) {
        List<Offer> offers = workload.slots().stream().filter(slot -> slot.producerId().equals(producerId))
                .map(slot -> Offer.builder().offerId(slot.offerId()).capability(slot.capability()).capabilityVersion(1)
                        .description("benchmark offer").parameterSchema(Workload.PARAMETER_SCHEMA)
                        .attributes(Map.of("region", slot.region())).capacity(CAPACITY).leadTime(slot.leadTime()).build())
                .toList();
        CapmarketProducer producer = CapmarketProducer.builder()
                .bootstrapServers(context.cluster().bootstrapServers())
                .schemaRegistryUrl(context.cluster().registryUrl())
                .topicPrefix(workload.prefix())
                .producerId(producerId)
                .offers(offers)
                .healthCheck(HealthCheck.ALWAYS_HEALTHY)
                .asyncHandler(NO_WORK)
                .build();
        offers.forEach(producer::publish);
        return producer;
    }
}
