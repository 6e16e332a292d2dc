package io.capmarket.topology.app;

import static io.capmarket.schemas.config.ConfigParsers.DURATION_RULE;
import static io.capmarket.schemas.config.ConfigParsers.NAME_RULE;

import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.schemas.config.ConfigKey;
import io.capmarket.schemas.config.ConfigParsers;
import io.capmarket.schemas.config.ConfigSchema;
import io.capmarket.schemas.config.ConfigValues;
import io.capmarket.schemas.config.ConnectionKeys;
import io.capmarket.schemas.config.InvalidConfigException;
import io.capmarket.schemas.runtime.ServiceCommand;
import io.capmarket.schemas.runtime.StreamsRecovery;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.Day2Policy;
import io.capmarket.topology.core.MatchingPolicy;
import io.capmarket.topology.core.ProbationPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The topology application's configuration: where it connects, how it runs, and the matching,
 * deadline and scorecard settings. Immutable.
 *
 * <p>Loading and checking are the shared {@link ConfigSchema}'s: defaults, then a {@code .properties}
 * or {@code .yaml} file, then {@code CAPMARKET_*} environment variables
 * ({@code CAPMARKET_MATCHING_ACCEPT_DEADLINE}), then explicit overrides; every problem reported at
 * once; unknown keys refused with a did-you-mean; {@code streams.*} passed through to Kafka Streams
 * except what capmarket sets from its own keys; {@value #CLIENT_PROPERTIES} (written by
 * {@code capmarket platform onboard --role topology --out FILE}) filling the connection, registry
 * credentials and security settings not set otherwise (see {@link ClientSettings#applicationSettings()}).
 * The topology adds {@code producers.approved.<producerId>}, the per-producer form of
 * {@code producers.approved} (YAML: a map under {@code producers.approved}).
 *
 * <p>The state directory defaults to {@value #DEFAULT_STATE_DIR}, resolved against the working
 * directory at load: not under {@code java.io.tmpdir}, which the OS may clean under a running
 * application and which would make every restart restore its stores from the changelogs.
 */
public final class TopologyConfig implements ServiceCommand.Settings {

    /** The prefix of raw Kafka Streams settings passed through. */
    public static final String STREAMS_PREFIX = ConfigSchema.STREAMS_PREFIX;

    public static final String BOOTSTRAP_SERVERS = ConnectionKeys.BOOTSTRAP_SERVERS;
    public static final String SCHEMA_REGISTRY_URL = ConnectionKeys.SCHEMA_REGISTRY_URL;
    public static final String SCHEMA_REGISTRY_USER_INFO = ConnectionKeys.SCHEMA_REGISTRY_USER_INFO;
    public static final String CLIENT_PROPERTIES = ConfigSchema.CLIENT_PROPERTIES;
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPICS_PREFIX = ConnectionKeys.TOPICS_PREFIX;
    public static final String TOPICS_PARTITIONS = ConnectionKeys.TOPICS_PARTITIONS;
    public static final String TOPICS_REPLICATION_FACTOR = ConnectionKeys.TOPICS_REPLICATION_FACTOR;
    public static final String TOPICS_DISCOVERY_INTERVAL = "topics.discovery-interval";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String NUM_STANDBY_REPLICAS = "num.standby.replicas";
    public static final String INSTANCE_ID = "instance.id";
    public static final String STATE_DIR = "state.dir";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_HOST = "http.host";
    public static final String LIVENESS_BOUND = "matching.liveness-bound";
    public static final String ACCEPT_DEADLINE = "matching.accept-deadline";
    public static final String MAX_ATTEMPTS = "matching.max-attempts";
    public static final String MAX_WAIT = "matching.max-wait";
    public static final String PRIORITY_GRANTS = "priority.grants";
    public static final String DAY2_RESEND_AFTER = "day2.resend-after";
    public static final String DAY2_RESEND_MAX = "day2.resend-max";
    public static final String DAY2_DEADLINE = "day2.deadline";
    public static final String DAY2_EXPIRY_NOTICE = "day2.expiry-notice";
    public static final String DAY2_RETAIN_FINISHED = "day2.retain-finished";
    public static final String APPROVAL_EXPIRES_AFTER = "approval.expires-after";
    public static final String FAILURE_HALF_LIFE = "matching.failure-half-life";
    public static final String WEIGHT_HEADROOM = "matching.weights.headroom";
    public static final String WEIGHT_SPEED = "matching.weights.speed";
    public static final String WEIGHT_RELIABILITY = "matching.weights.reliability";
    public static final String WEIGHT_PREFERENCE = "matching.weights.preference";
    public static final String PROBATION_ENTER_RATE = "matching.probation.enter-rate";
    public static final String PROBATION_LEAVE_RATE = "matching.probation.leave-rate";
    public static final String PROBATION_MIN_OUTCOMES = "matching.probation.min-outcomes";
    public static final String PROBATION_SCORE_FACTOR = "matching.probation.score-factor";
    public static final String CHECK_INTERVAL = "deadlines.check-interval";
    public static final String SCORECARD_WINDOW = "scorecard.window";
    public static final String SCORECARD_INTERVAL = "scorecard.interval";
    public static final String PRODUCERS_APPROVED = "producers.approved";
    public static final String ADMIN_TIMEOUT = "admin.timeout";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";

    public static final String DEFAULT_APPLICATION_ID = "capmarket-topology";
    /** How soon the topics of a producer or team onboarded while the topology runs are read, at most. */
    public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(10);
    public static final String DEFAULT_STATE_DIR = "./.capmarket/streams";
    public static final int DEFAULT_HTTP_PORT = 9464;
    public static final String EXACTLY_ONCE_V2 = StreamsConfig.EXACTLY_ONCE_V2;
    public static final String AT_LEAST_ONCE = StreamsConfig.AT_LEAST_ONCE;

    private static final String WEIGHT_RULE = "a finite number of at least 0";
    private static final MatchingPolicy DEFAULT_POLICY = MatchingPolicy.ofDefaults();

    /** Every key, in the order {@code --help} lists them. */
    static final List<ConfigKey> KEYS = Stream.concat(ConnectionKeys.keys("the topology's",
            "Confluent-API schema registry URLs, tried in order", "partitions of topics created at start-up",
            "replication factor of created topics, internal ones included (default: the broker's default.replication.factor)")
            .stream(), Stream.of(
            ConfigKey.withDefault(APPLICATION_ID, DEFAULT_APPLICATION_ID, NAME_RULE, ConfigParsers::legalName,
                    "Kafka Streams application id: consumer group and internal topic prefix"),
            ConfigKey.withDefault(TOPICS_DISCOVERY_INTERVAL, "10s", "a duration from 100ms to 24d",
                    ConfigParsers.durationBetween(Duration.ofMillis(100), Duration.ofMillis(Integer.MAX_VALUE), "a duration from 100ms to 24d"),
                    "how often topics are listed to find producers and teams onboarded since (the main consumer's "
                            + "metadata.max.age.ms): their records are read within this time"),
            ConfigKey.withDefault(PROCESSING_GUARANTEE, EXACTLY_ONCE_V2, "one of exactly_once_v2, at_least_once",
                    ConfigParsers.oneOf(Set.of(EXACTLY_ONCE_V2, AT_LEAST_ONCE)), "Kafka Streams processing guarantee"),
            ConfigKey.withDefault(NUM_STREAM_THREADS, "1", "an integer from 1 to 1000", ConfigParsers.intIn(1, 1000),
                    "stream threads in this instance"),
            ConfigKey.withDefault(NUM_STANDBY_REPLICAS, "0", "an integer from 0 to 100", ConfigParsers.intIn(0, 100),
                    "standby replicas of each state store (faster fail-over)"),
            ConfigKey.optional(INSTANCE_ID, NAME_RULE, ConfigParsers::legalName,
                    "a name of this instance that stays the same across its restarts (a StatefulSet pod's name, say): "
                            + "static group membership, so that a restarted instance takes its tasks back at once instead of "
                            + "waiting out the session of its previous run; unique per instance"),
            ConfigKey.withDefault(STATE_DIR, DEFAULT_STATE_DIR, "a file system path", ConfigParsers::path,
                    "directory of local state stores, resolved against the working directory"),
            ConfigKey.withDefault(HTTP_PORT, Integer.toString(DEFAULT_HTTP_PORT), "an integer from 0 to 65535 (0: any free port)",
                    ConfigParsers.intIn(0, 65535), "port of /metrics, /health/live and /health/ready"),
            ConfigKey.withDefault(HTTP_HOST, "0.0.0.0", ConfigParsers.HOST_RULE, ConfigParsers::host,
                    "address /metrics, /health/live and /health/ready are served on (unauthenticated: 127.0.0.1 keeps them "
                            + "to this host)"),
            duration(LIVENESS_BOUND, "30s", "a producer whose last heartbeat is older is not matched"),
            duration(ACCEPT_DEADLINE, "30s", "how long a producer has to accept or reject an assignment"),
            ConfigKey.withDefault(MAX_ATTEMPTS, Integer.toString(TopologySettings.DEFAULT_MAX_ATTEMPTS), "an integer from 1 to 1000",
                    ConfigParsers.intIn(1, 1000), "matching attempts per request before it fails"),
            duration(MAX_WAIT, "1d", "how long a request may wait for an offer before it fails, from when it began to wait "
                    + "(its submission, the last decision on its approvals, or the end of an attempt an offer gave up)"),
            ConfigKey.optional(PRIORITY_GRANTS, "PRIORITY=team,team;... with PRIORITY HIGH or CRITICAL ('*': every team)",
                    PriorityGrants::parse, "teams whose bots may submit above NORMAL on their own requests topics (others are dead-lettered)"),
            duration(FAILURE_HALF_LIFE, "1h", "an offer's recent failure rate fades by half per this while it finishes nothing"),
            weight(WEIGHT_HEADROOM, DEFAULT_POLICY.headroomWeight(), "matching weight of free capacity"),
            weight(WEIGHT_SPEED, DEFAULT_POLICY.speedWeight(), "matching weight of keeping the lead-time promise"),
            weight(WEIGHT_RELIABILITY, DEFAULT_POLICY.reliabilityWeight(), "matching weight of a low recent failure rate"),
            weight(WEIGHT_PREFERENCE, DEFAULT_POLICY.preferenceWeight(), "matching weight of the request's attribute preferences"),
            ConfigKey.withDefault(PROBATION_ENTER_RATE, Double.toString(DEFAULT_POLICY.probation().enterRate()),
                    "a number from 0.01 to 1", ConfigParsers.numberIn(0.01, 1),
                    "a producer whose failures, rejections and broken promises reach this share of its outcomes over the "
                            + "scorecard window goes on probation for the capability"),
            ConfigKey.withDefault(PROBATION_LEAVE_RATE, Double.toString(DEFAULT_POLICY.probation().leaveRate()),
                    "a number from 0 to 1, less than " + PROBATION_ENTER_RATE, ConfigParsers.numberIn(0, 1),
                    "a producer on probation is restored once that share is down to this (or its window holds too few outcomes)"),
            ConfigKey.withDefault(PROBATION_MIN_OUTCOMES, Integer.toString(DEFAULT_POLICY.probation().minOutcomes()),
                    "an integer from 1 to 100000", ConfigParsers.intIn(1, 100_000),
                    "outcomes (fulfilled, failed, rejected) in the window needed to put a producer on probation"),
            ConfigKey.withDefault(PROBATION_SCORE_FACTOR, Double.toString(DEFAULT_POLICY.probation().scoreFactor()),
                    "a number from 0.01 to 1", ConfigParsers.numberIn(0.01, 1),
                    "what matching multiplies the scores of a producer's offers by while it is on probation (1: only reported)"),
            duration(CHECK_INTERVAL, "1s", "how often accept deadlines and SLOs are checked (wall clock)"),
            duration(DAY2_RESEND_AFTER, "30s", "how long after an update or deprovision is sent to its producer, without an answer, "
                    + "it is first sent again (then twice as long each time)"),
            duration(DAY2_RESEND_MAX, "10m", "the longest wait between two sends of an unanswered update or deprovision"),
            duration(DAY2_DEADLINE, "1h", "how long an update or deprovision may take: then an update fails (the resource keeps "
                    + "its parameters) and a deprovision is flagged as an orphan"),
            duration(DAY2_EXPIRY_NOTICE, "1d", "how long before a resource's expiry (its ttl, or its offer's maxTtl) it is "
                    + "announced in its history"),
            ConfigKey.withDefault(DAY2_RETAIN_FINISHED, "30d", ConfigParsers.DURATION_OR_NEVER_RULE, ConfigParsers::durationOrNever,
                    "how long a finished request (DEPROVISIONED, FAILED, CANCELLED) is kept after its last change: then it is "
                    + "deleted, its status too (a tombstone on request-status); never: kept for good"),
            duration(APPROVAL_EXPIRES_AFTER, "3d", "how long after its submission (or after its producers were asked, "
                    + "when that was later) a request waiting for approvals fails, unless a policy that applied to it says sooner"),
            duration(SCORECARD_WINDOW, "15m", "length of the scorecard's sliding window"),
            duration(SCORECARD_INTERVAL, "10s", "how often scorecards are published (wall clock)"),
            ConfigKey.optional(PRODUCERS_APPROVED, ApprovedProducers.RULE, ApprovedProducers::parse,
                    "producers approved at start-up, with their capabilities ('*': any)"),
            duration(ADMIN_TIMEOUT, "30s", "how long each start-up admin call (topic provisioning, approvals) may take"),
            duration(SHUTDOWN_TIMEOUT, "30s", "how long a graceful shutdown may take"))).toList();

    /** The keys, and the {@code streams.*} settings capmarket sets from its own keys. */
    static final ConfigSchema SCHEMA = new ConfigSchema("topology", KEYS, Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP_SERVERS,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, PROCESSING_GUARANTEE,
            StreamsConfig.NUM_STREAM_THREADS_CONFIG, NUM_STREAM_THREADS,
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, NUM_STANDBY_REPLICAS,
            StreamsConfig.STATE_DIR_CONFIG, STATE_DIR,
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, TOPICS_PREFIX,
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), TOPICS_DISCOVERY_INTERVAL),
            List.of(PRODUCERS_APPROVED + "."));

    private final ConfigValues values;
    private final Map<String, List<String>> approvedProducers;

    private TopologyConfig(ConfigValues values, Map<String, List<String>> approvedProducers) {
        this.values = values;
        this.approvedProducers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(approvedProducers));
    }

    private static ConfigKey duration(String name, String defaultValue, String doc) {
        return ConfigKey.withDefault(name, defaultValue, DURATION_RULE, ConfigParsers::duration, doc);
    }

    private static ConfigKey weight(String name, double defaultValue, String doc) {
        return ConfigKey.withDefault(name, Double.toString(defaultValue), WEIGHT_RULE, ConfigParsers::nonNegativeNumber, doc);
    }

    /**
     * Loads the configuration from an optional file and the environment.
     *
     * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file, or null for none
     * @param environment the process environment ({@code System.getenv()}); only {@code CAPMARKET_*} is read
     * @throws InvalidConfigException listing every problem
     */
    public static TopologyConfig load(Path file, Map<String, String> environment) {
        return load(file, environment, Map.of());
    }

    /**
     * Loads the configuration from an optional file, the environment and explicit overrides, which win.
     *
     * @throws InvalidConfigException listing every problem
     */
    public static TopologyConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        return build(SCHEMA.load(file, environment, overrides));
    }

    /**
     * A configuration from settings given in code (defaults for the rest), for tests and the
     * one-JVM dev run.
     *
     * @throws InvalidConfigException listing every problem
     */
    public static TopologyConfig of(Map<String, String> settings) {
        return build(SCHEMA.of(settings));
    }

    /** This configuration with some settings replaced (same rules). */
    public TopologyConfig with(Map<String, String> overrides) {
        Map<String, String> all = new TreeMap<>(asText());
        all.putAll(overrides);
        return of(all);
    }

    private static TopologyConfig build(ConfigValues values) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> approved = ApprovedProducers.merge(values, PRODUCERS_APPROVED, problems);
        Optional<Duration> interval = values.optional(SCORECARD_INTERVAL, Duration.class);
        Optional<Duration> window = values.optional(SCORECARD_WINDOW, Duration.class);
        if (interval.isPresent() && window.isPresent() && interval.get().compareTo(window.get()) > 0) {
            problems.add(SCORECARD_INTERVAL + " must not be longer than " + SCORECARD_WINDOW + " (" + format(window.get())
                    + "), but was '" + format(interval.get()) + "'");
        }
        Optional<Double> enter = values.optional(PROBATION_ENTER_RATE, Double.class);
        Optional<Double> leave = values.optional(PROBATION_LEAVE_RATE, Double.class);
        if (enter.isPresent() && leave.isPresent() && leave.get() >= enter.get()) {
            problems.add(PROBATION_LEAVE_RATE + " must be less than " + PROBATION_ENTER_RATE + " (" + enter.get()
                    + "), but was '" + leave.get() + "'");
        }
        List<String> all = values.problemsWith(problems);
        if (!all.isEmpty()) {
            throw new InvalidConfigException(all);
        }
        return new TopologyConfig(values, approved);
    }

    private static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    // ---- typed values -------------------------------------------------------------------------

    public String bootstrapServers() {
        return values.string(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return values.string(SCHEMA_REGISTRY_URL);
    }

    public Optional<String> schemaRegistryUserInfo() {
        return values.optional(SCHEMA_REGISTRY_USER_INFO, String.class);
    }

    public String applicationId() {
        return values.string(APPLICATION_ID);
    }

    public String topicsPrefix() {
        return values.string(TOPICS_PREFIX);
    }

    public int topicsPartitions() {
        return values.integer(TOPICS_PARTITIONS);
    }

    public Optional<Short> topicsReplicationFactor() {
        return ConnectionKeys.replicationFactor(values);
    }

    /**
     * How often the topology lists topics to find the topics of producers and teams onboarded
     * since it started: the longest time before their records are read.
     */
    public Duration topicsDiscoveryInterval() {
        return values.duration(TOPICS_DISCOVERY_INTERVAL);
    }

    public String processingGuarantee() {
        return values.string(PROCESSING_GUARANTEE);
    }

    public int numStreamThreads() {
        return values.integer(NUM_STREAM_THREADS);
    }

    public int numStandbyReplicas() {
        return values.integer(NUM_STANDBY_REPLICAS);
    }

    /** The instance's stable name, when it has one (static group membership). */
    public Optional<String> instanceId() {
        return values.optional(INSTANCE_ID, String.class);
    }

    /** The state directory, absolute. */
    public Path stateDir() {
        return values.path(STATE_DIR);
    }

    /** The HTTP port; 0 means any free port. */
    public int httpPort() {
        return values.integer(HTTP_PORT);
    }

    /** The address the operations HTTP server binds. */
    public String httpHost() {
        return values.string(HTTP_HOST);
    }

    public Duration adminTimeout() {
        return values.duration(ADMIN_TIMEOUT);
    }

    public Duration shutdownTimeout() {
        return values.duration(SHUTDOWN_TIMEOUT);
    }

    /** Producers to approve at start-up, by producerId, with their capabilities, in the order given. */
    public Map<String, List<String>> approvedProducers() {
        return approvedProducers;
    }

    /** The {@code streams.*} settings, without the prefix. */
    public Map<String, String> streamsOverrides() {
        return values.streams();
    }

    /** Things worth telling the operator that are not errors (ignored environment variables). */
    @Override
    public List<String> warnings() {
        return values.warnings();
    }

    /** The matching, deadline and scorecard settings of the topology. */
    public TopologySettings settings() {
        MatchingPolicy policy = new MatchingPolicy(values.duration(LIVENESS_BOUND), values.number(WEIGHT_HEADROOM),
                values.number(WEIGHT_SPEED), values.number(WEIGHT_RELIABILITY), values.number(WEIGHT_PREFERENCE),
                new ProbationPolicy(values.number(PROBATION_ENTER_RATE), values.number(PROBATION_LEAVE_RATE),
                        values.integer(PROBATION_MIN_OUTCOMES), values.number(PROBATION_SCORE_FACTOR)),
                values.duration(FAILURE_HALF_LIFE));
        return new TopologySettings(policy, values.duration(ACCEPT_DEADLINE), values.integer(MAX_ATTEMPTS),
                values.duration(CHECK_INTERVAL), values.duration(SCORECARD_WINDOW),
                values.duration(SCORECARD_INTERVAL), values.duration(MAX_WAIT),
                values.optional(PRIORITY_GRANTS, PriorityGrants.class).orElse(PriorityGrants.NONE),
                new Day2Policy(values.duration(DAY2_RESEND_AFTER), values.duration(DAY2_RESEND_MAX), values.duration(DAY2_DEADLINE),
                        values.duration(DAY2_EXPIRY_NOTICE), values.duration(APPROVAL_EXPIRES_AFTER),
                        values.duration(DAY2_RETAIN_FINISHED)));
    }

    /** Serde properties with Confluent's names: the registry URL and credentials. */
    public Map<String, Object> serdeConfig() {
        return ConnectionKeys.serdeConfig(values);
    }

    /** A new topic catalogue with serdes configured against the registry (each call builds one). */
    public Topics topics() {
        return ConnectionKeys.topics(values);
    }

    /** Settings for the admin client and onboarding producer (see {@link ConnectionKeys#clientConfig}). */
    public Map<String, Object> clientConfig() {
        return ConnectionKeys.clientConfig(values, AdminClientConfig.configNames(), ProducerConfig.configNames());
    }

    /**
     * The Kafka Streams properties: capmarket's choices (guarantee, threads, standbys, state
     * directory, recovery after a crash ({@link StreamsRecovery}), no task idling, the main consumer's
     * {@code metadata.max.age.ms} from {@value #TOPICS_DISCOVERY_INTERVAL},
     * the dead-letter handlers with their topic and {@code events}, no compression, acks=all), then
     * the {@code streams.*} pass-throughs, which win.
     *
     * @param events told of each dead letter (see {@link DeadLetters})
     */
    public Properties streamsProperties(EngineEvents events) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(numStreamThreads()));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(numStandbyReplicas()));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
        topicsReplicationFactor().ifPresent(rf -> props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(rf)));
        // pattern subscriptions see a new producer's or team's topics when the main consumer refreshes its metadata
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
                Long.toString(topicsDiscoveryInterval().toMillis()));
        Topics names = Topics.builder().prefix(topicsPrefix()).build();
        DeadLetters.configure(props, names.deadLetters().name(), events,
                Set.of(names.liveness().name(), names.producers().name(), names.approvalPolicies().name(),
                        names.contractOwners().name(), names.quotas().name()));
        props.putAll(producerSettings());
        // a task reads what it has buffered, without first waiting to fetch each of its many input
        // partitions: no rule orders records across partitions by timestamp (deadlines follow the
        // wall clock), and the readiness check Kafka Streams 4.4 makes otherwise builds a log line
        // per empty partition for every record processed
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        // transactional state stores stay off (StreamsRecovery), so no store holds uncommitted
        // bytes; without this Kafka Streams 4.4 still sums every store's on each loop of the
        // stream thread (2 % of it while matching), to commit early past a limit that never applies
        props.put(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, "-1");
        StreamsRecovery.apply(props::put, instanceId());
        props.putAll(values.streams());
        return props;
    }

    /**
     * The producer settings capmarket gives Kafka Streams, before the {@code streams.*}
     * pass-throughs: acknowledged by every in-sync replica; uncompressed (a transaction spans many
     * partitions, every producer's assignments among them, so many batches hold a record or two,
     * and LZ4 allocates and clears a 64 KB block for every batch; set
     * {@code streams.producer.compression.type=lz4} where bandwidth matters more); batches of up to
     * 256 KB: each time the busiest partition (statuses, request states) fills a batch, the sender
     * takes a batch from every partition holding one, so that larger batches let the brokers append
     * to each of a transaction's partitions fewer times (at 6,000 requests/s, 0.24–0.26 partition
     * appends per request, commit markers included, instead of 0.37–0.40 with 64 KB); from a 64 MB
     * buffer: at most 256 partitions hold an open batch at once, and past that the sender sends them
     * early. The benchmark's passthrough runs with the same settings.
     */
    public static Map<String, String> producerSettings() {
        return Map.of(
                StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all",
                StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none",
                StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), Integer.toString(256 * 1024),
                StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), Long.toString(64L * 1024 * 1024));
    }

    /** Every setting as text, as {@link #of} would accept it (credentials included). */
    Map<String, String> asText() {
        Map<String, String> text = new TreeMap<>(values.asText(Set.of(PRODUCERS_APPROVED)));
        text.keySet().removeIf(key -> key.startsWith(PRODUCERS_APPROVED + "."));
        approvedProducers.forEach((id, caps) -> text.put(PRODUCERS_APPROVED + "." + id, String.join(",", caps)));
        return text;
    }

    /** The settings for a log line, credentials masked. */
    @Override
    public String describe() {
        return values.describe(Set.of());
    }

    /** Every key with its default, environment variable and meaning, for {@code --help}. */
    public static String describeKeys() {
        return SCHEMA.describeKeys();
    }
}
