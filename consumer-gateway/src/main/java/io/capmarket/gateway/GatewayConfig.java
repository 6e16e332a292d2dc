package io.capmarket.gateway;

import static io.capmarket.schemas.config.ConfigParsers.DURATION_RULE;
import static io.capmarket.schemas.config.ConfigParsers.HOST_RULE;
import static io.capmarket.schemas.config.ConfigParsers.NAME_RULE;

import io.capmarket.gateway.internal.CatalogInsights;
import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.config.ConfigKey;
import io.capmarket.schemas.config.ConfigParsers;
import io.capmarket.schemas.config.ConfigSchema;
import io.capmarket.schemas.config.ConfigValues;
import io.capmarket.schemas.config.ConnectionKeys;
import io.capmarket.schemas.config.InvalidConfigException;
import io.capmarket.schemas.runtime.ServiceCommand;
import io.capmarket.schemas.runtime.StreamsRecovery;
import io.capmarket.schemas.topics.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The gateway's configuration. Immutable.
 *
 * <p>Loading and checking are the shared {@link ConfigSchema}'s: defaults, then a {@code .properties}
 * or {@code .yaml} file, then {@code CAPMARKET_*} environment variables ({@code CAPMARKET_HTTP_PORT}),
 * then explicit overrides; every problem reported at once; unknown keys refused with a did-you-mean;
 * {@code streams.*} passed through to Kafka Streams except what capmarket sets from its own keys;
 * {@value #CLIENT_PROPERTIES} (written by {@code capmarket platform onboard --role gateway --out FILE})
 * filling the connection, registry credentials and security settings not set otherwise (see
 * {@link ClientSettings#applicationSettings()}). Other {@code CAPMARKET_*} variables (the topology
 * shares the prefix) are left alone and reported in {@link #warnings()}.
 *
 * <p>Bearer tokens come from {@value #AUTH_TOKENS_FILE} and/or {@value #AUTH_TOKENS}: one token
 * per line (or per {@code ;} inline, or a YAML list) as
 * {@code <sha256-hex of the token> <team> <role> [<name> [human|bot]]}, role one of consumer,
 * producer, approver, admin. Only hashes are configured and kept. With {@value #DEV_MODE} the demo tokens are
 * added: {@code demo-consumer} (team {@code demo-app}, consumer) and {@code demo-admin} (admin).
 */
public final class GatewayConfig implements ServiceCommand.Settings {

    public static final String STREAMS_PREFIX = ConfigSchema.STREAMS_PREFIX;

    public static final String BOOTSTRAP_SERVERS = ConnectionKeys.BOOTSTRAP_SERVERS;
    public static final String SCHEMA_REGISTRY_URL = ConnectionKeys.SCHEMA_REGISTRY_URL;
    public static final String SCHEMA_REGISTRY_USER_INFO = ConnectionKeys.SCHEMA_REGISTRY_USER_INFO;
    public static final String CLIENT_PROPERTIES = ConfigSchema.CLIENT_PROPERTIES;
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPICS_PREFIX = ConnectionKeys.TOPICS_PREFIX;
    public static final String TOPICS_PARTITIONS = ConnectionKeys.TOPICS_PARTITIONS;
    public static final String TOPICS_REPLICATION_FACTOR = ConnectionKeys.TOPICS_REPLICATION_FACTOR;
    public static final String TOPOLOGY_APPLICATION_ID = "topology.application-id";
    public static final String STATE_DIR = "state.dir";
    public static final String INSTANCE_ID = "instance.id";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String ADVERTISED_HOST = "http.advertised-host";
    public static final String MAX_REQUEST_SIZE = "http.max-request-size";
    public static final String BODY_READ_TIMEOUT = "http.body-read-timeout";
    public static final String LONG_POLL_MAX_TIMEOUT = "long-poll.max-timeout";
    public static final String VISIBILITY_TIMEOUT = "requests.visibility-timeout";
    public static final String FORWARD_TIMEOUT = "forward.timeout";
    public static final String AUTH_TOKENS_FILE = "auth.tokens-file";
    public static final String AUTH_TOKENS = "auth.tokens";
    public static final String DEV_MODE = "dev-mode";
    public static final String ADMIN_TIMEOUT = "admin.timeout";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
    public static final String INSIGHTS_WINDOW = "insights.window";
    public static final String INSIGHTS_DUPLICATE_SIMILARITY = "insights.duplicate-similarity";
    public static final String INSIGHTS_MAX_AGE = "insights.max-age";

    public static final String DEFAULT_APPLICATION_ID = "capmarket-gateway";
    public static final String DEFAULT_STATE_DIR = "./.capmarket/gateway-streams";
    public static final int DEFAULT_HTTP_PORT = 8080;

    private static final List<ConfigKey> KEYS = Stream.concat(Stream.concat(ConnectionKeys.keys("the gateway's",
            "Confluent-API schema registry URLs", "partitions of topics created at start-up (when the gateway starts before the topology)",
            "replication factor of created topics (default: the broker's)").stream(), Stream.of(
            ConfigKey.withDefault(APPLICATION_ID, DEFAULT_APPLICATION_ID, NAME_RULE, ConfigParsers::legalName,
                    "Kafka Streams application id shared by every gateway instance of a deployment"),
            ConfigKey.withDefault(TOPOLOGY_APPLICATION_ID, AccessPolicy.DEFAULT_TOPOLOGY_APPLICATION_ID, NAME_RULE,
                    ConfigParsers::legalName, "the topology's application.id: a starting task of the views holds as accepted the "
                            + "submits past its group's committed position (the ones it has not taken yet)"),
            ConfigKey.withDefault(STATE_DIR, DEFAULT_STATE_DIR, "a file system path", ConfigParsers::path,
                    "directory of the local request store, resolved against the working directory"),
            ConfigKey.optional(INSTANCE_ID, NAME_RULE, ConfigParsers::legalName,
                    "a name of this instance that stays the same across its restarts: static group membership, so that a "
                            + "restarted instance takes its views back at once; unique per instance"),
            ConfigKey.withDefault(HTTP_HOST, "0.0.0.0", HOST_RULE, ConfigParsers::host, "address the HTTP server binds"),
            ConfigKey.withDefault(HTTP_PORT, Integer.toString(DEFAULT_HTTP_PORT), "an integer from 0 to 65535 (0: any free port)",
                    ConfigParsers.intIn(0, 65535), "HTTP port of the API, portal, metrics and health"),
            ConfigKey.optional(ADVERTISED_HOST, HOST_RULE, ConfigParsers::host,
                    "host other gateway instances reach this one at (application.server; default: the local host name)"),
            ConfigKey.withDefault(MAX_REQUEST_SIZE, "256kb", "a size like 65536, 64kb or 1mb, from 1kb to 64mb", ConfigParsers::size,
                    "largest request body accepted"),
            duration(BODY_READ_TIMEOUT, "10s", "how long a request body may take to arrive in full, however its bytes trickle in "
                    + "(408 beyond; Jetty's idle timeout restarts with every byte)"),
            duration(LONG_POLL_MAX_TIMEOUT, "60s", "longest ?timeout= a long-poll may ask for"),
            duration(VISIBILITY_TIMEOUT, "10s",
                    "how long a submit waits for Kafka's acknowledgement and for its request to be readable before answering 503"),
            duration(FORWARD_TIMEOUT, "5s", "how long a read or submit forwarded to another instance may take (plus a "
                    + "long-poll's wait, or a submit's wait for Kafka)"),
            ConfigKey.optional(AUTH_TOKENS_FILE, "a readable file of token lines", ConfigParsers::path, "file of hashed bearer tokens"),
            ConfigKey.optional(AUTH_TOKENS, "token lines separated by ';'", ConfigParsers::text, "hashed bearer tokens inline")
                    .joiningListsWith(";"),
            ConfigKey.withDefault(DEV_MODE, "false", "true or false", ConfigParsers::bool,
                    "adds the demo tokens demo-consumer (team demo-app) and demo-admin; never in production"),
            duration(ADMIN_TIMEOUT, "30s", "how long start-up admin calls may take"),
            duration(SHUTDOWN_TIMEOUT, "30s", "how long a graceful shutdown may take"),
            ConfigKey.withDefault(INSIGHTS_WINDOW, CatalogInsights.format(CatalogInsights.DEFAULT_WINDOW), CatalogInsights.WINDOW_RULE,
                    CatalogInsights.WINDOW_PARSER, "how far back GET /v1/insights looks by default: an offer or version not used "
                            + "within it is unused, demand not seen within it is old"),
            ConfigKey.withDefault(INSIGHTS_DUPLICATE_SIMILARITY, Double.toString(CatalogInsights.DEFAULT_DUPLICATE_SIMILARITY),
                    "a number from 0.5 to 1", ConfigParsers.numberIn(0.5, 1),
                    "from which similarity of their parameters (top-level property names and types) two capabilities are "
                            + "reported as near duplicates"),
            duration(INSIGHTS_MAX_AGE, "10s", "how long a report of GET /v1/insights over a window is answered again (its at tells "
                    + "when it was computed) before it is computed anew; one computation per window and instance at a time"))),
            AccessConfig.KEYS.stream()).toList();

    private static final ConfigSchema SCHEMA = new ConfigSchema("gateway", KEYS, Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP_SERVERS,
            StreamsConfig.STATE_DIR_CONFIG, STATE_DIR,
            StreamsConfig.APPLICATION_SERVER_CONFIG, ADVERTISED_HOST), List.of());

    private final ConfigValues values;
    private final Tokens tokens;
    private final AccessConfig access;

    private GatewayConfig(ConfigValues values, Tokens tokens, AccessConfig access) {
        this.values = values;
        this.tokens = tokens;
        this.access = access;
    }

    private static ConfigKey duration(String name, String defaultValue, String doc) {
        return ConfigKey.withDefault(name, defaultValue, DURATION_RULE, ConfigParsers::duration, doc);
    }

    /**
     * Loads the configuration from an optional file and the environment.
     *
     * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file, or null
     * @param environment the process environment; only {@code CAPMARKET_*} is read
     * @throws InvalidConfigException listing every problem
     */
    public static GatewayConfig load(Path file, Map<String, String> environment) {
        return load(file, environment, Map.of());
    }

    /**
     * Loads the configuration from an optional file, the environment and explicit overrides, which win.
     *
     * @throws InvalidConfigException listing every problem
     */
    public static GatewayConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        return build(SCHEMA.load(file, environment, overrides));
    }

    /**
     * Whether an environment variable sets a gateway setting: one of the keys' variables, or a
     * {@code CAPMARKET_STREAMS_*} pass-through. Other {@code CAPMARKET_*} variables are ignored by
     * {@link #load}, since the topology and the SDK read the same prefix.
     */
    public static boolean readsEnvironmentVariable(String variable) {
        return SCHEMA.readsEnvironmentVariable(variable);
    }

    /** A configuration from settings given in code (defaults for the rest), for tests and the one-JVM dev run. */
    public static GatewayConfig of(Map<String, String> settings) {
        return build(SCHEMA.of(settings));
    }

    private static GatewayConfig build(ConfigValues values) {
        if (!values.problems().isEmpty()) {
            throw new InvalidConfigException(values.problems());
        }
        List<String> problems = new ArrayList<>();
        AccessConfig access = AccessConfig.from(values, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        try {
            return new GatewayConfig(values, readTokens(values, access), access);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(List.of(e.getMessage()));
        }
    }

    private static Tokens readTokens(ConfigValues values, AccessConfig access) {
        return Tokens.from(values.optional(AUTH_TOKENS_FILE, Path.class).orElse(null),
                values.optional(AUTH_TOKENS, String.class).orElse(null), values.bool(DEV_MODE), access.adminTeam());
    }

    // ---- typed values -------------------------------------------------------------------------

    public String bootstrapServers() {
        return values.string(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return values.string(SCHEMA_REGISTRY_URL);
    }

    public String applicationId() {
        return values.string(APPLICATION_ID);
    }

    /** The topology's {@code application.id}, whose group's committed positions on {@code requests} tell what it has taken. */
    public String topologyApplicationId() {
        return values.string(TOPOLOGY_APPLICATION_ID);
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

    /** The instance's stable name, when it has one (static group membership). */
    public Optional<String> instanceId() {
        return values.optional(INSTANCE_ID, String.class);
    }

    /** The state directory, absolute. */
    public Path stateDir() {
        return values.path(STATE_DIR);
    }

    public String httpHost() {
        return values.string(HTTP_HOST);
    }

    /** The HTTP port; 0 means any free port. */
    public int httpPort() {
        return values.integer(HTTP_PORT);
    }

    /** The host other instances reach this one at; the local host name unless configured. */
    public String advertisedHost() {
        Optional<String> configured = values.optional(ADVERTISED_HOST, String.class);
        if (configured.isPresent()) {
            return configured.get();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    /** The largest request body accepted, in bytes. */
    public long maxRequestSize() {
        return values.get(MAX_REQUEST_SIZE, Long.class);
    }

    /** How long a request body may take to arrive in full. */
    public Duration bodyReadTimeout() {
        return values.duration(BODY_READ_TIMEOUT);
    }

    public Duration longPollMaxTimeout() {
        return values.duration(LONG_POLL_MAX_TIMEOUT);
    }

    public Duration visibilityTimeout() {
        return values.duration(VISIBILITY_TIMEOUT);
    }

    public Duration forwardTimeout() {
        return values.duration(FORWARD_TIMEOUT);
    }

    public boolean devMode() {
        return values.bool(DEV_MODE);
    }

    public Duration adminTimeout() {
        return values.duration(ADMIN_TIMEOUT);
    }

    public Duration shutdownTimeout() {
        return values.duration(SHUTDOWN_TIMEOUT);
    }

    /** How far back {@code GET /v1/insights} looks when the call does not say. */
    public Duration insightsWindow() {
        return values.duration(INSIGHTS_WINDOW);
    }

    /** From which similarity two capabilities are near duplicates, 0.5 to 1. */
    public double insightsDuplicateSimilarity() {
        return values.number(INSIGHTS_DUPLICATE_SIMILARITY);
    }

    /** How long a report of {@code GET /v1/insights} over a window is answered again before it is computed anew. */
    public Duration insightsMaxAge() {
        return values.duration(INSIGHTS_MAX_AGE);
    }

    /** The {@code streams.*} settings, without the prefix. */
    public Map<String, String> streamsOverrides() {
        return values.streams();
    }

    /** The configured bearer tokens (hashes only), as read at start. */
    Tokens tokens() {
        return tokens;
    }

    /** The token file, when one is configured: read again for the {@link io.capmarket.gateway.internal.TokenFile}. */
    Optional<Path> tokensFile() {
        return values.optional(AUTH_TOKENS_FILE, Path.class);
    }

    /** The bearer tokens as the configuration names them now (the token file read again). */
    Tokens readTokens() {
        return readTokens(values, access);
    }

    /** Identity, rate limits and the instances' shared secret. */
    public AccessConfig access() {
        return access;
    }

    /** Serde properties with Confluent's names. */
    public Map<String, Object> serdeConfig() {
        return ConnectionKeys.serdeConfig(values);
    }

    /** A new topic catalogue with serdes configured against the registry. */
    public Topics topics() {
        return ConnectionKeys.topics(values);
    }

    /** Settings for plain Kafka clients (admin, producer; see {@link ConnectionKeys#clientConfig}). */
    public Map<String, Object> clientConfig() {
        return ConnectionKeys.clientConfig(values, AdminClientConfig.configNames());
    }

    /**
     * The Kafka Streams properties: at-least-once (the gateway's stores are views; the topology
     * owns exactly-once), read_committed (the topology writes transactionally), the advertised
     * {@code application.server}, recovery after a crash ({@link StreamsRecovery}), then the
     * {@code streams.*} pass-throughs, which win.
     */
    public Map<String, Object> streamsProperties(int boundHttpPort) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost() + ":" + boundHttpPort);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // a submit is readable as soon as it is fetched, without waiting for its task's other
        // partition (request-status) to be fetched too: a view does not depend on their order
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        StreamsRecovery.apply(props::put, instanceId());
        topicsReplicationFactor().ifPresent(rf -> props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(rf)));
        props.putAll(values.streams());
        return props;
    }

    /** Things worth telling the operator that are not errors (ignored environment variables). */
    @Override
    public List<String> warnings() {
        return values.warnings();
    }

    /** The settings for a log line, credentials masked. */
    @Override
    public String describe() {
        return values.describe(Set.of(AUTH_TOKENS, AccessConfig.INSTANCES_KEY));
    }

    /** Every key with its default, environment variable and meaning, for {@code --help}. */
    public static String describeKeys() {
        return SCHEMA.describeKeys();
    }
}
