package io.capmarket.schemas.topics;

import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.serde.AvroSerde;
import io.capmarket.schemas.topology.CapabilityEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one typed catalogue of capmarket's topics: names (behind a configurable prefix), key and
 * value serdes, partitions and cleanup policy. No other code spells a topic name.
 *
 * <p>The layout is the trust boundary: a record's author is known from Kafka's authorization,
 * never from a field. Each producer writes only under its own prefix
 * ({@code producer.<producerId>.}: {@code offers}, {@code heartbeats}, {@code fulfilment}; it
 * reads its {@code assignments} there), each team's bots only under theirs
 * ({@code team.<team>.requests}), so prefixed ACLs confine every principal. The topology reads
 * those inputs by {@linkplain #everyProducersOffers() pattern} and takes the producer or team from the
 * topic ({@link #producerOf}, {@link #teamOf}). Only the platform writes the platform's facts:
 * {@link #platform()}.
 *
 * <pre>{@code
 * Topics topics = Topics.builder()
 *         .prefix("capmarket.")
 *         .serdeConfig(Map.of("schema.registry.url", "http://localhost:8081"))
 *         .build();
 * producer.send(new ProducerRecord<>(topics.fulfilment("db-team").name(), requestId, report));
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
    /** The segment after the prefix that opens a producer's own topics: {@code producer.<producerId>.}. */
    public static final String PRODUCER_SEGMENT = "producer.";
    /** The segment after the prefix that opens a team's own topics: {@code team.<team>.}. */
    public static final String TEAM_SEGMENT = "team.";
    /** Base name (for {@link Builder#partitions(String, int)}) of every producer's offers topic. */
    public static final String OFFERS = "offers";
    /** Base name of every producer's heartbeats topic. */
    public static final String HEARTBEATS = "heartbeats";
    /** Base name of every producer's fulfilment topic. */
    public static final String FULFILMENT = "fulfilment";
    /** Base name of every producer's assignments topic. */
    public static final String ASSIGNMENTS = "assignments";
    /** Base name of the requests topics: the gateway's {@code requests} and every team's {@code team.<team>.requests}. */
    public static final String REQUESTS = "requests";
    /**
     * Base name of the topology's own {@code capability-events} topic; by default it has as many
     * partitions as {@value #REQUESTS}, so that a request partitioned by its capability reaches its
     * capability's owner without a further hop.
     */
    public static final String CAPABILITY_EVENTS = "capability-events";

    private static final String SEGMENT = "(" + TopicSegment.CHARS + ")";

    private final String prefix;
    private final int partitions;
    private final Map<String, Integer> partitionsByBase;
    private final Optional<Short> replicationFactor;
    private final Map<String, ?> serdeConfig;
    private final SchemaRegistryClient registry;

    private final Serde<CapabilityOffer> offerSerde;
    private final Serde<ProducerHeartbeat> heartbeatSerde;
    private final Serde<FulfilmentEvent> fulfilmentSerde;
    private final Serde<Assignment> assignmentSerde;
    private final Serde<RequestCommand> requestSerde;

    private final Topic<String, RequestCommand> requests;
    private final Topic<String, ProducerHeartbeat> liveness;
    private final Topic<String, RequestStatus> requestStatus;
    private final Topic<String, CapabilityView> catalog;
    private final Topic<String, CapabilityScore> scorecard;
    private final Topic<byte[], byte[]> deadLetters;
    private final Topic<String, ProducerApproval> producers;
    private final Topic<String, CapabilityEvent> capabilityEvents;
    private final Topic<String, ApprovalPolicySetting> approvalPolicies;
    private final Topic<String, ContractOwnerSetting> contractOwners;
    private final Topic<String, TeamQuota> quotas;
    private final Topic<String, TeamUsage> teamUsage;

    private final Pattern offersPattern;
    private final Pattern heartbeatsPattern;
    private final Pattern fulfilmentPattern;
    private final Pattern assignmentsPattern;
    private final Pattern requestsPattern;
    private final Pattern producerTopic;
    private final Pattern teamTopic;

    private Topics(Builder builder) {
        this.prefix = builder.prefix;
        this.partitions = builder.partitions;
        this.partitionsByBase = Map.copyOf(builder.partitionsByBase);
        this.replicationFactor = builder.replicationFactor;
        this.serdeConfig = Map.copyOf(builder.serdeConfig);
        this.registry = serdeConfig.containsKey(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)
                ? SchemaRegistryClient.create(SchemaRegistryConfig.from(serdeConfig))
                : null;
        this.offerSerde = valueSerde(CapabilityOffer.class);
        this.heartbeatSerde = valueSerde(ProducerHeartbeat.class);
        this.fulfilmentSerde = valueSerde(FulfilmentEvent.class);
        this.assignmentSerde = valueSerde(Assignment.class);
        this.requestSerde = valueSerde(RequestCommand.class);
        this.requests = new Topic<>(prefix + REQUESTS, Serdes.String(), requestSerde, spec(prefix + REQUESTS, REQUESTS, CleanupPolicy.DELETE));
        this.liveness = avro("producer-liveness", CleanupPolicy.COMPACT, ProducerHeartbeat.class);
        this.requestStatus = avro("request-status", CleanupPolicy.COMPACT, RequestStatus.class);
        this.catalog = avro("catalog", CleanupPolicy.COMPACT, CapabilityView.class);
        this.scorecard = avro("scorecard", CleanupPolicy.COMPACT, CapabilityScore.class);
        this.producers = avro("producers", CleanupPolicy.COMPACT, ProducerApproval.class);
        this.approvalPolicies = avro("approval-policies", CleanupPolicy.COMPACT, ApprovalPolicySetting.class);
        this.contractOwners = avro("contract-owners", CleanupPolicy.COMPACT, ContractOwnerSetting.class);
        this.quotas = avro("quotas", CleanupPolicy.COMPACT, TeamQuota.class);
        this.teamUsage = avro("team-usage", CleanupPolicy.COMPACT, TeamUsage.class);
        this.capabilityEvents = new Topic<>(prefix + CAPABILITY_EVENTS, Serdes.String(), valueSerde(CapabilityEvent.class),
                new TopicSpec(prefix + CAPABILITY_EVENTS, partitionsByBase.getOrDefault(CAPABILITY_EVENTS, partitionsFor(REQUESTS)),
                        replicationFactor, CleanupPolicy.DELETE, Map.of()));
        this.deadLetters = new Topic<>(prefix + "dead-letters", Serdes.ByteArray(), Serdes.ByteArray(),
                spec(prefix + "dead-letters", "dead-letters", CleanupPolicy.DELETE));
        String quoted = Pattern.quote(prefix);
        this.offersPattern = Pattern.compile(quoted + Pattern.quote(PRODUCER_SEGMENT) + SEGMENT + "\\." + OFFERS);
        this.heartbeatsPattern = Pattern.compile(quoted + Pattern.quote(PRODUCER_SEGMENT) + SEGMENT + "\\." + HEARTBEATS);
        this.fulfilmentPattern = Pattern.compile(quoted + Pattern.quote(PRODUCER_SEGMENT) + SEGMENT + "\\." + FULFILMENT);
        this.assignmentsPattern = Pattern.compile(quoted + Pattern.quote(PRODUCER_SEGMENT) + SEGMENT + "\\." + ASSIGNMENTS);
        this.requestsPattern = Pattern.compile(quoted + "(?:" + Pattern.quote(TEAM_SEGMENT) + SEGMENT + "\\.)?" + REQUESTS);
        this.producerTopic = Pattern.compile(quoted + Pattern.quote(PRODUCER_SEGMENT) + SEGMENT + "\\.(" + OFFERS + "|"
                + HEARTBEATS + "|" + FULFILMENT + "|" + ASSIGNMENTS + ")");
        this.teamTopic = Pattern.compile(quoted + Pattern.quote(TEAM_SEGMENT) + SEGMENT + "\\." + REQUESTS);
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

    // ---- a producer's own topics

    /** The prefix of every topic of one producer, {@code <prefix>producer.<producerId>.}: what its ACLs are confined to. */
    public String producerPrefix(String producerId) {
        return prefix + PRODUCER_SEGMENT + TopicSegment.require("producerId", producerId, "db-team") + ".";
    }

    /** One producer's capability offers by offerId; compacted, a tombstone withdraws the offer. Written by that producer. */
    public Topic<String, CapabilityOffer> offers(String producerId) {
        return producerTopic(producerId, OFFERS, CleanupPolicy.COMPACT, offerSerde);
    }

    /** One producer's heartbeats by instanceId; compacted. Written by that producer. */
    public Topic<String, ProducerHeartbeat> heartbeats(String producerId) {
        return producerTopic(producerId, HEARTBEATS, CleanupPolicy.COMPACT, heartbeatSerde);
    }

    /** One producer's fulfilment reports by requestId. Written by that producer. */
    public Topic<String, FulfilmentEvent> fulfilment(String producerId) {
        return producerTopic(producerId, FULFILMENT, CleanupPolicy.DELETE, fulfilmentSerde);
    }

    /** One producer's assignments by requestId. Written by the topology, read by that producer only. */
    public Topic<String, Assignment> assignments(String producerId) {
        return producerTopic(producerId, ASSIGNMENTS, CleanupPolicy.DELETE, assignmentSerde);
    }

    /** The name of one producer's assignments topic, without building a topic. */
    public String assignmentsName(String producerId) {
        return producerPrefix(producerId) + ASSIGNMENTS;
    }

    /** The four topics of one producer, in the order offers, heartbeats, fulfilment, assignments. */
    public List<Topic<?, ?>> producerTopics(String producerId) {
        return List.of(offers(producerId), heartbeats(producerId), fulfilment(producerId), assignments(producerId));
    }

    /** The consumer group of a producer's SDK: under the producer's prefix, so the same prefixed ACL covers it. */
    public String producerGroup(String producerId) {
        return producerPrefix(producerId) + "sdk";
    }

    // ---- a team's own topics

    /** The prefix of every topic of one team's bots, {@code <prefix>team.<team>.}. */
    public String teamPrefix(String team) {
        return prefix + TEAM_SEGMENT + TopicSegment.require("team", team, "payments") + ".";
    }

    /** One team's request commands, written by its bots on Kafka; the topology takes the team from the topic. */
    public Topic<String, RequestCommand> teamRequests(String team) {
        String name = teamPrefix(team) + REQUESTS;
        return new Topic<>(name, Serdes.String(), requestSerde, spec(name, REQUESTS, CleanupPolicy.DELETE));
    }

    // ---- the platform's topics

    /** Submit and cancel commands by requestId, written by the gateway for the team it authenticated. */
    public Topic<String, RequestCommand> requests() {
        return requests;
    }

    /**
     * The latest heartbeat of each producer by producerId; compacted. Written by the topology only,
     * from heartbeats it read on each producer's own topic and attributed to that producer.
     */
    public Topic<String, ProducerHeartbeat> liveness() {
        return liveness;
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

    /** Approved producers and the capabilities each may offer, by producerId; compacted. Written by an admin or the topology. */
    public Topic<String, ProducerApproval> producers() {
        return producers;
    }

    /**
     * The platform admins' approval policies by {@link #versionKey capability version}; compacted,
     * a tombstone removes one. Written by the gateway for an admin it authenticated.
     */
    public Topic<String, ApprovalPolicySetting> approvalPolicies() {
        return approvalPolicies;
    }

    /**
     * The key of a capability version's setting in {@link #approvalPolicies()} and {@link #contractOwners()}:
     * {@code <capability>/<version>}.
     */
    public static String versionKey(String capability, int version) {
        return capability + "/" + version;
    }

    /**
     * The platform admins' handovers of capability versions' contracts, by {@link #versionKey
     * capability version}; compacted, a tombstone removes one. Written by the gateway for an admin it
     * authenticated; read by the topology, which lets the named producer's offers set the contract.
     */
    public Topic<String, ContractOwnerSetting> contractOwners() {
        return contractOwners;
    }

    /**
     * The platform admins' quotas by {@link #quotaKey team and capability}; compacted, a tombstone
     * removes one. Written by the gateway for an admin it authenticated.
     */
    public Topic<String, TeamQuota> quotas() {
        return quotas;
    }

    /** What each team holds of each capability, by {@link #quotaKey team and capability}; compacted. Written by the topology. */
    public Topic<String, TeamUsage> teamUsage() {
        return teamUsage;
    }

    /** The key of a team's quota and usage of a capability: {@code <team>/<capability>}. */
    public static String quotaKey(String team, String capability) {
        return team + "/" + capability;
    }

    /** Records refused as poison, with their original bytes and {@link DeadLetterHeaders}. */
    public Topic<byte[], byte[]> deadLetters() {
        return deadLetters;
    }

    /**
     * The topology's own re-keying topic, keyed by capability: offers, fulfilment reports and
     * commands that did not arrive on the partition of their capability's owner pass it on their
     * way there. Only the topology reads and writes it.
     */
    public Topic<String, CapabilityEvent> capabilityEvents() {
        return capabilityEvents;
    }

    /** Every topic that exists once per deployment: the platform's facts and the gateway's requests. */
    public List<Topic<?, ?>> shared() {
        return List.of(producers, requests, liveness, requestStatus, catalog, scorecard, deadLetters, capabilityEvents,
                approvalPolicies, contractOwners, quotas, teamUsage);
    }

    /** The specs of {@link #shared()}, for provisioning. */
    public List<TopicSpec> sharedSpecs() {
        return shared().stream().<TopicSpec>map(Topic::spec).toList();
    }

    /**
     * The topics only the topology (or an admin) writes: {@link #shared()} but the gateway's requests
     * and the admins' settings the gateway keeps ({@link #approvalPolicies()}, {@link #contractOwners()}, {@link #quotas()}).
     */
    public List<Topic<?, ?>> platform() {
        return List.of(producers, liveness, requestStatus, catalog, scorecard, deadLetters, capabilityEvents, teamUsage);
    }

    // ---- patterns and attribution

    /** Every producer's offers topic, for one subscription; the owner is the producerId. */
    public TopicPattern<String, CapabilityOffer> everyProducersOffers() {
        return new TopicPattern<>(offersPattern, Serdes.String(), offerSerde);
    }

    /** Every producer's heartbeats topic; the owner is the producerId. */
    public TopicPattern<String, ProducerHeartbeat> everyProducersHeartbeats() {
        return new TopicPattern<>(heartbeatsPattern, Serdes.String(), heartbeatSerde);
    }

    /** Every producer's fulfilment topic; the owner is the producerId. */
    public TopicPattern<String, FulfilmentEvent> everyProducersFulfilment() {
        return new TopicPattern<>(fulfilmentPattern, Serdes.String(), fulfilmentSerde);
    }

    /** Every producer's assignments topic; the owner is the producerId. */
    public TopicPattern<String, Assignment> everyProducersAssignments() {
        return new TopicPattern<>(assignmentsPattern, Serdes.String(), assignmentSerde);
    }

    /**
     * The gateway's requests topic and every team's; the owner is the team, none for the gateway's
     * (the gateway writes for the team it authenticated, and only the gateway may write there).
     */
    public TopicPattern<String, RequestCommand> everyRequests() {
        return new TopicPattern<>(requestsPattern, Serdes.String(), requestSerde);
    }

    /** The producer whose own topic this is, if it is one of a producer's four topics. */
    public Optional<String> producerOf(String topic) {
        Matcher matcher = producerTopic.matcher(topic);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The team whose bots' topic this is, if it is a {@code team.<team>.requests} topic (the gateway's has none). */
    public Optional<String> teamOf(String topic) {
        Matcher matcher = teamTopic.matcher(topic);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The registry client the value serdes share, if a registry was configured. */
    public Optional<SchemaRegistryClient> registry() {
        return Optional.ofNullable(registry);
    }

    private <V> Topic<String, V> producerTopic(String producerId, String base, CleanupPolicy cleanup, Serde<V> serde) {
        String name = producerPrefix(producerId) + base;
        return new Topic<>(name, Serdes.String(), serde, spec(name, base, cleanup));
    }

    private <V extends SpecificRecord> Topic<String, V> avro(String base, CleanupPolicy cleanup, Class<V> type) {
        return new Topic<>(prefix + base, Serdes.String(), valueSerde(type), spec(prefix + base, base, cleanup));
    }

    private TopicSpec spec(String name, String base, CleanupPolicy cleanup) {
        return new TopicSpec(name, partitionsFor(base), replicationFactor, cleanup, Map.of());
    }

    private int partitionsFor(String base) {
        return partitionsByBase.getOrDefault(base, partitions);
    }

    /**
     * A serde for the values of an application's own state store, of one of its internal schemas:
     * written and read as the topics' values are, through the same registry when there is one.
     */
    public <V extends SpecificRecord> Serde<V> storeSerde(Class<V> type) {
        return valueSerde(type);
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
         * Partitions of one topic, by its base name without the prefix (for example {@code catalog};
         * {@value Topics#REQUESTS} for the gateway's and every team's requests topic, {@value Topics#OFFERS},
         * {@value Topics#HEARTBEATS}, {@value Topics#FULFILMENT} or {@value Topics#ASSIGNMENTS} for
         * that topic of every producer).
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
