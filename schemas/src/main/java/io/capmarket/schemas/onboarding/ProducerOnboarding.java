package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Onboards producer teams: an administrator's act, done from an admin tool or at the topology's
 * start-up (its {@code producers.approved} setting).
 *
 * <p>{@link #approve} checks the names, creates the producer's own topics
 * ({@code producer.<producerId>.offers}, {@code .heartbeats}, {@code .fulfilment}, {@code .assignments})
 * and the compacted {@code producers} topic when missing (an existing topic is checked, never
 * altered), then publishes the
 * {@link ProducerApproval} to the compacted {@code producers} topic and waits for the broker's
 * acknowledgement. The topics come first so that the producer never holds an approval without
 * a place to publish and receive work. {@link #revoke} publishes a tombstone; the topics are kept,
 * since work in flight may still be on them.
 *
 * <pre>{@code
 * try (ProducerOnboarding onboarding = ProducerOnboarding.create(topics, Map.of("bootstrap.servers", servers),
 *         Duration.ofSeconds(30))) {
 *     onboarding.approve("db-team", List.of("postgres-database"), "alice");
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing releases the clients only when this instance created them.
 */
public final class ProducerOnboarding implements AutoCloseable {

    /** Header on a revocation tombstone naming who revoked. */
    public static final String REVOKED_BY_HEADER = "capmarket.revoked.by";

    private static final Logger LOG = LoggerFactory.getLogger(ProducerOnboarding.class);

    private final Admin admin;
    private final Producer<String, ProducerApproval> producer;
    private final Topics topics;
    private final Duration timeout;
    private final Clock clock;
    private final boolean ownsClients;

    /**
     * Onboarding over clients the caller owns (and closes).
     *
     * @param admin creates the assignments topics
     * @param producer publishes approvals; its value serializer must write {@link ProducerApproval}s
     *     ({@code topics.producers().valueSerde().serializer()})
     * @param topics the topic catalogue
     * @param timeout how long each admin call and each acknowledgement may take
     */
    public ProducerOnboarding(Admin admin, Producer<String, ProducerApproval> producer, Topics topics, Duration timeout) {
        this(admin, producer, topics, timeout, Clock.systemUTC(), false);
    }

    /** As {@link #ProducerOnboarding(Admin, Producer, Topics, Duration)}, stamping approvals with {@code clock}. */
    public ProducerOnboarding(Admin admin, Producer<String, ProducerApproval> producer, Topics topics, Duration timeout,
            Clock clock) {
        this(admin, producer, topics, timeout, clock, false);
    }

    private ProducerOnboarding(Admin admin, Producer<String, ProducerApproval> producer, Topics topics, Duration timeout,
            Clock clock, boolean ownsClients) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be greater than 0, but was " + timeout);
        }
        this.admin = admin;
        this.producer = producer;
        this.topics = topics;
        this.timeout = timeout;
        this.clock = clock;
        this.ownsClients = ownsClients;
    }

    /**
     * Onboarding with its own admin client and producer, built from Kafka client properties
     * ({@code bootstrap.servers} at least, plus any security settings); {@link #close()} closes them.
     * The catalogue must have been built with a registry ({@code serdeConfig}).
     */
    public static ProducerOnboarding create(Topics topics, Map<String, ?> clientConfig, Duration timeout) {
        if (topics.registry().isEmpty()) {
            throw new IllegalArgumentException("the topic catalogue needs a schema registry (Topics.builder().serdeConfig(..)) "
                    + "to publish approvals");
        }
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        producerConfig.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "capmarket-onboarding");
        Admin admin = Admin.create(new HashMap<>(clientConfig));
        try {
            Topic<String, ProducerApproval> producers = topics.producers();
            Producer<String, ProducerApproval> producer = new KafkaProducer<>(producerConfig,
                    producers.keySerde().serializer(), producers.valueSerde().serializer());
            return new ProducerOnboarding(admin, producer, topics, timeout, Clock.systemUTC(), true);
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Approves a producer for capabilities: creates its own topics, then records the approval.
     *
     * @param producerId the producer team, legal topic-name characters (kebab-case recommended)
     * @param capabilities kebab-case capability names, or {@code "*"} alone for any
     * @param approvedBy who approves, for the audit trail
     * @return the approval as published
     * @throws IllegalArgumentException naming a bad argument; nothing was changed
     * @throws io.capmarket.schemas.topics.TopicMismatchException when one of its topics exists with another setup
     * @throws KafkaException when the broker does not answer in time or refuses; safe to repeat
     */
    public ProducerApproval approve(String producerId, List<String> capabilities, String approvedBy) {
        ProducerNames.requireProducerId(producerId);
        List<String> normalized = ProducerNames.requireCapabilities(capabilities);
        AdminCalls.requireActor("approvedBy", approvedBy);
        if (!ProducerNames.isKebabCase(producerId)) {
            LOG.warn("producerId '{}' is not kebab-case (like db-team); it works, but '_' and '-' in topic names can collide "
                    + "in Kafka's metric names", producerId);
        }
        TopicProvisioner provisioner = new TopicProvisioner(admin, timeout);
        provisioner.ensure(topics.producerTopics(producerId).stream().<TopicSpec>map(Topic::spec).toList());
        // the approvals topic when missing: written to before the topology created it, it would be auto-created, not
        // compacted. An existing one is the topology's to check (its partitions follow the topology's settings).
        provisioner.provision(List.of(topics.producers().spec()));
        ProducerApproval approval = ProducerApproval.newBuilder()
                .setProducerId(producerId)
                .setCapabilities(normalized)
                .setApprovedBy(approvedBy)
                .setAt(clock.instant())
                .build();
        RecordMetadata metadata = await(new ProducerRecord<>(topics.producers().name(), producerId, approval),
                "approval of " + producerId);
        LOG.info("approved producer {} for {} (by {}; {}-{}@{})", producerId, normalized, approvedBy,
                metadata.topic(), metadata.partition(), metadata.offset());
        return approval;
    }

    /**
     * Revokes a producer's approval with a tombstone on the producers topic (who revoked is in the
     * {@value #REVOKED_BY_HEADER} header). Its assignments topic is kept for work in flight.
     *
     * @throws IllegalArgumentException naming a bad argument
     * @throws KafkaException when the broker does not acknowledge in time; safe to repeat
     */
    public void revoke(String producerId, String revokedBy) {
        ProducerNames.requireProducerId(producerId);
        AdminCalls.requireActor("revokedBy", revokedBy);
        ProducerRecord<String, ProducerApproval> tombstone = new ProducerRecord<>(topics.producers().name(), producerId, null);
        tombstone.headers().add(REVOKED_BY_HEADER, revokedBy.getBytes(StandardCharsets.UTF_8));
        await(tombstone, "revocation of " + producerId);
        LOG.info("revoked producer {} (by {})", producerId, revokedBy);
    }

    private RecordMetadata await(ProducerRecord<String, ProducerApproval> record, String what) {
        return AdminCalls.await(producer.send(record), timeout, what);
    }

    /** Closes the clients if this instance created them. */
    @Override
    public void close() {
        if (ownsClients) {
            producer.close(timeout);
            admin.close(timeout);
        }
    }
}
