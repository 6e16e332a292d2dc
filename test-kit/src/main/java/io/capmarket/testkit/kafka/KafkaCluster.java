package io.capmarket.testkit.kafka;

import io.capmarket.testkit.net.LocalPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A replicated Kafka cluster on this machine: {@code n} KRaft nodes, each a combined broker and
 * controller in a JVM of its own ({@link ClusterNodeMain}), every topic on all of them with
 * {@code min.insync.replicas} one less. A node can be killed with {@code SIGKILL} and started
 * again on its ports and data, as a crashed broker would be; the others go on.
 *
 * <pre>{@code
 * try (KafkaCluster cluster = KafkaCluster.start(3, Duration.ofSeconds(90))) {
 *     int victim = cluster.leaderOf("requests", 0);
 *     cluster.kill(victim);
 *     cluster.restart(victim);
 * }
 * }</pre>
 */
public final class KafkaCluster implements KafkaBroker {

    private static final String HOST = "127.0.0.1";
    /** Each node's heap: small, and the JVM stays out of the way of the test's own. */
    private static final List<String> NODE_JVM = List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** How many times a cluster is started on new ports when one of its ports was taken before its node bound it. */
    private static final int START_ATTEMPTS = 3;

    private final List<Node> nodes;
    private final Path directory;
    private final String voters;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Duration startTimeout;

    private record Node(int id, int port, int controllerPort, Path dataDirectory, Path log) {
    }

    private final Map<Integer, Process> running = new LinkedHashMap<>();

    private KafkaCluster(int size, Duration startTimeout) {
        if (size < 1 || size > 9) {
            throw new IllegalArgumentException("a cluster has 1 to 9 nodes here, but " + size + " were asked for");
        }
        this.startTimeout = startTimeout;
        try {
            this.directory = Files.createTempDirectory("capmarket-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the cluster's directory", e);
        }
        List<Node> made = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            Path data = directory.resolve("node-" + id);
            made.add(new Node(id, LocalPorts.free(), LocalPorts.free(), data, directory.resolve("node-" + id + ".log")));
        }
        this.nodes = List.copyOf(made);
        this.voters = nodes.stream().map(n -> n.id() + "@" + HOST + ":" + n.controllerPort()).collect(Collectors.joining(","));
    }

    /**
     * Starts a cluster of {@code size} nodes and waits until every one is a registered broker.
     *
     * @param size the number of nodes, each broker and controller (3 for a quorum that survives one loss)
     * @param startTimeout how long the nodes may take to start and find each other
     * @return the running cluster; the caller closes it
     * @throws IllegalStateException when a node exits or the cluster is not whole in time (with the nodes' logs' ends)
     */
    public static KafkaCluster start(int size, Duration startTimeout) {
        for (int attempt = 1; ; attempt++) {
            KafkaCluster cluster = new KafkaCluster(size, startTimeout);
            try {
                cluster.nodes.forEach(cluster::launch);
                cluster.awaitBrokers(size);
                return cluster;
            } catch (RuntimeException e) {
                // a port found free is only reserved once a node binds it: another socket may take it first
                boolean portTaken = cluster.nodes.stream().anyMatch(node -> portTaken(tail(node.log())));
                cluster.close();
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Whether a node's log ends with it failing to bind a port it was given. */
    static boolean portTaken(String logEnd) {
        return logEnd.contains("java.net.BindException: Address already in use");
    }

    @Override
    public String bootstrapServers() {
        return nodes.stream().map(n -> HOST + ":" + n.port()).collect(Collectors.joining(","));
    }

    /** The node ids, 1 to the cluster's size. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(Node::id).toList();
    }

    /**
     * Kills a node's JVM as a crash would ({@code SIGKILL}: no clean shutdown, no leader handover).
     *
     * @param nodeId the node to kill
     * @throws IllegalStateException if that node does not run
     */
    public synchronized void kill(int nodeId) {
        Process process = running.remove(nodeId);
        if (process == null) {
            throw new IllegalStateException("node " + nodeId + " does not run; running: " + running.keySet());
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + nodeId + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing node " + nodeId, e);
        }
    }

    /**
     * Starts a killed node again on its ports and data, and waits until the cluster has all its brokers.
     *
     * @param nodeId the node to start
     * @throws IllegalStateException if it runs already, exits, or does not rejoin in time
     */
    public synchronized void restart(int nodeId) {
        if (running.containsKey(nodeId)) {
            throw new IllegalStateException("node " + nodeId + " runs already");
        }
        Node node = node(nodeId);
        long readyBefore = readyLines(node);
        launch(node);
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (readyLines(node) <= readyBefore) {
            Process process = running.get(nodeId);
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + nodeId + " exited with " + process.exitValue() + "; its log ends with:\n"
                        + tail(node.log()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + nodeId + " did not run again within " + startTimeout
                        + "; its log ends with:\n" + tail(node.log()));
            }
            pause();
        }
        awaitBrokers(nodes.size());
    }

    /** How many times the node said it runs, over all its starts. */
    private static long readyLines(Node node) {
        try (Stream<String> lines = Files.exists(node.log()) ? Files.lines(node.log(), StandardCharsets.ISO_8859_1) : Stream.empty()) {
            return lines.filter(line -> line.startsWith(ClusterNodeMain.READY)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The interval of this class's polls (a node's start, the cluster's brokers). */
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }

    /**
     * The node leading one partition now.
     *
     * @throws IllegalStateException when the partition has no leader or Kafka does not answer
     */
    public int leaderOf(String topic, int partition) {
        TopicPartitionInfo info = describe(admin -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic))
                .partitions().stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> new IllegalStateException(topic + " has no partition " + partition));
        if (info.leader() == null || info.leader().isEmpty()) {
            throw new IllegalStateException(topic + "-" + partition + " has no leader now");
        }
        return info.leader().id();
    }

    /** The node whose controller leads the metadata quorum now (the active controller). */
    public int activeController() {
        return describe(admin -> admin.describeMetadataQuorum().quorumInfo().get().leaderId());
    }

    @Override
    public synchronized void close() {
        running.values().forEach(Process::destroyForcibly);
        for (Process process : running.values()) {
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }

    private Node node(int nodeId) {
        return nodes.stream().filter(n -> n.id() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + "; nodes are " + nodeIds()));
    }

    private void launch(Node node) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NODE_JVM);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName(),
                "nodeId=" + node.id(), "port=" + node.port(), "controllerPort=" + node.controllerPort(), "voters=" + voters,
                "clusterId=" + clusterId, "dataDir=" + node.dataDirectory(), "replicas=" + nodes.size()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log().toFile())).start();
            running.put(node.id(), process);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start node " + node.id(), e);
        }
    }

    /** Waits until the cluster reports {@code count} brokers, failing early when a node's JVM exits. */
    private void awaitBrokers(int count) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                for (Map.Entry<Integer, Process> node : running.entrySet()) {
                    if (!node.getValue().isAlive()) {
                        throw new IllegalStateException("node " + node.getKey() + " exited with " + node.getValue().exitValue()
                                + "; its log ends with:\n" + tail(node(node.getKey()).log()));
                    }
                }
                try {
                    if (admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // the cluster is still forming: ask again until the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the cluster started", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster did not have " + count + " brokers within " + startTimeout
                            + "; the nodes' logs end with:\n" + nodes.stream().map(n -> "node " + n.id() + ":\n" + tail(n.log()))
                            .collect(Collectors.joining("\n")));
                }
                pause();
            }
        }
    }

    private interface AdminCall<T> {
        T call(Admin admin) throws InterruptedException, ExecutionException;
    }

    private <T> T describe(AdminCall<T> call) {
        try (Admin admin = admin()) {
            return call.call(admin);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the cluster", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the cluster did not answer: " + e.getCause(), e.getCause());
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of("(no log)");
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
