package io.capmarket.bench;

import io.capmarket.gateway.AccessConfig;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.gateway.GatewayMain;
import io.capmarket.testkit.net.LocalPorts;
import io.capmarket.topology.app.TopologyConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.DoubleSupplier;

/**
 * The gateway under a closed-loop load of {@value #CONNECTIONS} connections: a trivial endpoint of
 * the same server ({@code /health/live}) as the ceiling, then submissions ({@code POST
 * /v1/requests}, each with its own Idempotency-Key, answered 202 once Kafka has acknowledged the
 * request, which is readable from then on), then reads of those requests ({@code GET /v1/requests/{id}}). The gateway and the
 * topology run in processes of their own; the load comes from the benchmark's.
 */
final class GatewayScenarios {

    static final int CONNECTIONS = 64;
    /** The processes whose CPU each measured part reports, per successful call. */
    private static final String GATEWAY = "gateway";
    private static final String TOPOLOGY = "topology";
    private static final String HARNESS = "harness";
    /** The JIT compilers' share of the gateway's and the topology's CPU: what a figure owes to a process still warming up. */
    private static final String GATEWAY_JIT = "gateway_jit";
    private static final String TOPOLOGY_JIT = "topology_jit";
    private static final String TOKEN = "demo-consumer";

    private final BenchContext context;

    GatewayScenarios(BenchContext context) {
        this.context = context;
    }

    List<Result> run(boolean ceiling, boolean post, boolean get) {
        Workload workload = context.workload("gateway", StreamsScenarios.PARTITIONS);
        workload.provision();
        workload.publishCatalog();
        List<Result> results = new ArrayList<>();
        try (TopologyProcess topology = TopologyProcess.start(context, workload, "gateway-topology",
                TopologyConfig.EXACTLY_ONCE_V2, Map.of());
                GatewayProcess gateway = startGateway(workload)) {
            String base = gateway.baseUrl();
            gateway.jvm().awaitHttpOk(base + "/health/ready", Duration.ofSeconds(120));
            awaitCatalog(base, workload);
            ClosedLoop load = new ClosedLoop(CONNECTIONS);
            Map<String, DoubleSupplier> counters = new LinkedHashMap<>();
            counters.put(GATEWAY, gateway.jvm()::cpuSeconds);
            counters.put(TOPOLOGY, topology::cpuSeconds);
            counters.put(HARNESS, GatewayScenarios::ownCpuSeconds);
            counters.put(GATEWAY_JIT, gateway.jvm()::compilerCpuSeconds);
            counters.put(TOPOLOGY_JIT, topology::compilerCpuSeconds);
            // what a call asks of the broker: the records and appends of every topic of the marketplace's
            counters.putAll(BrokerCounters.of(context.cluster(), topic -> topic.startsWith(workload.prefix())));
            DoubleSupplier compilers = () -> gateway.jvm().compilerCpuSeconds() + topology.compilerCpuSeconds();
            ClosedLoop.WarmUp warmUp = warmUp(context.sizes().warmUp(), compilers);
            double ceilingRate = 0;
            if (ceiling || post || get) {
                ClosedLoop.Outcome trivial = load.run((c, n) -> HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                        200, warmUp, context.sizes().gatewayRun(), answer -> { }, counters);
                ceilingRate = trivial.perSecond();
                if (ceiling) {
                    results.add(result(Scenarios.GATEWAY_CEILING, trivial, 0, "GET /health/live"));
                }
            }
            // every accepted request's location, added by 64 threads: a queue, not a list copied on each add
            Queue<String> created = new ConcurrentLinkedQueue<>();
            ClosedLoop.Outcome posts = load.run((c, n) -> submit(base, workload, c, n), 202, warmUp,
                    context.sizes().gatewayRun(), answer -> answer.headers().firstValue("Location").ifPresent(created::add), counters);
            if (post) {
                results.add(result(Scenarios.GATEWAY_POST, posts, ceilingRate, "POST /v1/requests"));
            }
            if (get) {
                List<String> ids = List.copyOf(created);
                ClosedLoop.Outcome reads = load.run((c, n) -> HttpRequest.newBuilder(URI.create(base
                        + ids.get((int) ((c * 7919L + n) % ids.size())))).header("Authorization", "Bearer " + TOKEN).build(),
                        200, warmUp(context.sizes().warmUpAgain(), compilers), context.sizes().gatewayRun(), answer -> { }, counters);
                results.add(result(Scenarios.GATEWAY_GET, reads, ceilingRate, "GET /v1/requests/{id}"));
            }
        }
        return results;
    }

    /** The gateway's process and where it answers. */
    private record GatewayProcess(ChildJvm jvm, String baseUrl) implements AutoCloseable {
        @Override
        public void close() {
            jvm.close();
        }
    }

    private GatewayProcess startGateway(Workload workload) {
        int port = LocalPorts.free();
        Map<String, String> settings = new TreeMap<>();
        settings.put(GatewayConfig.BOOTSTRAP_SERVERS, context.cluster().bootstrapServers());
        settings.put(GatewayConfig.SCHEMA_REGISTRY_URL, context.cluster().registryUrl());
        settings.put(GatewayConfig.APPLICATION_ID, workload.prefix() + "gateway");
        settings.put(GatewayConfig.TOPOLOGY_APPLICATION_ID, workload.prefix() + "topology");
        // the harness measures what the gateway serves, not its rate limits
        settings.put(AccessConfig.CALLER_RATE, "0");
        settings.put(AccessConfig.TEAM_RATE, "0");
        settings.put(GatewayConfig.TOPICS_PREFIX, workload.prefix());
        settings.put(GatewayConfig.TOPICS_PARTITIONS, Integer.toString(workload.partitions()));
        settings.put(GatewayConfig.STATE_DIR, context.directory().resolve("gateway-state").toAbsolutePath().toString());
        settings.put(GatewayConfig.HTTP_HOST, "127.0.0.1");
        settings.put(GatewayConfig.HTTP_PORT, Integer.toString(port));
        settings.put(GatewayConfig.ADVERTISED_HOST, "127.0.0.1");
        settings.put(GatewayConfig.DEV_MODE, "true");
        var file = context.directory().resolve("gateway.properties");
        ChildJvm.writeProperties(file, settings);
        return new GatewayProcess(ChildJvm.start(context, "gateway", GatewayMain.class,
                List.of("--config", file.toAbsolutePath().toString())), "http://127.0.0.1:" + port);
    }

    /** Waits until the gateway's catalog (fed by the topology) knows the benchmark's capabilities. */
    private void awaitCatalog(String base, Workload workload) {
        String url = base + "/v1/capabilities/" + workload.capability(0);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ChildJvm.status(url, "Authorization", "Bearer " + TOKEN) != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway's catalog did not show " + workload.capability(0) + " within 60 s");
            }
            Pause.briefly(Duration.ofMillis(200));
        }
    }

    private static HttpRequest submit(String base, Workload workload, int client, long n) {
        String body = "{\"capability\":\"" + workload.capabilityOf(client * 31L + n) + "\",\"version\":1,"
                + "\"parameters\":" + Workload.PARAMETERS + ",\"constraints\":{},\"priority\":\"NORMAL\"}";
        return HttpRequest.newBuilder(URI.create(base + "/v1/requests"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .header("Idempotency-Key", "bench-" + client + "-" + n)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /**
     * A warm-up of at least {@code least} and at most twice that: the gateway's and the topology's
     * compilers were still busy a minute into the {@code POST}s (the topology's 6–18 µs per
     * {@code POST}, against 1–2 µs per call a minute into the ceiling's calls).
     */
    private static ClosedLoop.WarmUp warmUp(Duration least, DoubleSupplier compilers) {
        return ClosedLoop.WarmUp.settling(least, least.multipliedBy(2), compilers);
    }

    private Result result(String name, ClosedLoop.Outcome outcome, double ceilingRate, String what) {
        Result result = new Result(name).with("requests_per_s", outcome.perSecond())
                .with("p50_ms", outcome.percentileMillis(50)).with("p99_ms", outcome.percentileMillis(99))
                .with("p999_ms", outcome.percentileMillis(99.9)).with("warm_up_s", outcome.warmUpSeconds())
                .with("compilers_pct_at_start", 100 * outcome.compilersAtStart());
        if (ceilingRate > 0) {
            result.ratioTo(ceilingRate, outcome.perSecond());
        }
        result.with("ok", outcome.ok()).with("unexpected_status", outcome.unexpected()).with("errors", outcome.errors())
                .with("connections", CONNECTIONS).with("endpoint", what)
                .with("gateway_cpu_us_per_call", outcome.cpuMicrosPerAnswer(GATEWAY))
                .with("topology_cpu_us_per_call", outcome.cpuMicrosPerAnswer(TOPOLOGY))
                .with("harness_cpu_us_per_call", outcome.cpuMicrosPerAnswer(HARNESS))
                .with("gateway_jit_us_per_call", outcome.cpuMicrosPerAnswer(GATEWAY_JIT))
                .with("topology_jit_us_per_call", outcome.cpuMicrosPerAnswer(TOPOLOGY_JIT));
        if (context.cluster().inThisJvm()) {
            result.with("broker_records_per_call", outcome.perAnswer(BrokerCounters.RECORDS))
                    .with("broker_partition_appends_per_call", outcome.perAnswer(BrokerCounters.PARTITION_APPENDS))
                    .with("broker_produce_requests_per_s", outcome.perSecondOf(BrokerCounters.PRODUCE_REQUESTS))
                    .with("broker_fetch_requests_per_s", outcome.perSecondOf(BrokerCounters.FETCH_REQUESTS));
        }
        return result;
    }

    /**
     * The CPU this JVM has used so far, in seconds: the broker, the registry and the HTTP client
     * (0 where the platform does not tell).
     */
    private static double ownCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(used -> used.toNanos() / 1e9).orElse(0.0);
    }
}
