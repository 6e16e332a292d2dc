package io.capmarket.bench;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.topics.CleanupPolicy;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.topology.app.TopologyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The scenarios of the topology itself: the passthrough ceiling, matching throughput from a
 * pre-produced backlog, open-loop latency, and scaling by partitions and instances.
 */
final class StreamsScenarios {

    /** Partitions of every topic of the streams scenarios but the one-partition scale run. */
    static final int PARTITIONS = 4;
    /**
     * The documented setting for at-least-once latency: the topology's producer sends within 5 ms
     * instead of Kafka Streams' 100 ms linger (exactly-once sends at each commit anyway).
     */
    static final Map<String, String> AT_LEAST_ONCE_LATENCY = Map.of("streams.producer.linger.ms", "5");
    private static final Duration IDLE = Duration.ofSeconds(20);

    private final BenchContext context;

    StreamsScenarios(BenchContext context) {
        this.context = context;
    }

    /** A passthrough application copying {@code records} submissions: records/s. */
    Result ceiling(String name, String guarantee) {
        Workload workload = context.workload(name, PARTITIONS);
        String output = workload.prefix() + "passthrough-out";
        context.cluster().ensure(List.of(workload.topics().requests().spec(),
                new TopicSpec(output, PARTITIONS, Optional.empty(), CleanupPolicy.DELETE, Map.of())));
        long records = context.sizes().ceilingRecords();
        long warmUpMost = context.sizes().ceilingWarmUpMostRecords();
        double produced = workload.preProduce(0, warmUpMost + records);
        try (OutputMeter meter = new OutputMeter(context.cluster(), workload.prefix() + "meter", output);
                ChildJvm passthrough = ChildJvm.start(context, name, PassthroughMain.class, List.of(context.cluster().bootstrapServers(),
                        workload.prefix() + "passthrough", workload.topics().requests().name(), output, guarantee,
                        context.directory().resolve(name + "-state").toAbsolutePath().toString()))) {
            // the first records warm the process up, unmeasured, by the rule the topology's warm-up follows
            BacklogWarmUp.Reached warm = BacklogWarmUp.settling(context.sizes().warmUpRecords(), warmUpMost,
                    passthrough::compilerCpuSeconds).await(meter::counted, Duration.ofMinutes(5), IDLE);
            meter.startWindow(warm.records());
            double compilerBefore = passthrough.compilerCpuSeconds();
            double cpuBefore = passthrough.cpuSeconds();
            long countedBefore = meter.counted();
            OutputMeter.Throughput result = meter.await(records, Duration.ofMinutes(5), IDLE);
            double cpu = passthrough.cpuSeconds() - cpuBefore;
            long copied = meter.counted() - countedBefore;
            return new Result(name).with("records_per_s", result.perSecond()).with("records", result.records())
                    .with("cpu_us_per_record", cpu * 1e6 / Math.max(1, copied))
                    .with("jit_cpu_s", passthrough.compilerCpuSeconds() - compilerBefore)
                    .with("seconds", result.seconds()).with("pre_produced_per_s", produced).with("warm_up_records", warm.records())
                    .with("compilers_pct_at_start", 100 * warm.compilersShare()).with("warm_up_end", warm.end().label())
                    .with("guarantee", guarantee).with("partitions", PARTITIONS);
        }
    }

    /**
     * The topology matching a backlog of pre-produced submissions, counted by the assignments it
     * commits (one per match, written in the same transaction as the MATCHED status); then the
     * topology's memory with every matched request still live.
     */
    Result matching(String name, String guarantee, double ceiling) {
        Workload workload = context.workload(name, PARTITIONS);
        long requests = context.sizes().matchingRequests();
        Backlog backlog = matchBacklog(name, workload, guarantee, compilers -> BacklogWarmUp.settling(
                context.sizes().warmUpRecords(), context.sizes().warmUpMostRecords(), compilers), requests, 1,
                context.sizes().matchingLimit(), true);
        Result result = new Result(name).with("requests_per_s", backlog.throughput().perSecond());
        Map<String, String> overrides = context.topologySettings();
        if (overrides.isEmpty()) {
            result.ratioTo(ceiling, backlog.throughput().perSecond());
        } else {
            // the passthrough runs the benchmark's settings only: a ratio to it would compare two configurations
            result.with("ratio_omitted", "--topology " + new TreeSet<>(overrides.keySet()) + " is not the passthrough's");
        }
        result.with("matched", backlog.throughput().records()).with("requests", requests)
                .with("seconds", backlog.throughput().seconds())
                .with("cpu_us_per_request", backlog.cpuSeconds() * 1e6 / Math.max(1, backlog.cpuRecords()))
                .with("topology_jit_cpu_s", backlog.compilerSeconds());
        brokerFigures(result, backlog);
        return result.with("catalog", "50 capabilities x 4 offers")
                .with("guarantee", overrides.getOrDefault(TopologyConfig.PROCESSING_GUARANTEE, guarantee)).with("partitions", PARTITIONS)
                .with("topology_heap_mib", backlog.memory().heapMib())
                .with("topology_rss_mib", backlog.memory().residentMib())
                .with("live_requests", backlog.live())
                .with("warm_up_requests", backlog.warmUp().records())
                .with("compilers_pct_at_start", 100 * backlog.warmUp().compilersShare())
                .with("warm_up_end", backlog.warmUp().end().label());
    }

    /** What the broker counted per request matched while measured, where its meters can be read (an in-JVM broker). */
    private void brokerFigures(Result result, Backlog backlog) {
        if (context.cluster().inThisJvm()) {
            result.with("broker_records_per_request", backlog.perRequest(BrokerCounters.RECORDS))
                    .with("broker_partition_appends_per_request", backlog.perRequest(BrokerCounters.PARTITION_APPENDS))
                    .with("broker_produce_requests_per_s", backlog.perSecond(BrokerCounters.PRODUCE_REQUESTS))
                    .with("broker_fetch_requests_per_s", backlog.perSecond(BrokerCounters.FETCH_REQUESTS));
        }
    }

    /** Latency from submit to MATCHED at fixed rates, on one topology instance. */
    List<Result> latency(String guarantee, List<String> names, List<Integer> rates) {
        Workload workload = context.workload(names.get(0), PARTITIONS);
        workload.provision();
        workload.publishCatalog();
        List<Result> results = new ArrayList<>();
        Map<String, String> settings = TopologyConfig.AT_LEAST_ONCE.equals(guarantee) ? AT_LEAST_ONCE_LATENCY : Map.of();
        try (TopologyProcess topology = TopologyProcess.start(context, workload, names.get(0) + "-topology", guarantee, settings)) {
            OpenLoop loop = new OpenLoop(context.cluster(), workload, RequestState.MATCHED);
            for (int i = 0; i < names.size(); i++) {
                // the first rate warms a fresh process, the next ones a warm process at a new rate
                Duration warmUp = i == 0 ? context.sizes().warmUp() : context.sizes().warmUpAgain();
                OpenLoop.Outcome outcome = loop.run(names.get(i), rates.get(i), warmUp,
                        context.sizes().latencyRun(), Duration.ofSeconds(60), topology::markMeasured);
                // what the tail owes to the topology's collector and to its JIT compiler, while measured
                ChildJvm.GcPauses pauses = topology.gcPausesSinceMark();
                Result result = latencyResult(names.get(i), outcome, rates.get(i), guarantee)
                        .with("topology_gc_pauses", pauses.count()).with("topology_gc_max_pause_ms", pauses.maxMs())
                        .with("topology_gc_pause_total_ms", pauses.totalMs())
                        .with("topology_jit_cpu_pct", topology.compilingPercent());
                settings.forEach(result::with);
                results.add(result);
            }
        }
        return results;
    }

    static Result latencyResult(String name, OpenLoop.Outcome outcome, int rate, String guarantee) {
        return new Result(name).with("requests_per_s", outcome.achievedRate())
                .with("p50_ms", outcome.percentileMillis(50)).with("p99_ms", outcome.percentileMillis(99))
                .with("p999_ms", outcome.percentileMillis(99.9)).with("max_ms", outcome.latencyMicros().getMaxValue() / 1_000.0)
                .with("target_per_s", rate).with("sent", outcome.sent()).with("reached", outcome.reached())
                .with("guarantee", guarantee);
    }

    /** Matching throughput with {@code instances} topology instances on {@code partitions} partitions. */
    Result scale(String name, int partitions, int instances, double baseline) {
        Workload workload = context.workload(name, partitions);
        Backlog backlog = matchBacklog(name, workload, TopologyConfig.EXACTLY_ONCE_V2,
                compilers -> BacklogWarmUp.fixed(context.sizes().warmUpRecords()), context.sizes().scaleRequests(), instances,
                context.sizes().matchingLimit(), false);
        Result result = new Result(name).with("requests_per_s", backlog.throughput().perSecond());
        if (baseline > 0) {
            result.with("ratio_to_one_instance_one_partition", backlog.throughput().perSecond() / baseline);
        }
        return result.with("matched", backlog.throughput().records()).with("seconds", backlog.throughput().seconds())
                .with("cpu_us_per_request", backlog.cpuSeconds() * 1e6 / Math.max(1, backlog.cpuRecords()))
                .with("topology_jit_cpu_s", backlog.compilerSeconds())
                .with("instances", instances).with("partitions", partitions).with("guarantee", TopologyConfig.EXACTLY_ONCE_V2);
    }

    /** Every counter's value now, by name. */
    private static Map<String, Double> read(Map<String, DoubleSupplier> counters) {
        Map<String, Double> values = new LinkedHashMap<>();
        counters.forEach((name, counter) -> values.put(name, counter.getAsDouble()));
        return values;
    }

    /**
     * What matching a backlog showed: where its warm-up ended, the rate, the instances' CPU seconds
     * while matching (their JIT compilers' share apart as well) and the matches counted over the
     * same time, the first instance's memory with {@code live} matched requests held.
     */
    private record Backlog(BacklogWarmUp.Reached warmUp, OutputMeter.Throughput throughput, double cpuSeconds, long cpuRecords,
            double compilerSeconds, TopologyProcess.Memory memory, long live, Map<String, Double> broker) {

        /** What the broker counted of {@code counter} ({@link BrokerCounters}) per second of the measured part (0 unread). */
        double perSecond(String counter) {
            return broker.getOrDefault(counter, 0.0) / Math.max(1e-9, throughput.seconds());
        }

        /** What the broker counted of {@code counter} ({@link BrokerCounters}) per request matched while measured (0 unread). */
        double perRequest(String counter) {
            return broker.getOrDefault(counter, 0.0) / Math.max(1, cpuRecords);
        }
    }

    /**
     * Matches requests unmeasured by the rule {@code warmUpOf} makes of the instances' compilers'
     * CPU seconds (its most are written for it), then {@code requests} measured. The memory is read
     * once the whole backlog is matched, the topology idle, as a running marketplace holds its
     * requests between bursts.
     */
    private Backlog matchBacklog(String name, Workload workload, String guarantee, Function<DoubleSupplier, BacklogWarmUp> warmUpOf,
            long requests, int instances, Duration limit, boolean measureMemory) {
        workload.provision();
        workload.publishCatalog();
        Pattern assignments = workload.topics().everyProducersAssignments().pattern();
        // what matching asks of the broker: the topology's own writes, not the pre-produced submissions
        String submissions = workload.topics().requests().name();
        Map<String, DoubleSupplier> broker = BrokerCounters.of(context.cluster(),
                topic -> topic.startsWith(workload.prefix()) && !topic.equals(submissions));
        List<TopologyProcess> started = new ArrayList<>();
        try (OutputMeter meter = new OutputMeter(context.cluster(), workload.prefix() + "meter", assignments)) {
            for (int i = 0; i < instances; i++) {
                started.add(TopologyProcess.launch(context, workload, name + "-topology-" + i, guarantee, Map.of()));
            }
            started.forEach(TopologyProcess::awaitReady);
            // as in a running marketplace, the offers are known before the requests come
            workload.awaitCatalog(Duration.ofMinutes(1));
            // the whole backlog, the warm-up's and the measured requests, is written while the
            // warm-up is matched, so that the measured part shares the machine with the broker
            // alone, as the passthrough's does (its records are all written before it starts)
            BacklogWarmUp rule = warmUpOf.apply(() -> started.stream().mapToDouble(TopologyProcess::compilerCpuSeconds).sum());
            workload.preProduce(0, rule.most() + requests);
            BacklogWarmUp.Reached warm = rule.await(meter::counted, limit, IDLE);
            meter.startWindow(warm.records());
            double cpuBefore = started.stream().mapToDouble(TopologyProcess::cpuSeconds).sum();
            Map<String, Double> brokerBefore = read(broker);
            long countedBefore = meter.counted();
            started.forEach(TopologyProcess::markMeasured);
            OutputMeter.Throughput throughput = meter.await(requests, limit, IDLE);
            double cpu = started.stream().mapToDouble(TopologyProcess::cpuSeconds).sum() - cpuBefore;
            long cpuRecords = meter.counted() - countedBefore;
            Map<String, Double> brokerUsed = read(broker);
            brokerUsed.replaceAll((counter, now) -> now - brokerBefore.get(counter));
            double compiling = started.stream().mapToDouble(TopologyProcess::compilerSecondsSinceMark).sum();
            if (measureMemory) {
                // what the warm-up left of its part of the backlog is matched first (within another limit)
                meter.await(rule.most() + requests - warm.records(), limit, IDLE);
            }
            long live = meter.counted();
            TopologyProcess.Memory memory = measureMemory ? started.get(0).memory() : new TopologyProcess.Memory(0, 0);
            return new Backlog(warm, throughput, cpu, cpuRecords, compiling, memory, live, brokerUsed);
        } finally {
            started.forEach(TopologyProcess::close);
        }
    }
}
