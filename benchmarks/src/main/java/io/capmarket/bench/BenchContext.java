package io.capmarket.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What every scenario of one run shares: the cluster, the sizes, the directory for state and
 * logs, the run's id, which keeps topics, groups and application ids of runs apart, and
 * whether the measured processes record a profile, the settings every topology instance gets and
 * the options of every measured JVM.
 */
record BenchContext(Cluster cluster, Sizes sizes, Path directory, String runId, boolean profile,
        Map<String, String> topologySettings, List<String> jvmOptions) {

    /** A fresh workload of the standard catalog under its own topic prefix. */
    Workload workload(String name, int partitions) {
        return Workload.standard(cluster, prefix(name), partitions);
    }

    /** A topic prefix, application id or group name unique to this run and {@code name}. */
    String prefix(String name) {
        return "bench-" + runId + "-" + name + ".";
    }
}
