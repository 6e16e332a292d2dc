package io.capmarket.schemas.topics;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.serde.AvroSerde;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one typed catalogue of capmarket's topics: names (behind a configurable prefix), key and
 * value serdes, partitions and cleanup policy. No other code spells a topic name.
 *
 * <pre>{@code
 * Topics topics = Topics.builder()
 *         .prefix("capmarket.")
 *         .serdeConfig(Map.of("schema.registry.url", "http://localhost:8081"))
 *         .build();
 * producer.send(new ProducerRecord<>(topics.requests().name(), id, command));
 * }</pre>
 *
 * <p>Value serdes are Avro in Confluent's wire format and share one registry client; keys are
 * strings. Immutable and thread-safe.
 */
public final class Topics {

    /** The prefix of every topic name unless configured otherwise. */
    public static final String DEFAULT_PREFIX = "capmarket.";
    /** Partitions of every topic unless configured otherwise. */
    public static final int DEFAULT_PARTITIONS = 6;
    /** The base name of the per-producer assignments topics; the producerId follows it. */
    public static final String ASSIGNMENTS_BASE = "assignments.";

    private final String prefix;
    private final int partitions;
    private final Map<String, Integer> partitionsByBase;
    private final Optional<Short> replicationFactor;
    private final Map<String, ?> serdeConfig;
    private final SchemaRegistryClient registry;

    private final Topic<String, CapabilityOffer> offers;
    private final Topic<String, ProducerHeartbeat> heartbeats;
    private final Topic<String, RequestCommand> requests;
    private final Topic<String, FulfilmentEvent> fulfilment;
    private final Topic<String, RequestStatus> requestStatus;
    private final Topic<String, CapabilityView> catalog;
    private final Topic<String, CapabilityScore> scorecard;
    private final Topic<byte[], byte[]> deadLetters;
    private final Topic<String, ProducerApproval> producers;

    private Topics(Builder builder) {
        this.prefix = builder.prefix;
        this.partitions = builder.partitions;
        this.partitionsByBase = Map.copyOf(builder.partitionsByBase);
        this.replicationFactor = builder.replicationFactor;
        this.serdeConfig = Map.copyOf(builder.serdeConfig);
        this.registry = serdeConfig.containsKey(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)
                ? SchemaRegistryClient.create(SchemaRegistryConfig.from(serdeConfig))
                : null;
        this.offers = avro("offers", CleanupPolicy.COMPACT, CapabilityOffer.class);
        this.heartbeats = avro("producer-heartbeats", CleanupPolicy.COMPACT, ProducerHeartbeat.class);
        this.requests = avro("requests", CleanupPolicy.DELETE, RequestCommand.class);
        this.fulfilment = avro("fulfilment", CleanupPolicy.DELETE, FulfilmentEvent.class);
        this.requestStatus = avro("request-status", CleanupPolicy.COMPACT, RequestStatus.class);
        this.catalog = avro("catalog", CleanupPolicy.COMPACT, CapabilityView.class);
        this.scorecard = avro("scorecard", CleanupPolicy.COMPACT, CapabilityScore.class);
        this.producers = avro("producers", CleanupPolicy.COMPACT, ProducerApproval.class);
        this.deadLetters = new Topic<>(prefix + "dead-letters", Serdes.ByteArray(), Serdes.ByteArray(),
                spec("dead-letters", CleanupPolicy.DELETE));
    }

    /** A catalogue with the default prefix and partitions and no registry (names and specs only). */
    public static Topics defaults() {
        return builder().build();
    }

    /** Starts a catalogue configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** The prefix in front of every topic name. */
    public String prefix() {
        return prefix;
    }

    /** Capability offers by offerId; compacted, a tombstone withdraws the offer. */
    public Topic<String, CapabilityOffer> offers() {
        return offers;
    }

    /** Producer heartbeats by producerId; compacted. */
    public Topic<String, ProducerHeartbeat> heartbeats() {
        return heartbeats;
    }

    /** Submit and cancel commands by requestId. */
    public Topic<String, RequestCommand> requests() {
        return requests;
    }

    /** The name of one producer's assignments topic, without building its serdes. */
    public String assignmentsName(String producerId) {
        return prefix + ASSIGNMENTS_BASE + TopicNames.requireLegal("producerId", producerId);
    }

    /** One producer's assignments by requestId, so ACLs can confine a producer to its own work. */
    public Topic<String, Assignment> assignments(String producerId) {
        String base = ASSIGNMENTS_BASE + TopicNames.requireLegal("producerId", producerId);
        return new Topic<>(prefix + base, Serdes.String(), valueSerde(Assignment.class),
                new TopicSpec(prefix + base, partitionsFor(ASSIGNMENTS_BASE), replicationFactor, CleanupPolicy.DELETE, Map.of()));
    }

    /** Fulfilment reports by requestId. */
    public Topic<String, FulfilmentEvent> fulfilment() {
        return fulfilment;
    }

    /** Every request's current status with its history, by requestId; compacted. */
    public Topic<String, RequestStatus> requestStatus() {
        return requestStatus;
    }

    /** Catalog entries by capability name; compacted. */
    public Topic<String, CapabilityView> catalog() {
        return catalog;
    }

    /** Scorecards by capability name; compacted. */
    public Topic<String, CapabilityScore> scorecard() {
        return scorecard;
    }

    /** Approved producers and the capabilities each may offer, by producerId; compacted. */
    public Topic<String, ProducerApproval> producers() {
        return producers;
    }

    /** Records refused as poison, with their original bytes and {@link DeadLetterHeaders}. */
    public Topic<byte[], byte[]> deadLetters() {
        return deadLetters;
    }

    /** Every topic that exists once per deployment (all but the per-producer assignments topics). */
    public List<Topic<?, ?>> shared() {
        return List.of(producers, offers, heartbeats, requests, fulfilment, requestStatus, catalog, scorecard, deadLetters);
    }

    /** The specs of {@link #shared()}, for provisioning. */
    public List<TopicSpec> sharedSpecs() {
        return shared().stream().<TopicSpec>map(Topic::spec).toList();
    }

    /** The registry client the value serdes share, if a registry was configured. */
    public Optional<SchemaRegistryClient> registry() {
        return Optional.ofNullable(registry);
    }

    private <V extends SpecificRecord> Topic<String, V> avro(String base, CleanupPolicy cleanup, Class<V> type) {
        return new Topic<>(prefix + base, Serdes.String(), valueSerde(type), spec(base, cleanup));
    }

    private TopicSpec spec(String base, CleanupPolicy cleanup) {
        return new TopicSpec(prefix + base, partitionsFor(base), replicationFactor, cleanup, Map.of());
    }

    private int partitionsFor(String base) {
        return partitionsByBase.getOrDefault(base, partitions);
    }

    private <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
        AvroSerde<V> serde = registry == null ? AvroSerde.specific(type) : AvroSerde.specific(type, registry);
        if (registry != null) {
            serde.configure(serdeConfig, false);
        }
        return serde;
    }

    /** Configures a catalogue. Every setting has a default. */
    public static final class Builder {

        private String prefix = DEFAULT_PREFIX;
        private int partitions = DEFAULT_PARTITIONS;
        private final Map<String, Integer> partitionsByBase = new HashMap<>();
        private Optional<Short> replicationFactor = Optional.empty();
        private Map<String, ?> serdeConfig = Map.of();

        private Builder() {
        }

        /** The prefix in front of every topic name, default {@value Topics#DEFAULT_PREFIX}; may be empty. */
        public Builder prefix(String prefix) {
            if (prefix == null) {
                throw new IllegalArgumentException("topic prefix must not be null (use \"\" for none)");
            }
            if (!prefix.isEmpty()) {
                TopicNames.requireLegal("topic prefix", prefix);
            }
            this.prefix = prefix;
            return this;
        }

        /** Partitions of every topic, default {@value Topics#DEFAULT_PARTITIONS}. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, but was " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /**
         * Partitions of one topic, by its name without the prefix (for example {@code requests},
         * or {@code assignments.} for every producer's assignments topic).
         */
        public Builder partitions(String baseName, int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions of " + baseName + " must be at least 1, but was " + partitions);
            }
            this.partitionsByBase.put(baseName, partitions);
            return this;
        }

        /** The replication factor of created topics; by default the broker's {@code default.replication.factor}. */
        public Builder replicationFactor(short replicationFactor) {
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("replication factor must be at least 1, but was " + replicationFactor);
            }
            this.replicationFactor = Optional.of(replicationFactor);
            return this;
        }

        /**
         * Serde properties with Confluent's names ({@code schema.registry.url} at least) used to
         * configure every value serde; without them the serdes must be configured by the caller.
         */
        public Builder serdeConfig(Map<String, ?> serdeConfig) {
            this.serdeConfig = Map.copyOf(serdeConfig);
            return this;
        }

        /** The catalogue. */
        public Topics build() {
            return new Topics(this);
        }
    }
}
