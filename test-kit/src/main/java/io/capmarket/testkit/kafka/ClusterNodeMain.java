package io.capmarket.testkit.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a {@link KafkaCluster}, in a JVM of its own so that it can be killed like a real
 * broker: {@code nodeId=1 port=… controllerPort=… voters=… clusterId=… dataDir=… replicas=3}.
 * Runs until the process is stopped; a {@code SIGTERM} shuts it down cleanly, a {@code SIGKILL}
 * leaves its data as a crash would.
 */
public final class ClusterNodeMain {

    /** What the node prints once it runs, for the process that started it. */
    static final String READY = "capmarket-kafka-node-ready";

    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                System.err.println("every argument is name=value, but one was '" + arg + "'");
                System.exit(2);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int replicas = Integer.parseInt(required(options, "replicas"));
        String minInSync = Integer.toString(Math.max(1, replicas - 1));
        ClusterMember member = new ClusterMember(Integer.parseInt(required(options, "nodeId")),
                Integer.parseInt(required(options, "controllerPort")), required(options, "voters"), required(options, "clusterId"));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .member(member)
                .port(Integer.parseInt(required(options, "port")))
                .dataDirectory(Path.of(required(options, "dataDir")))
                .brokerConfigs(replication(replicas, minInSync))
                .build();
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "kafka-node-shutdown"));
        System.out.println(READY + " " + member.nodeId() + " " + broker.bootstrapServers());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /**
     * A replicated cluster's settings: every topic and internal topic on {@code replicas} nodes, a
     * write acknowledged by all in sync once {@code minInSync} have it, and a silent follower
     * dropped from the in-sync set after 10 s instead of 30 s, so that writes go on sooner.
     */
    static Map<String, String> replication(int replicas, String minInSync) {
        String factor = Integer.toString(replicas);
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("default.replication.factor", factor);
        configs.put("min.insync.replicas", minInSync);
        configs.put("offsets.topic.replication.factor", factor);
        configs.put("transaction.state.log.replication.factor", factor);
        configs.put("transaction.state.log.min.isr", minInSync);
        configs.put("share.coordinator.state.topic.replication.factor", factor);
        configs.put("share.coordinator.state.topic.min.isr", minInSync);
        configs.put("unclean.leader.election.enable", "false");
        configs.put("replica.lag.time.max.ms", "10000");
        return configs;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            System.err.println("missing argument " + name + "=…; given: " + options.keySet());
            System.exit(2);
        }
        return value;
    }
}
