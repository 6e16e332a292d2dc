package io.capmarket.sdk;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.internal.AssignmentLoop;
import io.capmarket.sdk.internal.HandlerRun;
import io.capmarket.sdk.internal.Heartbeats;
import io.capmarket.sdk.internal.Listeners;
import io.capmarket.sdk.internal.LiveOffers;
import io.capmarket.sdk.internal.OfferCodec;
import io.capmarket.sdk.internal.Publisher;
import io.capmarket.sdk.internal.RefReporter;
import io.capmarket.sdk.internal.ReportingContext;
import io.capmarket.sdk.internal.Slots;
import io.capmarket.sdk.sync.SyncPlan;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer team's client of the capability marketplace: publishes its offers, sends
 * heartbeats, runs its {@link AssignmentHandler} on the assignments routed to it and reports the
 * outcomes. <b>Create one per process and share it</b>: it is thread-safe, and each instance holds
 * a Kafka producer, a consumer thread, a heartbeat thread and a worker pool.
 *
 * <pre>{@code
 * try (CapmarketProducer capmarket = CapmarketProducer.builder()
 *         .bootstrapServers("kafka:9092")
 *         .schemaRegistryUrl("http://registry:8081")
 *         .producerId("db-team")
 *         .handler(new PostgresHandler(provisioner))
 *         .build()) {
 *     capmarket.publish(offer);
 *     awaitShutdownSignal();
 * } // drains running work (up to the shutdown timeout), then stops heartbeats and consuming
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * {@link Builder#build()} validates every setting and connects lazily (Kafka clients never block
 * the build). With a handler, the client at once starts heartbeating and consuming
 * {@code assignments.<producerId>} — its only input topic; without a handler it only publishes
 * (offers, sync, reports). {@link #close()} stops heartbeats first: the marketplace stops matching
 * new work to the producer once its last heartbeat is older than the topology's liveness bound
 * ({@code matching.liveness-bound}, 30 s by default), unless another process of the same producer
 * keeps heartbeating. It then drains: running handlers get up to the shutdown timeout to settle;
 * what is still running then is handed back — its offset is not committed, so the assignment is
 * redelivered to the next process of the producer. Closing twice is harmless.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every record is written with {@code acks=all} on an idempotent producer and awaited;
 *       failures are retried with back-off until the publish timeout ({@link PublishFailedException}).</li>
 *   <li>Assignments are processed <b>at least once</b>: an offset is committed only after the
 *       assignment's outcome was acknowledged by Kafka. A crash before the commit redelivers the
 *       assignment, and the handler sees the same requestId and attempt: make side effects
 *       idempotent by requestId.</li>
 *   <li>In one process, never more assignments of an offer run at once than the offer's capacity;
 *       while one waits for a slot the consumer pauses its partitions.</li>
 *   <li>No request is left stuck by a bug: a handler that throws, or returns without an outcome,
 *       reports a retryable failure.</li>
 *   <li>By default the SDK accepts an assignment before calling the handler ({@link Builder#autoAccept}),
 *       since the topology re-matches assignments not accepted within {@code matching.accept-deadline}.</li>
 * </ul>
 */
public final class CapmarketProducer implements AutoCloseable {

    /** Heartbeat interval unless configured: well inside the topology's default 30 s liveness bound. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    /** How long {@link #close()} lets running handlers finish unless configured. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** How long a publish may retry before failing unless configured. */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(60);
    /** Capacity assumed for an offer this process neither published nor declared. */
    public static final int DEFAULT_CAPACITY = 1;

    private static final Logger LOG = LoggerFactory.getLogger(CapmarketProducer.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Builder settings;
    private final Topics topics;
    private final Listeners listener;
    private final Publisher publisher;
    private final Slots slots;
    private final Map<String, Offer> known = new ConcurrentHashMap<>();
    private final Map<String, Object> consumerConfig;
    private final Heartbeats heartbeats;
    private final AssignmentLoop loop;
    private final ExecutorService workers;
    private final ExecutorService cancels;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CapmarketProducer(Builder b) {
        this.settings = new Builder(b);
        this.listener = new Listeners(b.listeners);
        Map<String, Object> serde = new HashMap<>();
        serde.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, b.schemaRegistryUrl);
        if (b.registryUserInfo != null) {
            serde.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            serde.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, b.registryUserInfo);
        }
        this.topics = Topics.builder().prefix(b.topicPrefix).serdeConfig(serde).build();
        this.slots = new Slots(b.defaultCapacity);
        for (Offer offer : b.offers.values()) {
            known.put(offer.offerId(), offer);
            slots.capacity(offer.offerId(), offer.capacity());
        }
        Map<String, Object> common = b.commonKafkaConfig();
        Map<String, Object> producerConfig = new HashMap<>(common);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        producerConfig.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(b.publishTimeout.toMillis(), 15_001));
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "capmarket-sdk-" + b.producerId + "-" + THREADS.incrementAndGet());
        this.publisher = new Publisher(new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer()),
                b.publishTimeout, listener);
        this.consumerConfig = new HashMap<>(common);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        if (b.asyncHandler == null) {
            this.heartbeats = null;
            this.loop = null;
            this.workers = null;
            this.cancels = null;
            return;
        }
        Map<String, Object> groupConfig = new HashMap<>(consumerConfig);
        groupConfig.put(ConsumerConfig.GROUP_ID_CONFIG, b.consumerGroupId != null ? b.consumerGroupId
                : b.topicPrefix + "sdk." + b.producerId);
        groupConfig.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "capmarket-sdk-" + b.producerId + "-assignments-" + THREADS.get());
        this.workers = Executors.newCachedThreadPool(threads("capmarket-worker-" + b.producerId));
        this.cancels = Executors.newSingleThreadExecutor(threads("capmarket-cancel-" + b.producerId));
        this.loop = new AssignmentLoop(new KafkaConsumer<>(groupConfig, new StringDeserializer(), new ByteArrayDeserializer()),
                topics.assignments(b.producerId).name(), topics.assignments(b.producerId).valueSerde().deserializer(),
                b.producerId, slots, workers, cancels, b.asyncHandler,
                assignment -> new ReportingContext(assignment, this::report), b.autoAccept, b.clock, listener);
        Thread consumerThread = threads("capmarket-assignments-" + b.producerId).newThread(loop);
        this.heartbeats = new Heartbeats(publisher, topics.heartbeats(), b.producerId, b.instanceId, b.healthCheck, slots::inFlight,
                b.clock, listener);
        consumerThread.start();
        heartbeats.start(b.heartbeatInterval);
        LOG.info("capmarket producer {} ({}) consuming {} and heartbeating every {}", b.producerId, b.instanceId,
                topics.assignments(b.producerId).name(), b.heartbeatInterval);
    }

    /** Starts a configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder with this client's settings, to derive another client (for example with another handler). */
    public Builder newBuilder() {
        return new Builder(settings);
    }

    /** The producer this client acts for. */
    public String producerId() {
        return settings.producerId;
    }

    /** The topic catalogue this client writes and reads. */
    public Topics topics() {
        return topics;
    }

    /**
     * Publishes an offer (creates or replaces it) on the compacted offers topic, keyed by offerId,
     * with this client's producerId, and waits for the acknowledgement. The offer's capacity bounds
     * this process's concurrent work for it from now on.
     *
     * @return the offer as published
     * @throws PublishFailedException when Kafka did not acknowledge in time; repeat the call
     */
    public Offer publish(Offer offer) {
        Objects.requireNonNull(offer, "offer");
        requireOpen("publishing offer " + offer.offerId());
        publisher.publish(topics.offers(), offer.offerId(), OfferCodec.toAvro(offer, settings.producerId, settings.clock.instant()),
                "offer " + offer.offerId());
        known.put(offer.offerId(), offer);
        slots.capacity(offer.offerId(), offer.capacity());
        listener.offerPublished(offer);
        return offer;
    }

    /**
     * Changes an offer this client knows and publishes it: {@code update("pg-eu", b -> b.capacity(80))}.
     *
     * @throws UnknownOfferException when the offer was neither published nor declared through this client
     * @throws InvalidOfferException when the change breaks a rule; nothing is published
     */
    public Offer update(String offerId, UnaryOperator<Offer.Builder> change) {
        return publish(change.apply(knownOffer(offerId).toBuilder()).build());
    }

    /** Stops new matches to the offer (PAUSED); running work continues. */
    public Offer pause(String offerId) {
        return publish(knownOffer(offerId).withStatus(OfferStatus.PAUSED, null));
    }

    /** Makes a paused (or deprecated) offer ACTIVE again. */
    public Offer resume(String offerId) {
        return publish(knownOffer(offerId).withStatus(OfferStatus.ACTIVE, null));
    }

    /** Marks the offer DEPRECATED: consumers are told to move on before {@code sunsetAt}. */
    public Offer deprecate(String offerId, Instant sunsetAt) {
        if (sunsetAt == null) {
            throw new InvalidOfferException(List.of("sunset must be given to deprecate offer " + offerId + ", but was null"));
        }
        return publish(knownOffer(offerId).withStatus(OfferStatus.DEPRECATED, sunsetAt));
    }

    /** Marks the offer RETIRED: it takes no new work and leaves the catalog; the record stays for the audit trail. */
    public Offer retire(String offerId) {
        Offer offer = knownOffer(offerId);
        return publish(offer.withStatus(OfferStatus.RETIRED, offer.sunsetAt()));
    }

    /**
     * Withdraws an offer with a tombstone on the offers topic. Work already assigned through it may
     * still arrive and is handled as usual.
     *
     * @throws PublishFailedException when Kafka did not acknowledge in time; repeat the call
     */
    public void withdraw(String offerId) {
        requireOpen("withdrawing offer " + offerId);
        publisher.publish(topics.offers(), offerId, null, "withdrawal of offer " + offerId);
        known.remove(offerId);
        listener.offerWithdrawn(offerId);
    }

    /** The offers this client published or was given, by offerId (a snapshot). */
    public Map<String, Offer> offers() {
        return Map.copyOf(new TreeMap<>(known));
    }

    /**
     * This producer's offers as they are live on the offers topic now: the topic is read to its end
     * offsets. Offers that break the SDK's rules are left out (see {@link #planSync}).
     */
    public Map<String, Offer> liveOffers() {
        return readLive().mine();
    }

    /**
     * The plan that makes this producer's live offers exactly {@code desired}: reads the offers topic
     * to its end, then computes creations, updates and withdrawals. Publishes nothing.
     *
     * @throws InvalidOfferException when desired offerIds repeat or belong to another producer
     */
    public SyncPlan planSync(Collection<Offer> desired) {
        requireOpen("planning a sync");
        LiveOffers live = readLive();
        return SyncPlan.compute(desired, live.mine(), live.unreadable(), live.foreignOwners());
    }

    /**
     * Applies a plan: publishes the creations and updates, then withdraws. Each step waits for its
     * acknowledgement; on a failure the remaining steps are not applied, and planning again shows what is left.
     */
    public void applySync(SyncPlan plan) {
        for (Offer offer : plan.upserts()) {
            publish(offer);
        }
        for (String offerId : plan.withdrawals()) {
            withdraw(offerId);
        }
    }

    /**
     * A reporter for an assignment known by reference, to report from any thread or process — for
     * work {@linkplain FulfilmentContext#handOff() handed off} or started by an earlier process.
     */
    public FulfilmentReporter reporter(AssignmentRef ref) {
        requireOpen("reporting on " + ref);
        return new RefReporter(ref, this::report);
    }

    /**
     * As {@link #reporter(AssignmentRef)}, taking the capability from the offer.
     *
     * @throws UnknownOfferException when this client does not know the offer
     */
    public FulfilmentReporter reporter(String requestId, int attempt, String offerId) {
        return reporter(new AssignmentRef(requestId, attempt, offerId, knownOffer(offerId).capability()));
    }

    /** Assignments running in this process now. */
    public int inFlight() {
        return slots.inFlight();
    }

    /** Closes with the configured shutdown timeout; see the class documentation. */
    @Override
    public void close() {
        close(settings.shutdownTimeout);
    }

    /**
     * Stops heartbeats, lets running handlers settle for up to {@code drain}, hands back what is
     * still running (redelivered to the next process), and closes the Kafka clients.
     * {@code Duration.ZERO} hands everything back at once, as a crash would.
     */
    public void close(Duration drain) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration wait = drain == null || drain.isNegative() ? Duration.ZERO : drain;
        if (heartbeats != null) {
            heartbeats.stop();
        }
        if (loop != null) {
            loop.stop(wait);
        }
        publisher.refuse();
        if (workers != null) {
            workers.shutdownNow();
            cancels.shutdownNow();
            try {
                workers.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publisher.close(wait.isZero() ? Duration.ZERO : Duration.ofSeconds(5));
        LOG.info("capmarket producer {} ({}) closed", settings.producerId, settings.instanceId);
    }

    private void report(AssignmentRef ref, FulfilmentKind kind, String message, Map<String, String> outputs, boolean retryable,
            boolean mustNotLose) {
        FulfilmentEvent event = FulfilmentEvent.newBuilder()
                .setRequestId(ref.requestId())
                .setOfferId(ref.offerId())
                .setProducerId(settings.producerId)
                .setCapability(ref.capability())
                .setAttempt(ref.attempt())
                .setKind(kind)
                .setMessage(message)
                .setOutputs(outputs)
                .setRetryable(retryable)
                .setAt(settings.clock.instant())
                .build();
        String what = kind + " for request " + ref.requestId() + " (attempt " + ref.attempt() + ")";
        if (mustNotLose) {
            publisher.publishUntilClosed(topics.fulfilment(), ref.requestId(), event, what);
        } else {
            publisher.publish(topics.fulfilment(), ref.requestId(), event, what);
        }
        listener.reported(ref, kind);
    }

    private LiveOffers readLive() {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "capmarket-sdk-" + settings.producerId + "-offers-reader");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            return LiveOffers.read(consumer, topics.offers(), settings.producerId, settings.publishTimeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new PublishFailedException("reading " + topics.offers().name() + " timed out after " + settings.publishTimeout, e);
        }
    }

    private Offer knownOffer(String offerId) {
        Offer offer = offerId == null ? null : known.get(offerId);
        if (offer == null) {
            throw new UnknownOfferException(offerId);
        }
        return offer;
    }

    private void requireOpen(String what) {
        if (closed.get()) {
            throw new ClientClosedException(what);
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Configures a {@link CapmarketProducer}. Setters check their value at once; {@link #build()}
     * checks that the required settings are there. Every problem names the setting, the value and
     * the rule. Not thread-safe; reusable.
     */
    public static final class Builder {

        private String bootstrapServers;
        private String schemaRegistryUrl;
        private String producerId;
        private String topicPrefix = Topics.DEFAULT_PREFIX;
        private String saslMechanism;
        private String saslUsername;
        private String saslPassword;
        private String registryUserInfo;
        private final Map<String, Object> kafka = new LinkedHashMap<>();
        private AsyncAssignmentHandler asyncHandler;
        private final Map<String, Offer> offers = new LinkedHashMap<>();
        private int defaultCapacity = DEFAULT_CAPACITY;
        private boolean autoAccept = true;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private HealthCheck healthCheck = HealthCheck.ALWAYS_HEALTHY;
        private final List<ProducerListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private String instanceId = defaultInstanceId();
        private String consumerGroupId;

        private Builder() {
        }

        private Builder(Builder other) {
            bootstrapServers = other.bootstrapServers;
            schemaRegistryUrl = other.schemaRegistryUrl;
            producerId = other.producerId;
            topicPrefix = other.topicPrefix;
            saslMechanism = other.saslMechanism;
            saslUsername = other.saslUsername;
            saslPassword = other.saslPassword;
            registryUserInfo = other.registryUserInfo;
            kafka.putAll(other.kafka);
            asyncHandler = other.asyncHandler;
            offers.putAll(other.offers);
            defaultCapacity = other.defaultCapacity;
            autoAccept = other.autoAccept;
            heartbeatInterval = other.heartbeatInterval;
            shutdownTimeout = other.shutdownTimeout;
            publishTimeout = other.publishTimeout;
            healthCheck = other.healthCheck;
            listeners.addAll(other.listeners);
            clock = other.clock;
            instanceId = other.instanceId;
            consumerGroupId = other.consumerGroupId;
        }

        /** The Kafka cluster, {@code host:port[,host:port…]}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = requireText("bootstrapServers", bootstrapServers, "host:port[,host:port]");
            return this;
        }

        /** The schema registry (Confluent API), comma-separated URLs. Required. */
        public Builder schemaRegistryUrl(String schemaRegistryUrl) {
            String url = requireText("schemaRegistryUrl", schemaRegistryUrl, "http(s)://host:port");
            for (String one : url.split(",")) {
                if (!one.trim().startsWith("http://") && !one.trim().startsWith("https://")) {
                    throw new InvalidConfigurationException("schemaRegistryUrl must be http:// or https:// URLs, but was '" + url + "'");
                }
            }
            this.schemaRegistryUrl = url;
            return this;
        }

        /** The approved producer this client acts for; names its assignments topic. Required. */
        public Builder producerId(String producerId) {
            try {
                this.producerId = ProducerNames.requireProducerId(producerId);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(e.getMessage(), e);
            }
            return this;
        }

        /** The prefix of every topic name, default {@value Topics#DEFAULT_PREFIX}; must match the topology's {@code topics.prefix}. */
        public Builder topicPrefix(String topicPrefix) {
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
        public Builder sasl(String mechanism, String username, String password) {
            if (!List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").contains(mechanism)) {
                throw new InvalidConfigurationException("sasl mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, but was '"
                        + mechanism + "'");
            }
            this.saslUsername = requireText("sasl username", username, "the Kafka user");
            this.saslPassword = requireText("sasl password", password, "the Kafka user's password");
            this.saslMechanism = mechanism;
            return this;
        }

        /** Basic-auth credentials for the schema registry. */
        public Builder schemaRegistryBasicAuth(String username, String password) {
            requireText("schema registry username", username, "the registry user");
            if (username.contains(":")) {
                throw new InvalidConfigurationException("schema registry username must not contain ':', but was '" + username + "'");
            }
            this.registryUserInfo = username + ":" + requireText("schema registry password", password, "the password");
            return this;
        }

        /**
         * Any Kafka client setting, applied to the SDK's producer and consumers (security, timeouts,
         * {@code client.id}…). {@code acks} and {@code enable.idempotence} (always {@code all} and
         * {@code true}), {@code enable.auto.commit} (always false) and the serializers are the SDK's.
         */
        public Builder kafkaProperty(String key, Object value) {
            requireText("kafka property name", key, "a Kafka client setting");
            Objects.requireNonNull(value, () -> "kafka property " + key + " must have a value, but was null");
            String text = value.toString();
            switch (key) {
                case ProducerConfig.ACKS_CONFIG -> {
                    if (!text.equals("all") && !text.equals("-1")) {
                        throw new InvalidConfigurationException("kafka property acks must be all (the SDK's delivery guarantee), but was "
                                + text);
                    }
                }
                case ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG -> {
                    if (!text.equals("true")) {
                        throw new InvalidConfigurationException("kafka property enable.idempotence must be true (the SDK's delivery "
                                + "guarantee), but was " + text);
                    }
                }
                case ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG -> {
                    if (!text.equals("false")) {
                        throw new InvalidConfigurationException("kafka property enable.auto.commit must be false (offsets are "
                                + "committed after outcomes are published), but was " + text);
                    }
                }
                case ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG ->
                        throw new InvalidConfigurationException("kafka property " + key + " is set by the SDK and cannot be overridden");
                default -> { }
            }
            kafka.put(key, value);
            return this;
        }

        /** Several Kafka client settings; see {@link #kafkaProperty}. */
        public Builder kafkaProperties(Map<String, ?> properties) {
            properties.forEach(this::kafkaProperty);
            return this;
        }

        /** The handler of assignments; with one, the client heartbeats and consumes its assignments topic. */
        public Builder handler(AssignmentHandler handler) {
            this.asyncHandler = HandlerRun.async(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** An asynchronous handler instead of {@link #handler(AssignmentHandler)}. */
        public Builder asyncHandler(AsyncAssignmentHandler handler) {
            this.asyncHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Declares offers without publishing them, so that the client knows their capacities (and can
         * pause, deprecate or report on them) — for a process that fulfils work while offers are
         * published elsewhere, for example by the sync command.
         */
        public Builder offers(Collection<Offer> offers) {
            offers.forEach(o -> this.offers.put(o.offerId(), o));
            return this;
        }

        /** Capacity for assignments of offers this process does not know, default {@value CapmarketProducer#DEFAULT_CAPACITY}. */
        public Builder defaultCapacity(int capacity) {
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
        public Builder autoAccept(boolean autoAccept) {
            this.autoAccept = autoAccept;
            return this;
        }

        /** How often to heartbeat, default 10 s; keep it well under the topology's liveness bound. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = requirePositive("heartbeatInterval", interval);
            return this;
        }

        /** How long {@link CapmarketProducer#close()} lets running handlers settle, default 30 s; may be zero. */
        public Builder shutdownTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new InvalidConfigurationException("shutdownTimeout must be 0 or more, but was " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /** How long one publish may retry, default 60 s. */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = requirePositive("publishTimeout", timeout);
            return this;
        }

        /** The team's health check, reported in every heartbeat; default always healthy. */
        public Builder healthCheck(HealthCheck healthCheck) {
            this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck");
            return this;
        }

        /** Adds a listener; listeners are called in the order added. */
        public Builder listener(ProducerListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The clock for event timestamps and handler latency, default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Names this process in heartbeats, default host name and process id. */
        public Builder instanceId(String instanceId) {
            this.instanceId = requireText("instanceId", instanceId, "a name for this process");
            return this;
        }

        /** The consumer group of the assignments topic, default {@code <topicPrefix>sdk.<producerId>}; every process of the producer shares it. */
        public Builder consumerGroupId(String groupId) {
            this.consumerGroupId = requireText("consumerGroupId", groupId, "a consumer group name");
            return this;
        }

        /**
         * The client, started.
         *
         * @throws InvalidConfigurationException naming a missing setting
         */
        public CapmarketProducer build() {
            List<String> missing = new ArrayList<>();
            if (bootstrapServers == null) {
                missing.add("bootstrapServers");
            }
            if (schemaRegistryUrl == null) {
                missing.add("schemaRegistryUrl");
            }
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
            return new CapmarketProducer(this);
        }

        private Map<String, Object> commonKafkaConfig() {
            Map<String, Object> config = new HashMap<>(kafka);
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            if (saslMechanism != null) {
                config.putIfAbsent(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
                config.put(SaslConfigs.SASL_MECHANISM, saslMechanism);
                String module = saslMechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
                config.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + escape(saslUsername)
                        + "\" password=\"" + escape(saslPassword) + "\";");
            }
            return config;
        }

        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"");
        }

        private static String requireText(String name, String value, String expected) {
            if (value == null || value.isBlank()) {
                throw new InvalidConfigurationException(name + " must be " + expected + ", but was "
                        + (value == null ? "null" : "blank"));
            }
            return value.trim();
        }

        private static Duration requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new InvalidConfigurationException(name + " must be greater than 0, but was " + value);
            }
            return value;
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
}
