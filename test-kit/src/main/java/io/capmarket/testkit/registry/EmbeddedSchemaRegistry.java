package io.capmarket.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A schema registry speaking Confluent Schema Registry's REST API for AVRO schemas, for tests
 * and the one-JVM dev run (production uses a real Confluent Schema Registry, by URL alone).
 *
 * <p>Without Kafka it keeps everything in memory. With {@link Builder#kafkaBootstrapServers(String)}
 * it keeps schemas and compatibility settings in a compacted, single-partition topic
 * ({@value #DEFAULT_TOPIC} by default, created when missing) in Confluent's record shapes: on
 * start it reads the topic to its end before serving, and every change is acknowledged by
 * Kafka ({@code acks=all}) before it becomes visible, so a new instance on the same topic
 * answers with the same ids, versions and settings. One instance writes to a topic at a time.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
 *         .kafkaBootstrapServers(kafka.bootstrapServers())
 *         .build()
 *         .start()) {
 *     String url = registry.url(); // http://127.0.0.1:PORT, for schema.registry.url
 * }
 * }</pre>
 *
 * <p>Ids are global and content-addressed: the same schema gets the same id under every
 * subject. The default compatibility level is BACKWARD, as in Confluent's registry.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** The topic used for durable storage unless {@link Builder#topic(String)} says otherwise. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final String HOST = "127.0.0.1";

    private final int requestedPort;
    private final Map<String, Object> kafkaClientConfig;
    private final String topic;
    private final String credentials;
    private final String readOnlyCredentials;
    private SchemaJournal journal;
    private RegistryHttpServer server;
    private boolean closed;

    private EmbeddedSchemaRegistry(Builder builder) {
        this.requestedPort = builder.port;
        this.kafkaClientConfig = builder.kafkaClientConfig == null ? null : Map.copyOf(builder.kafkaClientConfig);
        this.topic = builder.topic;
        this.credentials = builder.credentials;
        this.readOnlyCredentials = builder.readOnlyCredentials;
    }

    /**
     * Returns a builder with the defaults: a free port, in-memory storage, no authentication.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the stored schemas (when backed by Kafka) and starts serving; does nothing when running.
     *
     * @return this registry, for chaining
     * @throws IllegalStateException if closed, or the topic cannot be prepared or read
     * @throws UncheckedIOException if the port cannot be bound
     */
    public synchronized EmbeddedSchemaRegistry start() {
        if (closed) {
            throw new IllegalStateException("This registry is closed; build a new one");
        }
        if (server != null) {
            return this;
        }
        SchemaJournal storage = kafkaClientConfig == null ? SchemaJournal.IN_MEMORY
                : new KafkaSchemaJournal(kafkaClientConfig, topic);
        try {
            SchemaRegistryService service = new SchemaRegistryService(storage);
            server = new RegistryHttpServer(HOST, requestedPort, new RegistryEndpoints(service).routes(), credentials,
                    readOnlyCredentials);
            journal = storage;
        } catch (IOException e) {
            storage.close();
            throw new UncheckedIOException("Cannot serve on " + HOST + ":" + requestedPort, e);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        return this;
    }

    /**
     * Returns the base URL, the value for Confluent's {@code schema.registry.url}.
     *
     * @return {@code http://127.0.0.1:PORT}
     * @throws IllegalStateException if not started
     */
    public synchronized String url() {
        return "http://" + HOST + ":" + port();
    }

    /**
     * Returns the port the registry listens on.
     *
     * @return the bound port
     * @throws IllegalStateException if not started
     */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("The registry is not running; call start()");
        }
        return server.port();
    }

    /** Stops serving and releases the Kafka clients; the stored schemas stay in the topic. */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
            server = null;
        }
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }

    /** Builds an {@link EmbeddedSchemaRegistry}; {@link #build()} does not start it. */
    public static final class Builder {

        private int port;
        private Map<String, Object> kafkaClientConfig;
        private String topic = DEFAULT_TOPIC;
        private String credentials;
        private String readOnlyCredentials;

        private Builder() {
        }

        /**
         * Sets the port on 127.0.0.1; 0 (the default) picks a free one.
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
         * Stores schemas durably in Kafka instead of in memory.
         *
         * @param bootstrapServers the cluster's {@code bootstrap.servers}
         * @return this builder
         */
        public Builder kafkaBootstrapServers(String bootstrapServers) {
            if (Objects.requireNonNull(bootstrapServers, "bootstrapServers").isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must not be blank");
            }
            this.kafkaClientConfig = new HashMap<>(Map.of("bootstrap.servers", bootstrapServers));
            return this;
        }

        /**
         * Stores schemas durably in Kafka, connecting with these client settings
         * ({@code bootstrap.servers} and, on a secure cluster, the security settings of a principal
         * that may create, write and read the storage topic).
         *
         * @param clientConfig Kafka client settings
         * @return this builder
         */
        public Builder kafkaClientConfig(Map<String, ?> clientConfig) {
            Object servers = Objects.requireNonNull(clientConfig, "clientConfig").get("bootstrap.servers");
            if (servers == null || servers.toString().isBlank()) {
                throw new IllegalArgumentException("clientConfig must hold bootstrap.servers");
            }
            this.kafkaClientConfig = new HashMap<>(clientConfig);
            return this;
        }

        /**
         * Sets the storage topic (used only with {@link #kafkaBootstrapServers(String)}).
         *
         * @param topic a topic name; default {@value EmbeddedSchemaRegistry#DEFAULT_TOPIC}
         * @return this builder
         */
        public Builder topic(String topic) {
            if (Objects.requireNonNull(topic, "topic").isBlank()) {
                throw new IllegalArgumentException("topic must not be blank");
            }
            this.topic = topic;
            return this;
        }

        /**
         * Requires HTTP basic authentication with these credentials on every request.
         *
         * @param user     the user name, without ':'
         * @param password the password
         * @return this builder
         */
        public Builder basicAuth(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.contains(":")) {
                throw new IllegalArgumentException("user must be non-empty and contain no ':', but was '" + user + "'");
            }
            this.credentials = user + ":" + password;
            return this;
        }

        /**
         * Adds a second user who may only read: look schemas up by id, subject or content, list
         * and test compatibility. Registering, deleting and changing settings answer {@code 403}
         * with error code 40301, as Confluent's registry does for a denied operation. Producers
         * get this user: they serialize with schemas the platform registered
         * ({@code auto.register.schemas=false}) and cannot change a contract. Needs {@link #basicAuth}.
         *
         * @param user     the user name, without ':'; not the {@code basicAuth} user
         * @param password the password
         * @return this builder
         */
        public Builder readOnlyUser(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.contains(":")) {
                throw new IllegalArgumentException("user must be non-empty and contain no ':', but was '" + user + "'");
            }
            this.readOnlyCredentials = user + ":" + password;
            return this;
        }

        /**
         * Creates the registry without starting it.
         *
         * @return a registry; call {@link EmbeddedSchemaRegistry#start()}
         */
        public EmbeddedSchemaRegistry build() {
            if (readOnlyCredentials != null && credentials == null) {
                throw new IllegalStateException("a read-only user needs basicAuth(user, password) for the full user too");
            }
            if (readOnlyCredentials != null && readOnlyCredentials.split(":", 2)[0].equals(credentials.split(":", 2)[0])) {
                throw new IllegalStateException("the read-only user must differ from the basicAuth user");
            }
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
