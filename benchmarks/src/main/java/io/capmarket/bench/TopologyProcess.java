package io.capmarket.bench;

import io.capmarket.testkit.net.LocalPorts;
import io.capmarket.topology.app.TopologyConfig;
import io.capmarket.topology.app.TopologyMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * capmarket's topology as it runs in production ({@code TopologyMain --config FILE}) in a JVM of
 * its own, on a benchmark workload: liveness and accept deadlines long enough that nothing expires
 * during a run, so every match stands. All instances of one workload share its application id.
 */
final class TopologyProcess implements AutoCloseable {

    private final ChildJvm jvm;
    private final int httpPort;
    private double markedCompilerSeconds;
    private long markedNanos = System.nanoTime();
    private double markedUptime;

    private TopologyProcess(ChildJvm jvm, int httpPort) {
        this.jvm = jvm;
        this.httpPort = httpPort;
    }

    /** Starts an instance and waits until it is RUNNING (see {@link #launch}). */
    static TopologyProcess start(BenchContext context, Workload workload, String name, String guarantee,
            Map<String, String> overrides) {
        TopologyProcess process = launch(context, workload, name, guarantee, overrides);
        process.awaitReady();
        return process;
    }

    /**
     * Starts an instance without waiting for it.
     *
     * @param name names the instance's log, state directory and config file
     * @param overrides further topology settings (for example {@code streams.commit.interval.ms})
     */
    static TopologyProcess launch(BenchContext context, Workload workload, String name, String guarantee,
            Map<String, String> overrides) {
        Cluster cluster = context.cluster();
        Path directory = context.directory();
        int port = LocalPorts.free();
        Map<String, String> settings = new TreeMap<>();
        settings.put(TopologyConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        settings.put(TopologyConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl());
        settings.put(TopologyConfig.APPLICATION_ID, workload.prefix() + "topology");
        settings.put(TopologyConfig.TOPICS_PREFIX, workload.prefix());
        settings.put(TopologyConfig.TOPICS_PARTITIONS, Integer.toString(workload.partitions()));
        settings.put(TopologyConfig.PROCESSING_GUARANTEE, guarantee);
        settings.put(TopologyConfig.STATE_DIR, directory.resolve(name + "-state").toAbsolutePath().toString());
        settings.put(TopologyConfig.HTTP_PORT, Integer.toString(port));
        settings.put(TopologyConfig.LIVENESS_BOUND, "24h");
        settings.put(TopologyConfig.ACCEPT_DEADLINE, "24h");
        settings.put(TopologyConfig.PRODUCERS_APPROVED, workload.approvals());
        settings.put(TopologyConfig.SHUTDOWN_TIMEOUT, "20s");
        settings.putAll(context.topologySettings());
        settings.putAll(overrides);
        Path file = directory.resolve(name + ".properties");
        ChildJvm.writeProperties(file, settings);
        ChildJvm jvm = ChildJvm.start(context, name, TopologyMain.class, List.of("--config", file.toAbsolutePath().toString()));
        return new TopologyProcess(jvm, port);
    }

    /** Waits until Kafka Streams is RUNNING; stops the process when it is not in time. */
    void awaitReady() {
        try {
            jvm.awaitHttpOk(url("/health/ready"), Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** CPU seconds the instance has used so far. */
    double cpuSeconds() {
        return jvm.cpuSeconds();
    }

    /** CPU seconds the instance's JIT compiler has used so far. */
    double compilerCpuSeconds() {
        return jvm.compilerCpuSeconds();
    }

    /**
     * Starts the window {@link #compilingPercent} and {@link #gcPausesSinceMark} report on: the
     * measured part of a run.
     */
    void markMeasured() {
        markedCompilerSeconds = jvm.compilerCpuSeconds();
        markedNanos = System.nanoTime();
        markedUptime = uptimeSeconds();
    }

    /**
     * How busy the instance's JIT compiler was since {@link #markMeasured}, in percent of one core:
     * what a latency tail owes to a process that was not warm yet.
     */
    double compilingPercent() {
        double seconds = (System.nanoTime() - markedNanos) / 1e9;
        return seconds <= 0 ? 0 : 100 * compilerSecondsSinceMark() / seconds;
    }

    /** CPU seconds the instance's JIT compiler used since {@link #markMeasured}. */
    double compilerSecondsSinceMark() {
        return jvm.compilerCpuSeconds() - markedCompilerSeconds;
    }

    /** How long the process has run, in seconds, by its own clock (what its GC log is stamped with). */
    double uptimeSeconds() {
        for (String line : ChildJvm.get(url("/metrics")).split("\n")) {
            if (line.startsWith("process_uptime_seconds")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("the topology's /metrics has no process_uptime_seconds");
    }

    /** The collector's pauses since {@link #markMeasured}. */
    ChildJvm.GcPauses gcPausesSinceMark() {
        return jvm.gcPauses(markedUptime, uptimeSeconds());
    }

    /** Heap in use after a full collection, and the resident set size, in MiB. */
    Memory memory() {
        jvm.collectGarbage();
        double heap = 0;
        for (String line : ChildJvm.get(url("/metrics")).split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new Memory(heap / (1 << 20), jvm.residentBytes() / (double) (1 << 20));
    }

    /** A process's memory in MiB. */
    record Memory(double heapMib, double residentMib) {
    }

    @Override
    public void close() {
        jvm.close();
    }
}
