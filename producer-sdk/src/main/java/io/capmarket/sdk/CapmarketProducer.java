package io.capmarket.sdk;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.internal.AssignmentGroup;
import io.capmarket.sdk.internal.AssignmentLoop;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
 * {@link CapmarketProducerBuilder#build()} validates every setting and connects lazily (Kafka clients never block
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
 *       settled, for up to {@link CapmarketProducerBuilder#rebalanceDrain}; work still running then is handed over
 *       uncommitted, and its next owner may run it again ({@link ProducerListener#assignmentHandedOver}),
 *       as it runs again work settled here behind an assignment of the partition still waiting here
 *       (at most a hundred records of the partition).</li>
 *   <li>In one process, never more assignments of an offer run at once than the offer's capacity;
 *       assignments wait for a slot while the consumer reads on (a CANCEL behind them is read at once),
 *       and while a hundred wait the consumer pauses its partitions. A partition alone is paused
 *       while a hundred of its records are read and not committable behind its oldest unsettled one
 *       (a CANCEL behind them is read once that one settles).</li>
 *   <li>No request is left stuck by a bug: a handler that throws, or returns without an outcome,
 *       reports a retryable failure; so does one still running after {@link CapmarketProducerBuilder#handlerTimeout},
 *       which is interrupted (or its stage cancelled) and frees its slot.</li>
 *   <li>By default the SDK accepts an assignment before calling the handler ({@link CapmarketProducerBuilder#autoAccept}),
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
    /** The longest {@link CapmarketProducerBuilder#handlerTimeout} may be. */
    public static final Duration MAX_HANDLER_TIMEOUT = Duration.ofDays(365);
    /** The least time between two PROGRESS reports of one assignment unless configured. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(1);
    /** Capacity assumed for an offer this process neither published nor declared. */
    public static final int DEFAULT_CAPACITY = 1;

    private static final Logger LOG = LoggerFactory.getLogger(CapmarketProducer.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final CapmarketProducerBuilder settings;
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

    CapmarketProducer(CapmarketProducerBuilder b) {
        this.settings = new CapmarketProducerBuilder(b);
        this.listener = new Listeners(b.listeners);
        this.topics = Topics.builder().prefix(b.topicPrefix).serdeConfig(b.connection.serdeConfig()).build();
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
        Map<String, Object> adminConfig = b.connection.kafkaConfig();
        adminConfig.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "capmarket-sdk-" + b.producerId + "-topics-" + instance);
        this.ownTopics = OwnTopics.overAdmin(b.producerId, topics.producerTopics(b.producerId).stream().map(Topic::name).toList(),
                adminConfig, b.publishTimeout);
        Map<String, Object> producerConfig = b.connection.producerConfig("capmarket-sdk-" + b.producerId + "-" + instance,
                b.publishTimeout);
        this.publisher = new Publisher(new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer()),
                ownTopics, b.publishTimeout, listener);
        this.progress = ProgressThrottle.withTimer(this::report, b.progressInterval, b.clock, listener,
                "capmarket-progress-" + b.producerId + "-" + instance);
        this.consumerConfig = b.connection.consumerConfig();
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
    public static CapmarketProducerBuilder builder() {
        return new CapmarketProducerBuilder();
    }

    /** A builder with this client's settings, to derive another client (for example with another handler). */
    public CapmarketProducerBuilder newBuilder() {
        return new CapmarketProducerBuilder(settings);
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
}
