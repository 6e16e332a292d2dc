package io.capmarket.topology.app;

import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.runtime.StreamsRecovery;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.MatchingPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The topology application's configuration: where it connects, how it runs, and the matching,
 * deadline and scorecard settings. Immutable.
 *
 * <p>Values come from, in increasing precedence: the defaults, a {@code .properties} or
 * {@code .yaml} file, and environment variables named {@code CAPMARKET_} + the key upper-cased
 * with '.' and '-' as '_' ({@code CAPMARKET_BOOTSTRAP_SERVERS}, {@code CAPMARKET_MATCHING_ACCEPT_DEADLINE}).
 * Every value is checked at load; every problem is reported at once, naming the key, the value
 * and the rule. {@value #CLIENT_PROPERTIES} names the client settings file onboarding wrote for the
 * topology's principal ({@code capmarket platform onboard --role topology --out FILE}): its
 * connection, registry credentials and Kafka security settings (see
 * {@link ClientSettings#applicationSettings()}) fill every key not set otherwise, so no password
 * needs to be in the environment. An unknown key is an error (with a did-you-mean when one is close), except
 * <ul>
 *   <li>{@code streams.*}: raw Kafka Streams, consumer and producer settings passed through as
 *       they are ({@code streams.commit.interval.ms}, {@code streams.producer.linger.ms},
 *       {@code streams.security.protocol}); from the environment, {@code CAPMARKET_STREAMS_COMMIT_INTERVAL_MS}
 *       (the rest lower-cased, '_' as '.'). Settings capmarket owns (for example
 *       {@code streams.application.id}) are refused in favour of their own key.</li>
 *   <li>{@code producers.approved.<producerId>}: one producer's capabilities, the per-producer
 *       form of {@code producers.approved} (YAML: a map under {@code producers.approved}).</li>
 * </ul>
 * Other {@code CAPMARKET_*} environment variables are left alone (the gateway and the SDK share
 * the prefix) and reported in {@link #warnings()}.
 *
 * <p>The state directory defaults to {@value #DEFAULT_STATE_DIR}, resolved against the working
 * directory at load: not under {@code java.io.tmpdir}, which the OS may clean under a running
 * application and which would make every restart restore its stores from the changelogs.
 */
public final class TopologyConfig {

    /** The prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = "CAPMARKET_";
    /** The prefix of raw Kafka Streams settings passed through. */
    public static final String STREAMS_PREFIX = "streams.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String CLIENT_PROPERTIES = "client.properties";
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPICS_PREFIX = "topics.prefix";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication-factor";
    public static final String TOPICS_DISCOVERY_INTERVAL = "topics.discovery-interval";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String NUM_STANDBY_REPLICAS = "num.standby.replicas";
    public static final String INSTANCE_ID = "instance.id";
    public static final String STATE_DIR = "state.dir";
    public static final String HTTP_PORT = "http.port";
    public static final String LIVENESS_BOUND = "matching.liveness-bound";
    public static final String ACCEPT_DEADLINE = "matching.accept-deadline";
    public static final String MAX_ATTEMPTS = "matching.max-attempts";
    public static final String MAX_WAIT = "matching.max-wait";
    public static final String WEIGHT_HEADROOM = "matching.weights.headroom";
    public static final String WEIGHT_SPEED = "matching.weights.speed";
    public static final String WEIGHT_RELIABILITY = "matching.weights.reliability";
    public static final String WEIGHT_PREFERENCE = "matching.weights.preference";
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

    private static final String DURATION_RULE = "a duration like 30s or 500ms";
    private static final String WEIGHT_RULE = "a finite number of at least 0";
    private static final String NAME_RULE = "1 to 200 characters of a-z, A-Z, 0-9, '.', '_' and '-'";

    private static final MatchingPolicy DEFAULT_POLICY = MatchingPolicy.ofDefaults();
    /** The prefix of a Kafka config provider's class and parameters. */
    private static final String CONFIG_PROVIDER_SETTINGS = "config.providers.";

    /** Every key, in the order {@code --help} lists them. */
    static final List<ConfigKey> KEYS = List.of(
            ConfigKey.required(BOOTSTRAP_SERVERS, "a comma-separated list of host:port", ConfigParsers::bootstrapServers,
                    "Kafka brokers to bootstrap from"),
            ConfigKey.required(SCHEMA_REGISTRY_URL, "a comma-separated list of http(s) URLs", ConfigParsers::registryUrls,
                    "Confluent-API schema registry URLs, tried in order"),
            ConfigKey.optional(SCHEMA_REGISTRY_USER_INFO, "user:password", ConfigParsers::userInfo,
                    "basic-auth credentials for the registry"),
            ConfigKey.optional(CLIENT_PROPERTIES, "a readable .properties file of client settings", ConfigParsers::path,
                    "the client settings onboarding wrote for the topology's principal: they fill bootstrap.servers, "
                            + "schema.registry.url, its credentials and streams.* (security) where not set otherwise"),
            ConfigKey.withDefault(APPLICATION_ID, DEFAULT_APPLICATION_ID, NAME_RULE, ConfigParsers::legalName,
                    "Kafka Streams application id: consumer group and internal topic prefix"),
            ConfigKey.withDefault(TOPICS_PREFIX, Topics.DEFAULT_PREFIX, "empty or characters of a-z, A-Z, 0-9, '.', '_' and '-'",
                    ConfigParsers::topicPrefix, "prefix of every capmarket topic name"),
            ConfigKey.withDefault(TOPICS_PARTITIONS, Integer.toString(Topics.DEFAULT_PARTITIONS), "an integer from 1 to 10000",
                    ConfigParsers.intAtLeast(1, 10_000), "partitions of topics created at start-up"),
            ConfigKey.optional(TOPICS_REPLICATION_FACTOR, "an integer from 1 to 32767", ConfigParsers.intAtLeast(1, Short.MAX_VALUE),
                    "replication factor of created topics, internal ones included (default: the broker's default.replication.factor)"),
            ConfigKey.withDefault(TOPICS_DISCOVERY_INTERVAL, "10s", "a duration from 100ms to 24d", ConfigParsers::discoveryInterval,
                    "how often topics are listed to find producers and teams onboarded since (the main consumer's "
                            + "metadata.max.age.ms): their records are read within this time"),
            ConfigKey.withDefault(PROCESSING_GUARANTEE, EXACTLY_ONCE_V2, "one of exactly_once_v2, at_least_once",
                    ConfigParsers.oneOf(Set.of(EXACTLY_ONCE_V2, AT_LEAST_ONCE)), "Kafka Streams processing guarantee"),
            ConfigKey.withDefault(NUM_STREAM_THREADS, "1", "an integer from 1 to 1000", ConfigParsers.intAtLeast(1, 1000),
                    "stream threads in this instance"),
            ConfigKey.withDefault(NUM_STANDBY_REPLICAS, "0", "an integer from 0 to 100", ConfigParsers.intAtLeast(0, 100),
                    "standby replicas of each state store (faster fail-over)"),
            ConfigKey.optional(INSTANCE_ID, NAME_RULE, ConfigParsers::legalName,
                    "a name of this instance that stays the same across its restarts (a StatefulSet pod's name, say): "
                            + "static group membership, so that a restarted instance takes its tasks back at once instead of "
                            + "waiting out the session of its previous run; unique per instance"),
            ConfigKey.withDefault(STATE_DIR, DEFAULT_STATE_DIR, "a file system path", ConfigParsers::path,
                    "directory of local state stores, resolved against the working directory"),
            ConfigKey.withDefault(HTTP_PORT, Integer.toString(DEFAULT_HTTP_PORT), "an integer from 0 to 65535 (0: any free port)",
                    ConfigParsers.intAtLeast(0, 65535), "port of /metrics, /health/live and /health/ready"),
            ConfigKey.withDefault(LIVENESS_BOUND, "30s", DURATION_RULE, ConfigParsers::duration,
                    "a producer whose last heartbeat is older is not matched"),
            ConfigKey.withDefault(ACCEPT_DEADLINE, "30s", DURATION_RULE, ConfigParsers::duration,
                    "how long a producer has to accept or reject an assignment"),
            ConfigKey.withDefault(MAX_ATTEMPTS, Integer.toString(TopologySettings.DEFAULT_MAX_ATTEMPTS), "an integer from 1 to 1000",
                    ConfigParsers.intAtLeast(1, 1000), "matching attempts per request before it fails"),
            ConfigKey.withDefault(MAX_WAIT, "1d", DURATION_RULE, ConfigParsers::duration,
                    "how long after its submission a request may wait for an offer before it fails"),
            ConfigKey.withDefault(WEIGHT_HEADROOM, Double.toString(DEFAULT_POLICY.headroomWeight()), WEIGHT_RULE,
                    ConfigParsers::weight, "matching weight of free capacity"),
            ConfigKey.withDefault(WEIGHT_SPEED, Double.toString(DEFAULT_POLICY.speedWeight()), WEIGHT_RULE,
                    ConfigParsers::weight, "matching weight of keeping the lead-time promise"),
            ConfigKey.withDefault(WEIGHT_RELIABILITY, Double.toString(DEFAULT_POLICY.reliabilityWeight()), WEIGHT_RULE,
                    ConfigParsers::weight, "matching weight of a low recent failure rate"),
            ConfigKey.withDefault(WEIGHT_PREFERENCE, Double.toString(DEFAULT_POLICY.preferenceWeight()), WEIGHT_RULE,
                    ConfigParsers::weight, "matching weight of the request's attribute preferences"),
            ConfigKey.withDefault(CHECK_INTERVAL, "1s", DURATION_RULE, ConfigParsers::duration,
                    "how often accept deadlines and SLOs are checked (wall clock)"),
            ConfigKey.withDefault(SCORECARD_WINDOW, "15m", DURATION_RULE, ConfigParsers::duration,
                    "length of the scorecard's sliding window"),
            ConfigKey.withDefault(SCORECARD_INTERVAL, "10s", DURATION_RULE, ConfigParsers::duration,
                    "how often scorecards are published (wall clock)"),
            ConfigKey.optional(PRODUCERS_APPROVED, ConfigParsers.APPROVED_RULE, ConfigParsers::approvedProducers,
                    "producers approved at start-up, with their capabilities ('*': any)"),
            ConfigKey.withDefault(ADMIN_TIMEOUT, "30s", DURATION_RULE, ConfigParsers::duration,
                    "how long each start-up admin call (topic provisioning, approvals) may take"),
            ConfigKey.withDefault(SHUTDOWN_TIMEOUT, "30s", DURATION_RULE, ConfigParsers::duration,
                    "how long a graceful shutdown may take"));

    private static final Map<String, ConfigKey> BY_NAME = KEYS.stream()
            .collect(Collectors.toMap(ConfigKey::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));

    /** {@code streams.*} settings that capmarket sets from its own keys. */
    private static final Map<String, String> OWNED_STREAMS_SETTINGS = Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP_SERVERS,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, PROCESSING_GUARANTEE,
            StreamsConfig.NUM_STREAM_THREADS_CONFIG, NUM_STREAM_THREADS,
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, NUM_STANDBY_REPLICAS,
            StreamsConfig.STATE_DIR_CONFIG, STATE_DIR,
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, TOPICS_PREFIX,
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), TOPICS_DISCOVERY_INTERVAL);

    private final Map<String, Object> values;
    private final Map<String, String> streamsOverrides;
    private final Map<String, List<String>> approvedProducers;
    private final List<String> warnings;

    private TopologyConfig(Map<String, Object> values, Map<String, String> streamsOverrides,
            Map<String, List<String>> approvedProducers, List<String> warnings) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
        this.streamsOverrides = Collections.unmodifiableMap(new TreeMap<>(streamsOverrides));
        this.approvedProducers = Collections.unmodifiableMap(new LinkedHashMap<>(approvedProducers));
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Loads the configuration from an optional file and the environment.
     *
     * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file, or null for none
     * @param environment the process environment ({@code System.getenv()}); only {@code CAPMARKET_*} is read
     * @throws InvalidConfigException listing every problem
     */
    public static TopologyConfig load(Path file, Map<String, String> environment) {
        Sourced settings = new Sourced();
        if (file != null) {
            ConfigFiles.read(file).forEach((key, value) -> settings.put(key, value, " (in " + file + ")"));
        }
        List<String> warnings = new ArrayList<>();
        Map<String, String> byVariable = new HashMap<>();
        KEYS.forEach(key -> byVariable.put(key.environmentVariable(), key.name()));
        new TreeMap<>(environment).forEach((variable, value) -> {
            if (!variable.startsWith(ENV_PREFIX)) {
                return;
            }
            String key = byVariable.get(variable);
            String streamsVariable = ENV_PREFIX + "STREAMS_";
            if (key == null && variable.startsWith(streamsVariable) && variable.length() > streamsVariable.length()) {
                key = STREAMS_PREFIX + variable.substring(streamsVariable.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (key == null) {
                Optional<String> close = Suggestions.closest(variable, byVariable.keySet());
                warnings.add("ignoring environment variable " + variable + ": not a topology setting"
                        + close.map(c -> " (did you mean " + c + "?)").orElse(""));
                return;
            }
            settings.put(key, value, " (from environment variable " + variable + ")");
        });
        return build(settings, warnings);
    }

    /**
     * A configuration from settings given in code (defaults for the rest), for tests and the
     * one-JVM dev run.
     *
     * @throws InvalidConfigException listing every problem
     */
    public static TopologyConfig of(Map<String, String> settings) {
        Sourced sourced = new Sourced();
        new TreeMap<>(settings).forEach((key, value) -> sourced.put(key, value, ""));
        return build(sourced, List.of());
    }

    /** This configuration with some settings replaced (same rules). */
    public TopologyConfig with(Map<String, String> overrides) {
        Map<String, String> all = new TreeMap<>(asText());
        all.putAll(overrides);
        return of(all);
    }

    private static TopologyConfig build(Sourced settings, List<String> warnings) {
        List<String> problems = new ArrayList<>();
        fillFromClientProperties(settings, problems);
        Map<String, Object> values = new HashMap<>();
        Map<String, String> streams = new TreeMap<>();
        Map<String, List<String>> perProducer = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : settings.values.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            String source = settings.sources.get(key);
            if (key.startsWith(STREAMS_PREFIX) && key.length() > STREAMS_PREFIX.length()) {
                String streamsKey = key.substring(STREAMS_PREFIX.length());
                String owner = OWNED_STREAMS_SETTINGS.get(streamsKey);
                if (owner != null) {
                    problems.add(key + " is set by capmarket from " + owner + "; set " + owner + " instead" + source);
                } else {
                    streams.put(streamsKey, value);
                }
            } else if (key.startsWith(PRODUCERS_APPROVED + ".")) {
                String producerId = key.substring(PRODUCERS_APPROVED.length() + 1);
                try {
                    ProducerNames.requireProducerId(producerId);
                    perProducer.put(producerId, ProducerNames.requireCapabilities(
                            List.of(value.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList()));
                } catch (IllegalArgumentException e) {
                    problems.add(key + " must be a comma-separated list of capabilities (or *) for a valid producer id, but was '"
                            + value + "': " + e.getMessage() + source);
                }
            } else if (BY_NAME.containsKey(key)) {
                ConfigKey definition = BY_NAME.get(key);
                try {
                    values.put(key, definition.parser().apply(value));
                } catch (ConfigRule e) {
                    problems.add(key + " must be " + e.rule() + ", but was '" + value + "'"
                            + (e.detail() == null ? "" : ": " + e.detail()) + source);
                } catch (IllegalArgumentException e) {
                    problems.add(key + " must be " + definition.rule() + ", but was '" + value + "'" + source);
                }
            } else {
                problems.add("unknown setting " + key + source
                        + Suggestions.closest(key, BY_NAME.keySet()).map(c -> "; did you mean " + c + "?").orElse(""));
            }
        }
        for (ConfigKey key : KEYS) {
            if (!settings.values.containsKey(key.name())) {
                if (key.required()) {
                    problems.add(key.name() + " is required (" + key.rule() + "; environment variable "
                            + key.environmentVariable() + ")");
                } else if (key.defaultValue() != null) {
                    values.put(key.name(), key.parser().apply(key.defaultValue()));
                }
            }
        }
        Map<String, List<String>> approved = new LinkedHashMap<>();
        if (values.get(PRODUCERS_APPROVED) instanceof Map<?, ?> listed) {
            listed.forEach((id, caps) -> approved.put((String) id, castList(caps)));
        }
        perProducer.forEach((id, caps) -> {
            if (approved.containsKey(id)) {
                problems.add(PRODUCERS_APPROVED + "." + id + " repeats producer '" + id + "', already listed in " + PRODUCERS_APPROVED);
            } else {
                approved.put(id, caps);
            }
        });
        if (values.get(SCORECARD_INTERVAL) instanceof Duration interval && values.get(SCORECARD_WINDOW) instanceof Duration window
                && interval.compareTo(window) > 0) {
            problems.add(SCORECARD_INTERVAL + " must not be longer than " + SCORECARD_WINDOW + " (" + format(window)
                    + "), but was '" + format(interval) + "'");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new TopologyConfig(values, streams, approved, warnings);
    }

    /** Puts the {@value #CLIENT_PROPERTIES} file's settings under every key not set otherwise. */
    private static void fillFromClientProperties(Sourced settings, List<String> problems) {
        String file = settings.values.get(CLIENT_PROPERTIES);
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            ClientSettings.fillingIn(CLIENT_PROPERTIES, file, "the topology's", settings.values.keySet()).forEach((key, value) ->
                    settings.put(key, value, " (from " + CLIENT_PROPERTIES + " " + file.trim() + ")"));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage() + settings.sources.get(CLIENT_PROPERTIES));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return (List<String>) value;
    }

    private static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    // ---- typed values -------------------------------------------------------------------------

    public String bootstrapServers() {
        return (String) values.get(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return (String) values.get(SCHEMA_REGISTRY_URL);
    }

    public Optional<String> schemaRegistryUserInfo() {
        return Optional.ofNullable((String) values.get(SCHEMA_REGISTRY_USER_INFO));
    }

    public String applicationId() {
        return (String) values.get(APPLICATION_ID);
    }

    public String topicsPrefix() {
        return (String) values.get(TOPICS_PREFIX);
    }

    public int topicsPartitions() {
        return (Integer) values.get(TOPICS_PARTITIONS);
    }

    public Optional<Short> topicsReplicationFactor() {
        return Optional.ofNullable((Integer) values.get(TOPICS_REPLICATION_FACTOR)).map(Integer::shortValue);
    }

    /**
     * How often the topology lists topics to find the topics of producers and teams onboarded
     * since it started: the longest time before their records are read.
     */
    public Duration topicsDiscoveryInterval() {
        return (Duration) values.get(TOPICS_DISCOVERY_INTERVAL);
    }

    public String processingGuarantee() {
        return (String) values.get(PROCESSING_GUARANTEE);
    }

    public int numStreamThreads() {
        return (Integer) values.get(NUM_STREAM_THREADS);
    }

    public int numStandbyReplicas() {
        return (Integer) values.get(NUM_STANDBY_REPLICAS);
    }

    /** The instance's stable name, when it has one (static group membership). */
    public Optional<String> instanceId() {
        return Optional.ofNullable((String) values.get(INSTANCE_ID));
    }

    /** The state directory, absolute. */
    public Path stateDir() {
        return (Path) values.get(STATE_DIR);
    }

    /** The HTTP port; 0 means any free port. */
    public int httpPort() {
        return (Integer) values.get(HTTP_PORT);
    }

    public Duration adminTimeout() {
        return (Duration) values.get(ADMIN_TIMEOUT);
    }

    public Duration shutdownTimeout() {
        return (Duration) values.get(SHUTDOWN_TIMEOUT);
    }

    /** Producers to approve at start-up, by producerId, with their capabilities, in the order given. */
    public Map<String, List<String>> approvedProducers() {
        return approvedProducers;
    }

    /** The {@code streams.*} settings, without the prefix. */
    public Map<String, String> streamsOverrides() {
        return streamsOverrides;
    }

    /** Things worth telling the operator that are not errors (ignored environment variables). */
    public List<String> warnings() {
        return warnings;
    }

    /** The matching, deadline and scorecard settings of the topology. */
    public TopologySettings settings() {
        MatchingPolicy policy = new MatchingPolicy((Duration) values.get(LIVENESS_BOUND), (Double) values.get(WEIGHT_HEADROOM),
                (Double) values.get(WEIGHT_SPEED), (Double) values.get(WEIGHT_RELIABILITY), (Double) values.get(WEIGHT_PREFERENCE));
        return new TopologySettings(policy, (Duration) values.get(ACCEPT_DEADLINE), (Integer) values.get(MAX_ATTEMPTS),
                (Duration) values.get(CHECK_INTERVAL), (Duration) values.get(SCORECARD_WINDOW),
                (Duration) values.get(SCORECARD_INTERVAL), (Duration) values.get(MAX_WAIT));
    }

    /** Serde properties with Confluent's names: the registry URL and credentials. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> serde = new HashMap<>();
        serde.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        schemaRegistryUserInfo().ifPresent(userInfo -> {
            serde.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            serde.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, userInfo);
        });
        return serde;
    }

    /** A new topic catalogue with serdes configured against the registry (each call builds one). */
    public Topics topics() {
        Topics.Builder builder = Topics.builder()
                .prefix(topicsPrefix())
                .partitions(topicsPartitions())
                .serdeConfig(serdeConfig());
        topicsReplicationFactor().ifPresent(builder::replicationFactor);
        return builder.build();
    }

    /**
     * Settings for the admin client and onboarding producer: the bootstrap servers plus the
     * {@code streams.*} settings every Kafka client understands (security, SASL, SSL, client DNS),
     * and Kafka's config providers' own settings ({@code config.providers.<name>.class},
     * {@code .param.*}), which no client declares but which resolve {@code ${provider:path:key}} values.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> client = new HashMap<>();
        Set<String> common = AdminClientConfig.configNames();
        Set<String> producer = ProducerConfig.configNames();
        streamsOverrides.forEach((key, value) -> {
            if ((common.contains(key) && producer.contains(key)) || key.startsWith(CONFIG_PROVIDER_SETTINGS)) {
                client.put(key, value);
            }
        });
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return client;
    }

    /**
     * The Kafka Streams properties: capmarket's choices (guarantee, threads, standbys, state
     * directory, recovery after a crash ({@link StreamsRecovery}), the main consumer's
     * {@code metadata.max.age.ms} from {@value #TOPICS_DISCOVERY_INTERVAL},
     * the dead-letter handlers with their topic and {@code events}, lz4 compression, acks=all), then
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
                Set.of(names.liveness().name(), names.producers().name()));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        StreamsRecovery.apply(props::put, instanceId());
        props.putAll(streamsOverrides);
        return props;
    }

    /** Every setting as text, as {@link #of} would accept it (credentials included). */
    Map<String, String> asText() {
        Map<String, String> text = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key.equals(PRODUCERS_APPROVED)) {
                return;
            }
            text.put(key, value instanceof Duration d ? d.toMillis() + "ms" : value.toString());
        });
        approvedProducers.forEach((id, caps) -> text.put(PRODUCERS_APPROVED + "." + id, String.join(",", caps)));
        streamsOverrides.forEach((key, value) -> text.put(STREAMS_PREFIX + key, value));
        return text;
    }

    /** The settings for a log line, credentials masked. */
    public String describe() {
        Map<String, String> text = asText();
        text.computeIfPresent(SCHEMA_REGISTRY_USER_INFO, (k, v) -> v.substring(0, v.indexOf(':') + 1) + "****");
        text.replaceAll((k, v) -> k.contains("password") || k.contains("jaas") || k.contains("secret") ? "****" : v);
        return text.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Every key with its default, environment variable and meaning, for {@code --help}. */
    public static String describeKeys() {
        StringBuilder out = new StringBuilder();
        for (ConfigKey key : KEYS) {
            out.append("  ").append(key.name());
            out.append(key.required() ? " (required)" : key.defaultValue() != null ? " (default " + key.defaultValue() + ")" : " (optional)");
            out.append(System.lineSeparator()).append("      ").append(key.doc()).append("; ").append(key.rule())
                    .append("; env ").append(key.environmentVariable()).append(System.lineSeparator());
        }
        out.append("  streams.*").append(System.lineSeparator())
                .append("      raw Kafka Streams / consumer. / producer. settings, passed through; env CAPMARKET_STREAMS_*")
                .append(System.lineSeparator());
        return out.toString();
    }

    /** Raw settings in the order given, with where each came from; later puts win. */
    private static final class Sourced {
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, String> sources = new HashMap<>();

        void put(String key, String value, String source) {
            values.put(key.trim(), value);
            sources.put(key.trim(), source);
        }
    }
}
