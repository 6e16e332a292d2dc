package io.capmarket.sdk;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.serde.AvroSerdeConfig;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.internal.AssignmentGroup;
import io.capmarket.sdk.internal.AssignmentLoop;
import io.capmarket.sdk.internal.Durations;
import io.capmarket.sdk.internal.HandlerRun;
import io.capmarket.sdk.internal.HandlerTimeouts;
import io.capmarket.sdk.internal.Heartbeats;
import io.capmarket.sdk.internal.Listeners;
import io.capmarket.sdk.internal.LiveOffers;
import io.capmarket.sdk.internal.OfferCodec;
import io.capmarket.sdk.internal.OwnTopics;
import io.capmarket.sdk.internal.Publisher;
import io.capmarket.sdk.internal.ProgressThrottle;
import io.capmarket.sdk.internal.RefReporter;
import io.capmarket.sdk.internal.ReportCodec;
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
import org.apache.kafka.common.errors.AuthorizationException;
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
 * } // heartbeats unhealthy, drains running work (up to the shutdown timeout), then stops consuming
 * }</pre>
 *
 * <h2>Topics and rights</h2>
 * The client uses only the producer's own topics, under {@code <prefix>producer.<producerId>.}:
 * it writes {@code offers} (keyed by offerId), {@code heartbeats} (keyed by instanceId) and
 * {@code fulfilment} (keyed by requestId), and reads {@code assignments} in the consumer group
 * {@code <prefix>producer.<producerId>.sdk}. So a principal with ACLs on that prefix alone (topics
 * and groups) runs it: it never creates a topic, lists topics or reads another producer's. The
 * topics come from onboarding ({@code ./capmarket producer onboard --producer-id ID --capabilities a,b});
 * before the first use of each, the client checks that it exists and otherwise fails with a
 * {@link ProducerNotOnboardedException} that says so. Where the platform registers the schemas and
 * producers may not, set {@code serdeProperty("auto.register.schemas", false)}: the serializers
 * then look the schemas up instead.
 *
 * <h2>Lifecycle</h2>
 * {@link Builder#build()} validates every setting and connects lazily (Kafka clients never block
 * the build). With a handler, the client at once starts heartbeating and consuming
 * {@code <prefix>producer.<producerId>.assignments} — its only input topic (until onboarding has
 * created it, the consumer waits and logs why); without a handler it only publishes (offers, sync,
 * reports). {@link #close()} first stops heartbeats with a last one saying unhealthy (the process
 * takes no new work; the heartbeat has no "draining" of its own): the marketplace stops matching new
 * work to the producer at once, until another process of the same producer heartbeats healthy
 * (within its heartbeat interval). It then drains: running handlers get up to the shutdown timeout to settle;
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
 *   <li>When another process of the producer joins or leaves, only the partitions that change owner
 *       move (cooperative rebalancing), and one moves only once the work running here from it has
 *       settled, for up to {@link Builder#rebalanceDrain}; work still running then is handed over
 *       uncommitted, and its next owner may run it again ({@link ProducerListener#assignmentHandedOver}),
 *       as it runs again work settled here behind an assignment of the partition still waiting here
 *       (at most a hundred records of the partition).</li>
 *   <li>In one process, never more assignments of an offer run at once than the offer's capacity;
 *       assignments wait for a slot while the consumer reads on (a CANCEL behind them is read at once),
 *       and while a hundred wait the consumer pauses its partitions. A partition alone is paused
 *       while a hundred of its records are read and not committable behind its oldest unsettled one
 *       (a CANCEL behind them is read once that one settles).</li>
 *   <li>No request is left stuck by a bug: a handler that throws, or returns without an outcome,
 *       reports a retryable failure; so does one still running after {@link Builder#handlerTimeout},
 *       which is interrupted (or its stage cancelled) and frees its slot.</li>
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
    /** How long a rebalance waits for running work of the partitions it takes away unless configured. */
    public static final Duration DEFAULT_REBALANCE_DRAIN = Duration.ofSeconds(30);
    /** How long a handler may run on one assignment unless configured: long provisioning fits, a hung handler frees its slot. */
    public static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofHours(1);
    /** The longest {@link Builder#handlerTimeout} may be. */
    public static final Duration MAX_HANDLER_TIMEOUT = Duration.ofDays(365);
    /** The least time between two PROGRESS reports of one assignment unless configured. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(1);
    /** Capacity assumed for an offer this process neither published nor declared. */
    public static final int DEFAULT_CAPACITY = 1;

    private static final Logger LOG = LoggerFactory.getLogger(CapmarketProducer.class);
    /** Kafka's default {@code max.poll.interval.ms}, which bounds {@link Builder#rebalanceDrain}. */
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;
    private static final List<String> SERDE_PROPERTIES = List.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS,
            AvroSerdeConfig.USE_LATEST_VERSION, AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY,
            SchemaRegistryConfig.REQUEST_TIMEOUT_MS, SchemaRegistryConfig.LATEST_CACHE_TTL_SEC,
            SchemaRegistryConfig.MAX_SCHEMAS_PER_SUBJECT, SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
            SchemaRegistryConfig.BASIC_AUTH_USER_INFO);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Builder settings;
    private final Topics topics;
    private final Topic<String, CapabilityOffer> offersTopic;
    private final Topic<String, ProducerHeartbeat> heartbeatsTopic;
    private final Topic<String, FulfilmentEvent> fulfilmentTopic;
    private final Topic<String, io.capmarket.schemas.Assignment> assignmentsTopic;
    private final OwnTopics ownTopics;
    private final Listeners listener;
    private final Publisher publisher;
    private final ProgressThrottle progress;
    private final Slots slots;
    private final Map<String, Offer> known = new ConcurrentHashMap<>();
    private final Map<String, Object> consumerConfig;
    private final Heartbeats heartbeats;
    private final AssignmentLoop loop;
    private final ExecutorService workers;
    private final ExecutorService cancels;
    private final HandlerTimeouts timeouts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CapmarketProducer(Builder b) {
        this.settings = new Builder(b);
        this.listener = new Listeners(b.listeners);
        this.topics = Topics.builder().prefix(b.topicPrefix).serdeConfig(b.serdeConfig()).build();
        this.offersTopic = topics.offers(b.producerId);
        this.heartbeatsTopic = topics.heartbeats(b.producerId);
        this.fulfilmentTopic = topics.fulfilment(b.producerId);
        this.assignmentsTopic = topics.assignments(b.producerId);
        this.slots = new Slots(b.defaultCapacity);
        for (Offer offer : b.offers.values()) {
            known.put(offer.offerId(), offer);
            slots.capacity(offer.offerId(), offer.capacity());
        }
        int instance = INSTANCES.incrementAndGet();
        Map<String, Object> common = b.commonKafkaConfig();
        Map<String, Object> adminConfig = new HashMap<>(common);
        adminConfig.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "capmarket-sdk-" + b.producerId + "-topics-" + instance);
        this.ownTopics = OwnTopics.overAdmin(b.producerId, topics.producerTopics(b.producerId).stream().map(Topic::name).toList(),
                adminConfig, b.publishTimeout);
        Map<String, Object> producerConfig = new HashMap<>(common);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        producerConfig.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(b.publishTimeout.toMillis(), 15_001));
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "capmarket-sdk-" + b.producerId + "-" + instance);
        this.publisher = new Publisher(new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer()),
                ownTopics, b.publishTimeout, listener);
        this.progress = ProgressThrottle.withTimer(this::report, b.progressInterval, b.clock, listener,
                "capmarket-progress-" + b.producerId + "-" + instance);
        this.consumerConfig = new HashMap<>(common);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerConfig.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        if (b.asyncHandler == null) {
            this.heartbeats = null;
            this.loop = null;
            this.workers = null;
            this.cancels = null;
            this.timeouts = null;
            return;
        }
        Map<String, Object> groupConfig = new HashMap<>(consumerConfig);
        groupConfig.put(ConsumerConfig.GROUP_ID_CONFIG, b.consumerGroupId != null ? b.consumerGroupId
                : topics.producerGroup(b.producerId));
        groupConfig.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "capmarket-sdk-" + b.producerId + "-assignments-" + instance);
        AssignmentGroup.complete(groupConfig);
        KafkaConsumer<String, byte[]> assignments;
        try {
            assignments = new KafkaConsumer<>(groupConfig, new StringDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            // what was started before goes, and a setting only the consumer reads is named as any other
            progress.close();
            publisher.close(Duration.ZERO);
            throw e instanceof org.apache.kafka.common.config.ConfigException
                    ? new InvalidConfigurationException("the Kafka settings cannot consume " + assignmentsTopic.name() + ": "
                            + e.getMessage(), e)
                    : e;
        }
        this.workers = Executors.newCachedThreadPool(threads("capmarket-worker-" + b.producerId));
        this.cancels = Executors.newSingleThreadExecutor(threads("capmarket-cancel-" + b.producerId));
        this.timeouts = HandlerTimeouts.withTimer(b.handlerTimeout, "capmarket-handler-timeout-" + b.producerId + "-" + instance,
                listener::handlerThreadsStuck);
        this.loop = new AssignmentLoop(assignments,
                assignmentsTopic.name(), assignmentsTopic.valueSerde().deserializer(), ownTopics,
                b.producerId, slots, workers, cancels, b.asyncHandler,
                assignment -> new ReportingContext(assignment, progress), b.autoAccept, b.clock, listener, b.rebalanceDrain, timeouts);
        Thread consumerThread = threads("capmarket-assignments-" + b.producerId).newThread(loop);
        // a process whose assignment consumer stopped on an error, or cannot read an assignment now, or whose handlers
        // keep too many threads past their time, takes no work: its heartbeats say unhealthy
        HealthCheck teamHealth = b.healthCheck;
        AssignmentLoop consuming = loop;
        HandlerTimeouts bounded = timeouts;
        this.heartbeats = new Heartbeats(publisher, heartbeatsTopic, b.producerId, b.instanceId,
                () -> !consuming.failed() && !bounded.overStuckBound() && teamHealth.healthy(), slots::inFlight, b.clock, listener);
        consumerThread.start();
        heartbeats.start(b.heartbeatInterval);
        LOG.info("capmarket producer {} ({}) consuming {} and heartbeating every {}", b.producerId, b.instanceId,
                assignmentsTopic.name(), b.heartbeatInterval);
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
     * Publishes an offer (creates or replaces it) on the producer's compacted offers topic, keyed by
     * offerId, with this client's producerId, and waits for the acknowledgement. The offer's
     * capacity bounds this process's concurrent work for it from now on.
     *
     * @return the offer as published
     * @throws PublishFailedException when Kafka did not acknowledge in time; repeat the call
     * @throws ProducerNotOnboardedException when the producer's topics do not exist or the client may not write them
     */
    public Offer publish(Offer offer) {
        Objects.requireNonNull(offer, "offer");
        requireOpen("publishing offer " + offer.offerId());
        publisher.publish(offersTopic, offer.offerId(), OfferCodec.toAvro(offer, settings.producerId, settings.clock.instant()),
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
        publisher.publish(offersTopic, offerId, null, "withdrawal of offer " + offerId);
        known.remove(offerId);
        listener.offerWithdrawn(offerId);
    }

    /** The offers this client published or was given, by offerId (a snapshot). */
    public Map<String, Offer> offers() {
        return Map.copyOf(new TreeMap<>(known));
    }

    /**
     * This producer's offers as they are live on its offers topic now: the topic is read to its end
     * offsets. Records that are not valid offers of this producer are left out (see {@link #planSync}).
     */
    public Map<String, Offer> liveOffers() {
        return readLive().mine();
    }

    /**
     * The plan that makes this producer's live offers exactly {@code desired}: reads its offers topic
     * to its end, then computes creations, updates and withdrawals. A record there that is not a
     * valid offer of this producer (it breaks the SDK's rules, or names another producer, which the
     * marketplace refuses) is replaced when desired and withdrawn otherwise. Publishes nothing.
     *
     * @throws InvalidOfferException when desired offerIds repeat
     */
    public SyncPlan planSync(Collection<Offer> desired) {
        requireOpen("planning a sync");
        LiveOffers live = readLive();
        return SyncPlan.compute(desired, live.mine(), live.unreadable());
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
        return new RefReporter(ref, progress);
    }

    /**
     * As {@link #reporter(AssignmentRef)}, taking the capability from the offer.
     *
     * @throws UnknownOfferException when this client does not know the offer
     */
    public FulfilmentReporter reporter(String requestId, int attempt, String offerId) {
        return reporter(new AssignmentRef(requestId, attempt, offerId, knownOffer(offerId).capability()));
    }

    /** Provisioning assignments running in this process now (updates and deprovisions use slots of their own). */
    public int inFlight() {
        return slots.inFlight();
    }

    /** Closes with the configured shutdown timeout; see the class documentation. */
    @Override
    public void close() {
        close(settings.shutdownTimeout);
    }

    /**
     * Stops heartbeats with a last one saying unhealthy, lets running handlers settle for up to {@code drain}, hands back what is
     * still running (redelivered to the next process), and closes the Kafka clients.
     * {@code Duration.ZERO} hands everything back at once, as a crash would.
     */
    public void close(Duration drain) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration wait = drain == null || drain.isNegative() ? Duration.ZERO : drain;
        if (heartbeats != null) {
            heartbeats.stopDraining();
        }
        if (loop != null) {
            loop.stop(wait);
        }
        publisher.refuse();
        if (workers != null) {
            timeouts.close();
            workers.shutdownNow();
            cancels.shutdownNow();
            try {
                workers.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        progress.close();
        publisher.close(wait.isZero() ? Duration.ZERO : Duration.ofSeconds(5));
        LOG.info("capmarket producer {} ({}) closed", settings.producerId, settings.instanceId);
    }

    private void report(AssignmentRef ref, FulfilmentKind kind, String message, Map<String, String> outputs, boolean retryable,
            boolean mustNotLose) {
        FulfilmentEvent event = ReportCodec.toAvro(ref, settings.producerId, kind, message, outputs, retryable, settings.clock.instant());
        String what = ReportCodec.describe(ref, kind);
        if (mustNotLose) {
            publisher.publishUntilClosed(fulfilmentTopic, ref.requestId(), event, what);
        } else {
            publisher.publish(fulfilmentTopic, ref.requestId(), event, what);
        }
        listener.reported(ref, kind);
    }

    private LiveOffers readLive() {
        ownTopics.require(offersTopic.name());
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "capmarket-sdk-" + settings.producerId + "-offers-reader");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            return LiveOffers.read(consumer, offersTopic, settings.producerId, settings.publishTimeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new PublishFailedException("reading " + offersTopic.name() + " timed out after " + settings.publishTimeout, e);
        } catch (AuthorizationException e) {
            throw ownTopics.refused(offersTopic.name(), e);
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new InvalidConfigurationException("the Kafka settings cannot read " + offersTopic.name() + ": " + e.getMessage(), e);
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
        private final Map<String, Object> serde = new LinkedHashMap<>();
        private final Map<String, Object> kafka = new LinkedHashMap<>();
        private AsyncAssignmentHandler asyncHandler;
        private final Map<String, Offer> offers = new LinkedHashMap<>();
        private int defaultCapacity = DEFAULT_CAPACITY;
        private boolean autoAccept = true;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        private Duration rebalanceDrain = DEFAULT_REBALANCE_DRAIN;
        private Duration handlerTimeout = DEFAULT_HANDLER_TIMEOUT;
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
            serde.putAll(other.serde);
            kafka.putAll(other.kafka);
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
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = requireText("bootstrapServers", bootstrapServers, "host:port[,host:port]");
            return this;
        }

        /** The schema registry (Confluent API), comma-separated URLs. Required. */
        public Builder schemaRegistryUrl(String schemaRegistryUrl) {
            String url = requireText("schemaRegistryUrl", schemaRegistryUrl, "http(s)://host:port");
            for (String one : url.split(",")) {
                if (!one.trim().startsWith("http://") && !one.trim().startsWith("https://")) {
                    throw new InvalidConfigurationException("schemaRegistryUrl must be http:// or https:// URLs, but was '"
                            + withoutCredentials(url) + "'");
                }
            }
            this.schemaRegistryUrl = url;
            return this;
        }

        /** The onboarded producer this client acts for; names its own topics ({@code <prefix>producer.<producerId>.}). Required. */
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
                case ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG -> {
                    if (!text.equals("false")) {
                        throw new InvalidConfigurationException("kafka property allow.auto.create.topics must be false (the SDK "
                                + "never creates topics: onboarding does), but was " + text);
                    }
                }
                case ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG ->
                        throw new InvalidConfigurationException("kafka property " + key + " is set by the SDK and cannot be overridden");
                default -> {
                    if (isSerdeProperty(key) || key.equals(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)) {
                        throw new InvalidConfigurationException("kafka property " + key + " is a schema registry or serde setting, "
                                + "which Kafka's clients ignore: set it with serdeProperty(\"" + key + "\", ...)");
                    }
                }
            }
            kafka.put(key, value);
            return this;
        }

        /** Several Kafka client settings; see {@link #kafkaProperty}. */
        public Builder kafkaProperties(Map<String, ?> properties) {
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
        public Builder serdeProperty(String key, Object value) {
            requireText("serde property name", key, "a schema registry or serde setting");
            Objects.requireNonNull(value, () -> "serde property " + key + " must have a value, but was null");
            if (key.equals(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)) {
                return schemaRegistryUrl(value.toString());
            }
            if (!SERDE_PROPERTIES.contains(key)) {
                throw new InvalidConfigurationException("serde property " + key + " is not a setting of the schema registry "
                        + "client or the serdes; it must be one of " + SERDE_PROPERTIES + " or "
                        + SchemaRegistryConfig.SCHEMA_REGISTRY_URL);
            }
            Map<String, Object> trial = new HashMap<>(serde);
            trial.put(key, value);
            trial.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, "http://localhost");
            try {
                AvroSerdeConfig.from(trial);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("serde property " + e.getMessage(), e);
            }
            serde.put(key, value);
            return this;
        }

        /** Several schema registry and serde settings; see {@link #serdeProperty}. */
        public Builder serdeProperties(Map<String, ?> properties) {
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
        public Builder properties(Map<?, ?> properties) {
            properties.forEach((key, value) -> {
                String name = String.valueOf(key).trim();
                if (name.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                    bootstrapServers(String.valueOf(value));
                } else if (isSerdeProperty(name)) {
                    serdeProperty(name, value);
                } else {
                    kafkaProperty(name, value);
                }
            });
            return this;
        }

        private static boolean isSerdeProperty(String name) {
            return SERDE_PROPERTIES.contains(name) || name.startsWith("schema.registry.") || name.startsWith("basic.auth.")
                    || name.startsWith("bearer.auth.");
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
            this.heartbeatInterval = Durations.requirePositive("heartbeatInterval", interval);
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
            this.publishTimeout = Durations.requirePositive("publishTimeout", timeout);
            return this;
        }

        /**
         * The least time between two PROGRESS reports of one assignment, default 1 s: a sooner one is
         * held and the latest held is sent when the time has passed; FULFILLED and FAILED are never
         * held. Zero sends every PROGRESS at once.
         */
        public Builder progressInterval(Duration interval) {
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
        public Builder rebalanceDrain(Duration timeout) {
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
        public Builder handlerTimeout(Duration timeout) {
            this.handlerTimeout = HandlerTimeouts.requireValid(timeout);
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

        /**
         * The consumer group of the assignments topic, default {@code <prefix>producer.<producerId>.sdk};
         * every process of the producer shares it. Keep it under {@code <prefix>producer.<producerId>.}:
         * a producer's ACLs cover only the groups there.
         */
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
            long maxPollInterval = maxPollIntervalMs();
            if (asyncHandler != null && rebalanceDrain.toMillis() >= maxPollInterval) {
                throw new InvalidConfigurationException("rebalanceDrain must be less than max.poll.interval.ms (" + maxPollInterval
                        + " ms), but was " + rebalanceDrain);
            }
            return new CapmarketProducer(this);
        }

        /** The consumer's {@code max.poll.interval.ms}: Kafka's default, or the Kafka property if a number (else Kafka refuses it). */
        private long maxPollIntervalMs() {
            Object value = kafka.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
            try {
                return value == null ? DEFAULT_MAX_POLL_INTERVAL_MS : Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        }

        private Map<String, Object> serdeConfig() {
            Map<String, Object> config = new HashMap<>(serde);
            config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
            if (registryUserInfo != null) {
                config.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
                config.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, registryUserInfo);
            }
            return config;
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

        /** {@code urls} for a message: any {@code user:password@} before a host masked (a password may hold an '@'). */
        private static String withoutCredentials(String urls) {
            return urls.replaceAll("(^|://|,)[^/,]*@", "$1****@");
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
