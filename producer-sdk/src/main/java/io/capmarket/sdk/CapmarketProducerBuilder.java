package io.capmarket.sdk;

import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.internal.ConnectionSettings;
import io.capmarket.sdk.internal.Durations;
import io.capmarket.sdk.internal.HandlerRun;
import io.capmarket.sdk.internal.HandlerTimeouts;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Configures a {@link CapmarketProducer}. Setters check their value at once; {@link #build()}
 * checks that the required settings are there. Every problem names the setting, the value and
 * the rule. Not thread-safe; reusable.
 */
public final class CapmarketProducerBuilder {

    final ConnectionSettings connection;
    String producerId;
    String topicPrefix = Topics.DEFAULT_PREFIX;
    AsyncAssignmentHandler asyncHandler;
    final Map<String, Offer> offers = new LinkedHashMap<>();
    int defaultCapacity = CapmarketProducer.DEFAULT_CAPACITY;
    boolean autoAccept = true;
    Duration heartbeatInterval = CapmarketProducer.DEFAULT_HEARTBEAT_INTERVAL;
    Duration shutdownTimeout = CapmarketProducer.DEFAULT_SHUTDOWN_TIMEOUT;
    Duration publishTimeout = CapmarketProducer.DEFAULT_PUBLISH_TIMEOUT;
    Duration progressInterval = CapmarketProducer.DEFAULT_PROGRESS_INTERVAL;
    Duration rebalanceDrain = CapmarketProducer.DEFAULT_REBALANCE_DRAIN;
    Duration handlerTimeout = CapmarketProducer.DEFAULT_HANDLER_TIMEOUT;
    HealthCheck healthCheck = HealthCheck.ALWAYS_HEALTHY;
    final List<ProducerListener> listeners = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    String instanceId = defaultInstanceId();
    String consumerGroupId;

    CapmarketProducerBuilder() {
        connection = new ConnectionSettings();
    }

    CapmarketProducerBuilder(CapmarketProducerBuilder other) {
        connection = new ConnectionSettings(other.connection);
        producerId = other.producerId;
        topicPrefix = other.topicPrefix;
        asyncHandler = other.asyncHandler;
        offers.putAll(other.offers);
        defaultCapacity = other.defaultCapacity;
        autoAccept = other.autoAccept;
        heartbeatInterval = other.heartbeatInterval;
        shutdownTimeout = other.shutdownTimeout;
        publishTimeout = other.publishTimeout;
        progressInterval = other.progressInterval;
        rebalanceDrain = other.rebalanceDrain;
        handlerTimeout = other.handlerTimeout;
        healthCheck = other.healthCheck;
        listeners.addAll(other.listeners);
        clock = other.clock;
        instanceId = other.instanceId;
        consumerGroupId = other.consumerGroupId;
    }

    /** The Kafka cluster, {@code host:port[,host:port…]}. Required. */
    public CapmarketProducerBuilder bootstrapServers(String bootstrapServers) {
        connection.bootstrapServers(bootstrapServers);
        return this;
    }

    /** The schema registry (Confluent API), comma-separated URLs. Required. */
    public CapmarketProducerBuilder schemaRegistryUrl(String schemaRegistryUrl) {
        connection.schemaRegistryUrl(schemaRegistryUrl);
        return this;
    }

    /** The onboarded producer this client acts for; names its own topics ({@code <prefix>producer.<producerId>.}). Required. */
    public CapmarketProducerBuilder producerId(String producerId) {
        try {
            this.producerId = ProducerNames.requireProducerId(producerId);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
        return this;
    }

    /** The prefix of every topic name, default {@value Topics#DEFAULT_PREFIX}; must match the topology's {@code topics.prefix}. */
    public CapmarketProducerBuilder topicPrefix(String topicPrefix) {
        try {
            Topics.builder().prefix(topicPrefix);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
        this.topicPrefix = topicPrefix;
        return this;
    }

    /**
     * SASL credentials for Kafka: mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or
     * {@code SCRAM-SHA-512}. Sets {@code security.protocol=SASL_SSL} unless a Kafka property
     * says otherwise (for example {@code SASL_PLAINTEXT} in a test cluster).
     */
    public CapmarketProducerBuilder sasl(String mechanism, String username, String password) {
        connection.sasl(mechanism, username, password);
        return this;
    }

    /** Basic-auth credentials for the schema registry. */
    public CapmarketProducerBuilder schemaRegistryBasicAuth(String username, String password) {
        connection.schemaRegistryBasicAuth(username, password);
        return this;
    }

    /**
     * Any Kafka client setting, applied to the SDK's producer and consumers (security, timeouts,
     * {@code client.id}…). {@code acks} and {@code enable.idempotence} (always {@code all} and
     * {@code true}), {@code enable.auto.commit} (always false) and the serializers are the SDK's.
     */
    public CapmarketProducerBuilder kafkaProperty(String key, Object value) {
        connection.kafkaProperty(key, value);
        return this;
    }

    /** Several Kafka client settings; see {@link #kafkaProperty}. */
    public CapmarketProducerBuilder kafkaProperties(Map<String, ?> properties) {
        properties.forEach(this::kafkaProperty);
        return this;
    }

    /**
     * A setting of the schema registry client and the Avro serdes, by Confluent's name:
     * {@code auto.register.schemas} (default true; {@code false} where the platform registers
     * the schemas and producers may not: the serializers then only look each schema up, and
     * fail naming the subject when it is not registered), {@code use.latest.version},
     * {@code value.subject.name.strategy}, {@code key.subject.name.strategy},
     * {@code schema.registry.request.timeout.ms}, {@code latest.cache.ttl.sec}, {@code max.schemas.per.subject},
     * {@code basic.auth.credentials.source}, {@code basic.auth.user.info}; and
     * {@code schema.registry.url}, the same as {@link #schemaRegistryUrl}.
     */
    public CapmarketProducerBuilder serdeProperty(String key, Object value) {
        connection.serdeProperty(key, value);
        return this;
    }

    /** Several schema registry and serde settings; see {@link #serdeProperty}. */
    public CapmarketProducerBuilder serdeProperties(Map<String, ?> properties) {
        properties.forEach(this::serdeProperty);
        return this;
    }

    /**
     * Client settings as a properties file holds them, such as the one onboarding writes for
     * the producer ({@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*},
     * {@code schema.registry.url}, {@code basic.auth.*}): {@code bootstrap.servers} sets
     * {@link #bootstrapServers}, the schema registry and serde settings go to
     * {@link #serdeProperty} (every key it names, and any other {@code schema.registry.*},
     * {@code basic.auth.*} or {@code bearer.auth.*} key, which it refuses), and every other key
     * to {@link #kafkaProperty}.
     *
     * <pre>{@code
     * Properties settings = new Properties();
     * try (Reader in = Files.newBufferedReader(Path.of("db-team.properties"))) {
     *     settings.load(in);
     * }
     * CapmarketProducer.builder().producerId("db-team").properties(settings)...
     * }</pre>
     */
    public CapmarketProducerBuilder properties(Map<?, ?> properties) {
        connection.properties(properties);
        return this;
    }

    /** The handler of assignments; with one, the client heartbeats and consumes its assignments topic. */
    public CapmarketProducerBuilder handler(AssignmentHandler handler) {
        this.asyncHandler = HandlerRun.async(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** An asynchronous handler instead of {@link #handler(AssignmentHandler)}. */
    public CapmarketProducerBuilder asyncHandler(AsyncAssignmentHandler handler) {
        this.asyncHandler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * Declares offers without publishing them, so that the client knows their capacities (and can
     * pause, deprecate or report on them) — for a process that fulfils work while offers are
     * published elsewhere, for example by the sync command.
     */
    public CapmarketProducerBuilder offers(Collection<Offer> offers) {
        offers.forEach(o -> this.offers.put(o.offerId(), o));
        return this;
    }

    /** Capacity for assignments of offers this process does not know, default {@value CapmarketProducer#DEFAULT_CAPACITY}. */
    public CapmarketProducerBuilder defaultCapacity(int capacity) {
        if (capacity < 1) {
            throw new InvalidConfigurationException("defaultCapacity must be greater than 0, but was " + capacity);
        }
        this.defaultCapacity = capacity;
        return this;
    }

    /**
     * Whether the SDK accepts each assignment before calling the handler, default true: the
     * topology cancels and re-matches assignments not accepted within its accept deadline
     * (30 s by default), so a long handler that accepts late loses its work. With auto-accept,
     * {@link FulfilmentContext#reject} publishes a retryable failure instead (same effect). Turn it
     * off for a handler that decides quickly whether to take the work and calls {@code accept()} itself.
     */
    public CapmarketProducerBuilder autoAccept(boolean autoAccept) {
        this.autoAccept = autoAccept;
        return this;
    }

    /** How often to heartbeat, default 10 s; keep it well under the topology's liveness bound. */
    public CapmarketProducerBuilder heartbeatInterval(Duration interval) {
        this.heartbeatInterval = Durations.requirePositive("heartbeatInterval", interval);
        return this;
    }

    /** How long {@link CapmarketProducer#close()} lets running handlers settle, default 30 s; may be zero. */
    public CapmarketProducerBuilder shutdownTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new InvalidConfigurationException("shutdownTimeout must be 0 or more, but was " + timeout);
        }
        this.shutdownTimeout = timeout;
        return this;
    }

    /** How long one publish may retry, default 60 s. */
    public CapmarketProducerBuilder publishTimeout(Duration timeout) {
        this.publishTimeout = Durations.requirePositive("publishTimeout", timeout);
        return this;
    }

    /**
     * The least time between two PROGRESS reports of one assignment, default 1 s: a sooner one is
     * held and the latest held is sent when the time has passed; FULFILLED and FAILED are never
     * held. Zero sends every PROGRESS at once.
     */
    public CapmarketProducerBuilder progressInterval(Duration interval) {
        if (interval == null || interval.isNegative()) {
            throw new InvalidConfigurationException("progressInterval must be 0 or more, but was " + interval);
        }
        this.progressInterval = interval;
        return this;
    }

    /**
     * How long a rebalance waits for work running here from the partitions it gives to another
     * process of the producer (one that joins, for example), default 30 s; may be zero. Until that
     * work settles, its outcome reported and its offset committed, the partition does not move, so
     * the next owner starts past it instead of running the same attempt again at the same time;
     * the group's other partitions keep their work meanwhile. Work still running when the time has
     * passed is handed over: logged, told to {@link ProducerListener#assignmentHandedOver}, and
     * possibly run again by the next owner while it still runs here. Keep it well below the
     * consumer's {@code max.poll.interval.ms} (5 min unless set with {@link #kafkaProperty}), which
     * bounds how long a member may take to rejoin: {@link #build()} refuses a value that is not below it.
     */
    public CapmarketProducerBuilder rebalanceDrain(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new InvalidConfigurationException("rebalanceDrain must be 0 or more, but was " + timeout);
        }
        this.rebalanceDrain = timeout;
        return this;
    }

    /**
     * How long a handler may work on one assignment, default 1 h; greater than 0 and at most 365 days
     * (no value turns the bound off: a handler that never returns would hold its slot, and the offer's
     * capacity, for ever). The time runs from the start of the work (its auto-accept included) until the
     * handler's method returns or, for an {@link AsyncAssignmentHandler}, its stage completes. When it has passed, the
     * SDK interrupts the thread still in a synchronous handler's method or cancels the asynchronous
     * handler's stage, frees the slot, reports a retryable failure naming the timeout (unless the handler
     * reported an outcome, or the work was cancelled), logs a warning and tells
     * {@link ProducerListener#handlerTimedOut}; the handler's later reports on that work are dropped.
     * Longer work hands itself off ({@link FulfilmentContext#handOff()}) and reports through
     * {@link CapmarketProducer#reporter(AssignmentRef)}; once its handler returned, it holds no slot.
     */
    public CapmarketProducerBuilder handlerTimeout(Duration timeout) {
        this.handlerTimeout = HandlerTimeouts.requireValid(timeout);
        return this;
    }

    /** The team's health check, reported in every heartbeat; default always healthy. */
    public CapmarketProducerBuilder healthCheck(HealthCheck healthCheck) {
        this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck");
        return this;
    }

    /** Adds a listener; listeners are called in the order added. */
    public CapmarketProducerBuilder listener(ProducerListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** The clock for event timestamps and handler latency, default UTC system clock. */
    public CapmarketProducerBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Names this process in heartbeats, default host name and process id. */
    public CapmarketProducerBuilder instanceId(String instanceId) {
        this.instanceId = ConnectionSettings.requireText("instanceId", instanceId, "a name for this process");
        return this;
    }

    /**
     * The consumer group of the assignments topic, default {@code <prefix>producer.<producerId>.sdk};
     * every process of the producer shares it. Keep it under {@code <prefix>producer.<producerId>.}:
     * a producer's ACLs cover only the groups there.
     */
    public CapmarketProducerBuilder consumerGroupId(String groupId) {
        this.consumerGroupId = ConnectionSettings.requireText("consumerGroupId", groupId, "a consumer group name");
        return this;
    }

    /**
     * The client, started.
     *
     * @throws InvalidConfigurationException naming a missing setting
     */
    public CapmarketProducer build() {
        List<String> missing = new ArrayList<>(connection.missing());
        if (producerId == null) {
            missing.add("producerId");
        }
        if (!missing.isEmpty()) {
            throw new InvalidConfigurationException(String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " required, but " + (missing.size() == 1 ? "was" : "were") + " not set");
        }
        if (asyncHandler != null && publishTimeout.compareTo(Duration.ofMillis(1)) < 0) {
            throw new InvalidConfigurationException("publishTimeout must be greater than 0, but was " + publishTimeout);
        }
        long maxPollInterval = connection.maxPollIntervalMs();
        if (asyncHandler != null && rebalanceDrain.toMillis() >= maxPollInterval) {
            throw new InvalidConfigurationException("rebalanceDrain must be less than max.poll.interval.ms (" + maxPollInterval
                    + " ms), but was " + rebalanceDrain);
        }
        return new CapmarketProducer(this);
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 4);
    }
}
