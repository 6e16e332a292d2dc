package io.capmarket.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code ./capmarket bench} runs: the size of the run, where the cluster is, which scenarios
 * and where the results go. Immutable; {@link #parse} checks every argument and names the rule
 * broken.
 *
 * @param quick the short run (under 5 minutes on 2 cores) instead of the full one
 * @param bootstrapServers an existing cluster to run against, or null for an in-JVM broker
 * @param registryUrl the schema registry of that cluster, or null for the embedded one
 * @param only scenario names to run (empty: all)
 * @param outputDirectory where {@code results.json} and the child processes' logs go
 * @param profile whether each measured process records a JFR profile beside its log
 * @param topologySettings settings given to every topology instance, over the benchmark's own
 *     (for example {@code streams.commit.interval.ms=500}), to measure the effect of a setting
 * @param jvmOptions options for every measured process's JVM, after the benchmark's own (a
 *     collector named here replaces the default one), to measure the effect of a JVM setting
 */
public record BenchOptions(boolean quick, String bootstrapServers, String registryUrl, Set<String> only,
        Path outputDirectory, boolean profile, Map<String, String> topologySettings, List<String> jvmOptions) {

    /** Where results go unless {@code --out} says otherwise. */
    public static final Path DEFAULT_OUTPUT = Path.of("target", "bench");

    static final String USAGE = """
            usage: ./capmarket bench [--quick] [--only NAME[,NAME...]] [--bootstrap HOSTS --registry URL] [--out DIR] [--profile] [--topology KEY=VALUE]... [--jvm OPTION]...

              --quick        the short run (under 5 minutes on 2 cores); the full run takes under 20
              --only NAMES   run only these scenarios (comma-separated; a ceiling is always run
                             before the scenarios that are compared with it)
              --bootstrap    an existing Kafka cluster instead of the in-JVM broker (needs --registry)
              --registry     the Confluent-API schema registry of that cluster
              --out DIR      where results.json and the child processes' logs go (default target/bench)
              --profile      record a JFR profile of every measured process (run-*/NAME.jfr)
              --topology KEY=VALUE
                             a setting for every topology instance (repeatable), for example
                             --topology streams.commit.interval.ms=500
              --jvm OPTION   a JVM option for every measured process (repeatable), for example
                             --jvm -XX:+UseZGC (a collector named replaces the default)

            scenarios: %s
            """;

    public BenchOptions {
        only = Set.copyOf(only);
        topologySettings = Map.copyOf(topologySettings);
        jvmOptions = List.copyOf(jvmOptions);
        for (String option : jvmOptions) {
            if (!option.startsWith("-")) {
                throw new IllegalArgumentException("--jvm: a JVM option starts with '-', but was '" + option + "'");
            }
        }
        if ((bootstrapServers == null) != (registryUrl == null)) {
            throw new IllegalArgumentException("--bootstrap and --registry go together: give both or neither");
        }
        for (String name : only) {
            if (!Scenarios.NAMES.contains(name)) {
                throw new IllegalArgumentException("--only: unknown scenario '" + name + "'; known: "
                        + String.join(", ", Scenarios.NAMES));
            }
        }
    }

    /** Whether the scenario {@code name} is to run. */
    public boolean runs(String name) {
        return only.isEmpty() || only.contains(name);
    }

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException naming the argument and what it needs
     */
    public static BenchOptions parse(List<String> args) {
        boolean quick = false;
        String bootstrap = null;
        String registry = null;
        Set<String> only = new LinkedHashSet<>();
        Path out = DEFAULT_OUTPUT;
        boolean profile = false;
        Map<String, String> topology = new LinkedHashMap<>();
        List<String> jvm = new ArrayList<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            switch (arg) {
                case "--quick" -> quick = true;
                case "--profile" -> profile = true;
                case "--topology" -> {
                    String setting = value(arg, rest);
                    int eq = setting.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--topology needs KEY=VALUE, but was '" + setting + "'");
                    }
                    topology.put(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
                }
                case "--jvm" -> {
                    // not value(): a JVM option may itself start with "--" (--add-opens=...)
                    if (rest.isEmpty() || rest.get(0).isBlank()) {
                        throw new IllegalArgumentException("--jvm needs a value");
                    }
                    jvm.add(rest.remove(0).trim());
                }
                case "--bootstrap" -> bootstrap = value(arg, rest);
                case "--registry" -> registry = value(arg, rest);
                case "--out" -> out = Path.of(value(arg, rest));
                case "--only" -> {
                    for (String name : value(arg, rest).split(",")) {
                        if (!name.isBlank()) {
                            only.add(name.trim());
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return new BenchOptions(quick, bootstrap, registry, only, out, profile, topology, jvm);
    }

    private static String value(String option, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--") || rest.get(0).isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.remove(0);
    }

    static String usage() {
        return USAGE.formatted(String.join(", ", Scenarios.NAMES));
    }
}
