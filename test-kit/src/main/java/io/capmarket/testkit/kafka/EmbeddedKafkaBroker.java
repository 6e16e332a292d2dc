package io.capmarket.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka (combined KRaft broker and controller) running inside this JVM, built
 * from Kafka's own server jars. Listens on 127.0.0.1 only.
 *
 * <p>Lifecycle: {@link #start()} formats the data directory if it is not formatted yet and
 * starts the node; {@link #stop()} shuts it down and keeps the data; {@code start()} may be
 * called again and serves the same data on the same port (a broker restart). {@link #close()}
 * stops the node and deletes the data directory only when this broker created it itself.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(9092).build().start()) {
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>The configuration suits one node: every internal topic has replication factor 1 and
 * min ISR 1 (so transactions and {@code exactly_once_v2} work), consumer groups rebalance
 * without the initial delay, and topics are created automatically. Broker configs given to the
 * builder override these defaults. The lifecycle methods are thread-safe.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    /** The default number of partitions of automatically created topics. */
    public static final int DEFAULT_PARTITIONS = 1;

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String LOG_DIR_NAME = "logs";

    private final Map<String, String> overrides;
    private final int defaultPartitions;
    private final boolean ownsDataDirectory;
    private final Path dataDirectory;
    private int port;
    private int controllerPort;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.overrides = Map.copyOf(builder.overrides);
        this.defaultPartitions = builder.defaultPartitions;
        this.port = builder.port;
        this.ownsDataDirectory = builder.dataDirectory == null;
        this.dataDirectory = ownsDataDirectory ? createTempDirectory() : builder.dataDirectory.toAbsolutePath();
    }

    /**
     * Returns a builder with the defaults: a fresh temporary data directory, a free port and
     * {@value #DEFAULT_PARTITIONS} partition(s) per automatically created topic.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory when needed and starts the node; does nothing when it runs already.
     *
     * @return this broker, for chaining
     * @throws IllegalStateException if the broker was closed, or formatting or startup failed
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("This broker is closed; build a new one");
        }
        if (server != null) {
            return this;
        }
        if (port == 0) {
            port = freePort();
        }
        if (controllerPort == 0) {
            controllerPort = freePort();
        }
        Properties properties = serverProperties();
        formatIfNeeded(properties);
        KafkaRaftServer node = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        try {
            node.startup();
        } catch (RuntimeException e) {
            node.shutdown();
            node.awaitShutdown();
            throw new IllegalStateException("Kafka did not start on " + bootstrapServers()
                    + " with data in " + dataDirectory, e);
        }
        server = node;
        return this;
    }

    /** Shuts the node down and keeps its data; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer node = server;
        server = null;
        node.shutdown();
        node.awaitShutdown();
    }

    /**
     * Returns whether the node is running.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public synchronized String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("The port is chosen on start(); start the broker first");
        }
        return HOST + ":" + port;
    }

    /**
     * Returns the client port (the chosen one once started when the builder asked for 0).
     *
     * @return the port, or 0 before the first start when a free port was requested
     */
    public synchronized int port() {
        return port;
    }

    /**
     * Returns the directory holding the node's configuration and log directory.
     *
     * @return an absolute path
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        if (ownsDataDirectory) {
            deleteRecursively(dataDirectory);
        }
    }

    private Properties serverProperties() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", dataDirectory.resolve(LOG_DIR_NAME).toString());
        config.put("num.partitions", Integer.toString(defaultPartitions));
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("auto.create.topics.enable", "true");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("share.coordinator.state.topic.num.partitions", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MiB dedupe buffer is allocated up front; test JVMs are small.
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        config.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }

    private void formatIfNeeded(Properties properties) {
        if (Files.exists(dataDirectory.resolve(LOG_DIR_NAME).resolve("meta.properties"))) {
            return;
        }
        Path configFile = dataDirectory.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            properties.store(out, "Written by EmbeddedKafkaBroker to format the storage");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + configFile, e);
        }
        String[] args = {
            "format",
            "--config", configFile.toString(),
            "--cluster-id", Uuid.randomUuid().toString(),
            "--release-version", MetadataVersion.latestProduction().version(),
            "--ignore-formatted",
        };
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args, stream);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Formatting " + dataDirectory + " failed: "
                    + output.toString(StandardCharsets.UTF_8), e);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("Formatting " + dataDirectory + " failed with exit code "
                    + exitCode + ": " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    private static Path createTempDirectory() {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "capmarket-kafka-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a data directory under " + parent, e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }

    /** Builds an {@link EmbeddedKafkaBroker}; {@link #build()} does not start it. */
    public static final class Builder {

        private Path dataDirectory;
        private int port;
        private int defaultPartitions = DEFAULT_PARTITIONS;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Keeps the node's data in this directory. It is created when missing, formatted when
         * not formatted yet, reused otherwise, and never deleted by the broker.
         *
         * @param directory the data directory
         * @return this builder
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "dataDirectory");
            return this;
        }

        /**
         * Sets the client port; 0 (the default) picks a free one on the first start.
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the number of partitions of automatically created topics ({@code num.partitions}).
         *
         * @param partitions at least 1
         * @return this builder
         */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be at least 1, but was " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /**
         * Sets a broker configuration property, overriding the defaults of this class.
         *
         * @param name a Kafka broker config name, for example {@code log.retention.ms}
         * @param value its value
         * @return this builder
         */
        public Builder brokerConfig(String name, String value) {
            overrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets several broker configuration properties; see {@link #brokerConfig(String, String)}.
         *
         * @param configs names and values
         * @return this builder
         */
        public Builder brokerConfigs(Map<String, String> configs) {
            configs.forEach(this::brokerConfig);
            return this;
        }

        /**
         * Creates the broker (and its temporary data directory when none was given) without starting it.
         *
         * @return a stopped broker; call {@link EmbeddedKafkaBroker#start()}
         */
        public EmbeddedKafkaBroker build() {
            if (dataDirectory != null) {
                try {
                    Files.createDirectories(dataDirectory);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot create data directory " + dataDirectory, e);
                }
            }
            return new EmbeddedKafkaBroker(this);
        }
    }
}
