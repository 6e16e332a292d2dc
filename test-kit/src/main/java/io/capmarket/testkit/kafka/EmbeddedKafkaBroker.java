package io.capmarket.testkit.kafka;

import io.capmarket.testkit.net.LocalPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka (combined KRaft broker and controller) running inside this JVM, built
 * from Kafka's own server jars. Listens on 127.0.0.1 only.
 *
 * <p>Lifecycle: {@link #start()} formats the data directory if it is not formatted yet and
 * starts the node; {@link #stop()} shuts it down and keeps the data; {@code start()} may be
 * called again and serves the same data on the same port (a broker restart). A new broker's first
 * start on a kept data directory (after another process's run, perhaps killed) also aborts the
 * transactions Kafka 4.4 can leave open for good after an unclean stop, before {@code start()}
 * returns: about a second more when one looks hung. {@link #close()} stops the node and
 * deletes the data directory only when this broker created it itself.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(9092).build().start()) {
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>The configuration suits one node: every internal topic has replication factor 1 and
 * min ISR 1 (so transactions and {@code exactly_once_v2} work), consumer groups rebalance
 * without the initial delay, a transaction left open by a killed client is aborted within a
 * second of its timeout, and topics are created automatically. Broker configs given to the
 * builder override these defaults. The lifecycle methods are thread-safe.
 *
 * <h2>Secure mode</h2>
 *
 * <p>{@link Builder#secure()} turns on what a production cluster has: every client authenticates
 * with SASL/SCRAM-SHA-512 ({@value #SECURE_LISTENER} on 127.0.0.1) and every request is authorized
 * by Kafka's {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}: a
 * principal may do only what an ACL allows. One principal, the admin ({@value #DEFAULT_ADMIN_USER}
 * unless set), is the only super user; its SCRAM credential is written into the cluster's metadata
 * when the storage is formatted, so it can log in from the first second and create the others'
 * credentials and ACLs. {@link #adminClientConfig()} returns its client settings.
 *
 * <ul>
 *   <li>Brokers talk to each other over the same SASL listener, as the admin.</li>
 *   <li>The controller listener uses SASL/PLAIN with one static user, this node itself, whose
 *       password is drawn at random on every start and never leaves the JVM (it is not written to
 *       the data directory). A client that connects to the controller port without it is refused
 *       at authentication, so the port gives no one the super user's powers. SCRAM is not used
 *       there because a controller must authenticate before it has loaded the metadata that holds
 *       the SCRAM credentials.</li>
 *   <li>The admin's password stays the same for the life of a data directory: it was written
 *       into the metadata at format time, and beside the data in a file only its owner may read
 *       ({@code capmarket-security.properties}), so {@link Builder#secure()} finds it again after a restart.
 *       A data directory formatted without security is refused in secure mode (wipe it or use
 *       another one).</li>
 * </ul>
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().secure().build().start();
 *      Admin admin = Admin.create(kafka.adminClientConfig())) {
 *     admin.createAcls(...);
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    /** The default number of partitions of automatically created topics. */
    public static final int DEFAULT_PARTITIONS = 1;
    /** The SASL mechanism clients of a secure broker authenticate with. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    /** The super user of a secure broker unless {@link Builder#secure(String, String)} names another. */
    public static final String DEFAULT_ADMIN_USER = "admin";
    /** The name (and security protocol) of a secure broker's client listener. */
    public static final String SECURE_LISTENER = "SASL_PLAINTEXT";
    /** The authorizer of a secure broker. */
    public static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    /** What a SCRAM user name or password may hold: safe inside JAAS quotes and the storage tool's {@code --add-scram}. */
    private static final Pattern CREDENTIAL = Pattern.compile("[A-Za-z0-9._~-]{1,200}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";

    private final Map<String, String> overrides;
    private final ClusterMember member;
    private final int defaultPartitions;
    private final boolean ownsDataDirectory;
    private final Path dataDirectory;
    private final BrokerStorage storage;
    private final String adminUser;
    private final boolean generatedPassword;
    private String adminPassword;
    private int port;
    private int controllerPort;
    private KafkaRaftServer server;
    private boolean startedBefore;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.overrides = Map.copyOf(builder.overrides);
        this.member = builder.member;
        this.controllerPort = builder.member == null ? 0 : builder.member.controllerPort();
        this.defaultPartitions = builder.defaultPartitions;
        this.port = builder.port;
        this.adminUser = builder.adminUser;
        this.adminPassword = builder.adminPassword;
        this.generatedPassword = builder.generatedPassword;
        this.ownsDataDirectory = builder.dataDirectory == null;
        this.dataDirectory = ownsDataDirectory ? BrokerStorage.createTemporary() : builder.dataDirectory.toAbsolutePath();
        this.storage = new BrokerStorage(dataDirectory);
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
     * This broker's first start on a kept data directory then aborts the transactions an unclean
     * stop left open for good, holding this broker's other methods meanwhile (see the class).
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
            port = LocalPorts.free();
        }
        // the system may hand out the port just released again: the controller's must differ from the broker's
        for (int tries = 0; member == null && (controllerPort == 0 || controllerPort == port); tries++) {
            if (tries == 10) {
                throw new IllegalStateException("no free port on " + HOST + " other than " + port + " for the controller");
            }
            controllerPort = LocalPorts.free();
        }
        if (secure()) {
            adminPassword = storage.adoptStoredCredential(adminUser, adminPassword, generatedPassword);
        }
        // a new node on a kept directory may follow an unclean stop (a restart in this JVM follows a clean one)
        boolean afterAnotherRun = member == null && !startedBefore && storage.formatted();
        Properties properties = new NodeProperties(member == null ? NODE_ID : member.nodeId(),
                member == null ? NODE_ID + "@" + HOST + ":" + controllerPort : member.voters(), HOST, port, controllerPort,
                secure() ? adminUser : null, adminPassword, storage.logDirectory(), defaultPartitions, overrides)
                .properties(secure() ? randomSecret() : null);
        storage.formatIfNeeded(properties, member == null ? Uuid.randomUuid().toString() : member.clusterId(),
                secure() ? adminUser : null, adminPassword);
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
        startedBefore = true;
        if (afterAnotherRun) {
            HangingTransactions.abortLeftBy(adminClientConfig(), dataDirectory);
        }
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
     * Returns the settings an admin client needs: {@code bootstrap.servers}, and on a secure broker
     * the super user's {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}.
     *
     * @return a new mutable map, to add client settings to
     * @throws IllegalStateException before the first start when a free port was requested
     */
    @Override
    public synchronized Map<String, Object> adminClientConfig() {
        return secure() ? clientConfig(adminUser, adminPassword) : new LinkedHashMap<>(Map.of("bootstrap.servers", bootstrapServers()));
    }

    /**
     * Returns the settings of a client that logs in as {@code user} on this secure broker. The user
     * needs a SCRAM-SHA-512 credential ({@code Admin.alterUserScramCredentials}) and ACLs.
     *
     * @param user the SCRAM user name
     * @param password its password
     * @return a new mutable map with {@code bootstrap.servers}, {@code security.protocol},
     *     {@code sasl.mechanism} and {@code sasl.jaas.config}
     * @throws IllegalStateException if this broker is not secure
     */
    public Map<String, Object> clientConfig(String user, String password) {
        if (!secure()) {
            throw new IllegalStateException("This broker has no authentication; build it with secure() to log in as a user");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", bootstrapServers());
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", SCRAM_MECHANISM);
        config.put("sasl.jaas.config",
                NodeProperties.jaas("org.apache.kafka.common.security.scram.ScramLoginModule", user, password, ""));
        return config;
    }

    /**
     * Returns whether clients must authenticate (SASL/SCRAM) and be authorized by ACLs.
     *
     * @return true when built with {@link Builder#secure()}
     */
    public boolean secure() {
        return adminPassword != null;
    }

    /**
     * Returns the super user's name on a secure broker.
     *
     * @return the admin's SCRAM user name
     * @throws IllegalStateException if this broker is not secure
     */
    public String adminUser() {
        requireSecure();
        return adminUser;
    }

    /**
     * Returns the super user's password on a secure broker, to hand to tools that run as the admin.
     *
     * @return the admin's SCRAM password
     * @throws IllegalStateException if this broker is not secure
     */
    public synchronized String adminPassword() {
        requireSecure();
        return adminPassword;
    }

    private void requireSecure() {
        if (!secure()) {
            throw new IllegalStateException("This broker has no authentication; build it with secure()");
        }
    }

    /**
     * Returns the client port (the chosen one once started when the builder asked for 0).
     *
     * @return the port, or 0 before the first start when a free port was requested
     */
    public synchronized int port() {
        return port;
    }

    /** The controller listener's port, for tests that check who may connect to it. */
    synchronized int controllerPort() {
        return controllerPort;
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
            storage.delete();
        }
    }

    /** A random secret of URL-safe characters (allowed by {@link #CREDENTIAL}). */
    private static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String requireCredential(String what, String value) {
        if (value == null || !CREDENTIAL.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', '~' and '-', "
                    + "but was " + (value == null ? "null" : what.toLowerCase(Locale.ROOT).endsWith("password") ? "a value of " + value.length()
                    + " characters with others" : "'" + value + "'"));
        }
        return value;
    }

    /** Builds an {@link EmbeddedKafkaBroker}; {@link #build()} does not start it. */
    public static final class Builder {

        private Path dataDirectory;
        private int port;
        private int defaultPartitions = DEFAULT_PARTITIONS;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private ClusterMember member;
        private String adminUser = DEFAULT_ADMIN_USER;
        private String adminPassword;
        private boolean generatedPassword;

        private Builder() {
        }

        /**
         * Requires SASL/SCRAM-SHA-512 authentication and ACL authorization, with the super user
         * {@value EmbeddedKafkaBroker#DEFAULT_ADMIN_USER} and a random password (see
         * {@link EmbeddedKafkaBroker#adminClientConfig()}). A kept data directory remembers the
         * password it was formatted with (in a file only its owner may read) and uses it again.
         *
         * @return this builder
         */
        public Builder secure() {
            secure(DEFAULT_ADMIN_USER, randomSecret());
            this.generatedPassword = true;
            return this;
        }

        /**
         * Requires SASL/SCRAM-SHA-512 authentication and ACL authorization, with this super user.
         * Its credential is added when the storage is formatted; a kept data directory must be
         * started with the same one every time.
         *
         * @param adminUser the super user's name
         * @param adminPassword its password
         * @return this builder
         * @throws IllegalArgumentException if a value has characters other than A-Z, a-z, 0-9, '.', '_', '~' and '-'
         */
        public Builder secure(String adminUser, String adminPassword) {
            this.adminUser = requireCredential("adminUser", adminUser);
            this.adminPassword = requireCredential("adminPassword", adminPassword);
            this.generatedPassword = false;
            return this;
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
         * Makes this node one member of a cluster of several (each its own broker and controller)
         * instead of a cluster of its own. Replication settings are the caller's, through
         * {@link #brokerConfig(String, String)}.
         *
         * @param member the node's id, its controller port, the quorum and the cluster's id
         * @return this builder
         */
        public Builder member(ClusterMember member) {
            this.member = Objects.requireNonNull(member, "member");
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
