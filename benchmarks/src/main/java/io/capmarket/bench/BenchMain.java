package io.capmarket.bench;

import io.capmarket.schemas.AvroTrust;
import io.capmarket.topology.app.TopologyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code ./capmarket bench [--quick]}: starts a broker and registry (or uses the cluster given),
 * runs every scenario, prints one table and writes {@code results.json}. Each throughput is shown
 * beside a ceiling measured on the same broker in the same run, as a ratio.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            if (Arrays.asList(args).contains("--help")) {
                System.out.print(BenchOptions.usage());
                return;
            }
            options = BenchOptions.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println("capmarket bench: " + e.getMessage());
            System.err.print(BenchOptions.usage());
            System.exit(2);
            return;
        }
        AvroTrust.install();
        long started = System.nanoTime();
        Report report = run(options);
        System.out.println();
        System.out.print(report.table());
        Path json = options.outputDirectory().resolve("results.json");
        report.write(json);
        writeText(options.outputDirectory().resolve("results.md"), report.markdown());
        System.out.printf(Locale.ROOT, "%nbench finished in %.0f s; results in %s%n", (System.nanoTime() - started) / 1e9,
                json.toAbsolutePath());
    }

    static Report run(BenchOptions options) {
        return run(options, options.quick() ? Sizes.QUICK : Sizes.FULL);
    }

    /** Runs the scenarios {@code options} select at {@code sizes}. */
    static Report run(BenchOptions options, Sizes sizes) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Path directory = options.outputDirectory().resolve("run-" + runId).toAbsolutePath();
        Report report = new Report(machine(options, sizes));
        try (Cluster cluster = options.bootstrapServers() == null ? Cluster.embedded(directory)
                : Cluster.external(options.bootstrapServers(), options.registryUrl())) {
            BenchContext context = new BenchContext(cluster, sizes, directory, runId, options.profile(), options.topologySettings(),
                    options.jvmOptions());
            StreamsScenarios streams = new StreamsScenarios(context);
            for (String guarantee : List.of(TopologyConfig.EXACTLY_ONCE_V2, TopologyConfig.AT_LEAST_ONCE)) {
                boolean eos = guarantee.equals(TopologyConfig.EXACTLY_ONCE_V2);
                String ceilingName = eos ? Scenarios.CEILING_EOS : Scenarios.CEILING_ALOS;
                String matchingName = eos ? Scenarios.MATCHING_EOS : Scenarios.MATCHING_ALOS;
                List<String> latencyNames = eos ? List.of(Scenarios.LATENCY_EOS_1000, Scenarios.LATENCY_EOS_5000)
                        : List.of(Scenarios.LATENCY_ALOS_1000, Scenarios.LATENCY_ALOS_5000);
                double ceiling = 0;
                if (options.runs(ceilingName) || options.runs(matchingName)) {
                    Result result = measure(report, ceilingName, () -> streams.ceiling(ceilingName, guarantee));
                    ceiling = result.number("records_per_s");
                }
                if (options.runs(matchingName)) {
                    double baseline = ceiling;
                    measure(report, matchingName, () -> streams.matching(matchingName, guarantee, baseline));
                }
                List<String> latency = latencyNames.stream().filter(options::runs).toList();
                if (!latency.isEmpty()) {
                    announce(String.join(", ", latency));
                    streams.latency(guarantee, latency, latency.stream().map(BenchMain::rateOf).toList()).forEach(r -> add(report, r));
                }
            }
            boolean ceiling = options.runs(Scenarios.GATEWAY_CEILING);
            boolean post = options.runs(Scenarios.GATEWAY_POST);
            boolean get = options.runs(Scenarios.GATEWAY_GET);
            if (ceiling || post || get) {
                announce("gateway");
                new GatewayScenarios(context).run(ceiling, post, get).forEach(r -> add(report, r));
            }
            if (options.runs(Scenarios.ROUNDTRIP)) {
                measure(report, Scenarios.ROUNDTRIP, () -> new RoundTripScenario(context).run(1_000));
            }
            double baseline = 0;
            if (options.runs(Scenarios.SCALE_1_1)) {
                baseline = measure(report, Scenarios.SCALE_1_1, () -> streams.scale(Scenarios.SCALE_1_1, 1, 1, 0))
                        .number("requests_per_s");
            }
            double one = baseline;
            if (options.runs(Scenarios.SCALE_1_4)) {
                measure(report, Scenarios.SCALE_1_4, () -> streams.scale(Scenarios.SCALE_1_4, 4, 1, one));
            }
            if (options.runs(Scenarios.SCALE_2_4)) {
                measure(report, Scenarios.SCALE_2_4, () -> streams.scale(Scenarios.SCALE_2_4, 4, 2, one));
            }
        } finally {
            removeData(directory);
        }
        return report;
    }

    /** Deletes the broker's and the instances' data of a run; the logs, settings and profiles stay. */
    private static void removeData(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (var entries = Files.list(directory)) {
            for (Path entry : entries.filter(Files::isDirectory).toList()) {
                try (var tree = Files.walk(entry)) {
                    for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("capmarket bench: could not remove all data under " + directory + ": " + e.getMessage());
        }
    }

    private static int rateOf(String latencyName) {
        return Integer.parseInt(latencyName.substring(latencyName.lastIndexOf('-') + 1));
    }

    private static Result measure(Report report, String name, Supplier<Result> scenario) {
        announce(name);
        Result result = scenario.get();
        add(report, result);
        return result;
    }

    private static void announce(String name) {
        System.out.printf(Locale.ROOT, "%s  running %s ...%n", Instant.now().toString().substring(11, 19), name);
    }

    private static void add(Report report, Result result) {
        report.add(result);
        System.out.printf(Locale.ROOT, "          %s: %s%n", result.name(), result.figures());
    }

    private static Map<String, Object> machine(BenchOptions options, Sizes sizes) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory_gib", Math.round(totalMemoryBytes() / (double) (1L << 30)));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("kafka", org.apache.kafka.common.utils.internals.AppInfoParser.getVersion());
        machine.put("cluster", options.bootstrapServers() == null ? "in-JVM KRaft broker and embedded registry" : options.bootstrapServers());
        machine.put("run", options.quick() ? "quick" : "full");
        machine.put("sizes", sizes.toString());
        machine.put("topology_settings", options.topologySettings());
        machine.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        machine.put("started", Instant.now().toString());
        return machine;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static long totalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
