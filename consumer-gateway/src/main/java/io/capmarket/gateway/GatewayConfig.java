package io.capmarket.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.runtime.StreamsRecovery;
import io.capmarket.schemas.topics.Topics;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The gateway's configuration. Immutable.
 *
 * <p>Values come from, in increasing precedence: the defaults, a {@code .properties} or
 * {@code .yaml} file, and environment variables named {@code CAPMARKET_} + the key upper-cased
 * with '.' and '-' as '_' ({@code CAPMARKET_BOOTSTRAP_SERVERS}, {@code CAPMARKET_HTTP_PORT}).
 * Every value is checked at load and every problem is reported at once, naming the key, the
 * value and the rule. {@value #CLIENT_PROPERTIES} names the client settings file onboarding wrote
 * for the gateway's principal ({@code capmarket platform onboard --role gateway --out FILE}): its
 * connection, registry credentials and Kafka security settings (see
 * {@link ClientSettings#applicationSettings()}) fill every key not set otherwise, so no password
 * needs to be in the environment. Unknown keys are errors, except {@code streams.*}: raw Kafka Streams,
 * consumer and producer settings passed through ({@code CAPMARKET_STREAMS_*} from the
 * environment). Other {@code CAPMARKET_*} variables (the topology shares the prefix) are ignored.
 *
 * <p>Bearer tokens come from {@value #AUTH_TOKENS_FILE} and/or {@value #AUTH_TOKENS}: one token
 * per line (or per {@code ;} inline) as {@code <sha256-hex of the token> <team> <role> [<name> [human|bot]]},
 * role one of consumer, producer, admin. Only hashes are configured and kept. With
 * {@value #DEV_MODE} the demo tokens are added: {@code demo-consumer} (team {@code demo-app},
 * consumer) and {@code demo-admin} (admin).
 */
public final class GatewayConfig {

    public static final String ENV_PREFIX = "CAPMARKET_";
    public static final String STREAMS_PREFIX = "streams.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String CLIENT_PROPERTIES = "client.properties";
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPICS_PREFIX = "topics.prefix";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication-factor";
    public static final String STATE_DIR = "state.dir";
    public static final String INSTANCE_ID = "instance.id";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String ADVERTISED_HOST = "http.advertised-host";
    public static final String MAX_REQUEST_SIZE = "http.max-request-size";
    public static final String LONG_POLL_MAX_TIMEOUT = "long-poll.max-timeout";
    public static final String VISIBILITY_TIMEOUT = "requests.visibility-timeout";
    public static final String FORWARD_TIMEOUT = "forward.timeout";
    public static final String AUTH_TOKENS_FILE = "auth.tokens-file";
    public static final String AUTH_TOKENS = "auth.tokens";
    public static final String DEV_MODE = "dev-mode";
    public static final String ADMIN_TIMEOUT = "admin.timeout";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";

    public static final String DEFAULT_APPLICATION_ID = "capmarket-gateway";
    public static final String DEFAULT_STATE_DIR = "./.capmarket/gateway-streams";
    public static final int DEFAULT_HTTP_PORT = 8080;

    private static final String DURATION_RULE = "a duration like 30s or 500ms, greater than 0";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb)?");
    private static final Pattern HOST_PORT = Pattern.compile("(?:[a-zA-Z][a-zA-Z0-9_+.-]*://)?(\\[[0-9a-fA-F:.%]+\\]|[^\\s:/\\[\\]]+):(\\d{1,5})");
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9._:\\[\\]-]{1,253}");

    private record Key(String name, String defaultValue, boolean required, String rule, Function<String, Object> parser, String doc) {
        String environmentVariable() {
            return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    private static final List<Key> KEYS = List.of(
            new Key(BOOTSTRAP_SERVERS, null, true, "a comma-separated list of host:port", GatewayConfig::bootstrapServers,
                    "Kafka brokers to bootstrap from"),
            new Key(SCHEMA_REGISTRY_URL, null, true, "a comma-separated list of http(s) URLs", GatewayConfig::registryUrls,
                    "Confluent-API schema registry URLs"),
            new Key(SCHEMA_REGISTRY_USER_INFO, null, false, "user:password", GatewayConfig::userInfo,
                    "basic-auth credentials for the registry"),
            new Key(CLIENT_PROPERTIES, null, false, "a readable .properties file of client settings", GatewayConfig::path,
                    "the client settings onboarding wrote for the gateway's principal: they fill bootstrap.servers, "
                            + "schema.registry.url, its credentials and streams.* (security) where not set otherwise"),
            new Key(APPLICATION_ID, DEFAULT_APPLICATION_ID, false, "1 to 200 characters of a-z, A-Z, 0-9, '.', '_' and '-'",
                    GatewayConfig::legalName, "Kafka Streams application id shared by every gateway instance of a deployment"),
            new Key(TOPICS_PREFIX, Topics.DEFAULT_PREFIX, false, "empty or characters of a-z, A-Z, 0-9, '.', '_' and '-'",
                    text -> text.isBlank() ? "" : legalName(text), "prefix of every capmarket topic name"),
            new Key(TOPICS_PARTITIONS, Integer.toString(Topics.DEFAULT_PARTITIONS), false, "an integer from 1 to 10000",
                    intIn(1, 10_000), "partitions of topics created at start-up (when the gateway starts before the topology)"),
            new Key(TOPICS_REPLICATION_FACTOR, null, false, "an integer from 1 to 32767", intIn(1, Short.MAX_VALUE),
                    "replication factor of created topics (default: the broker's)"),
            new Key(STATE_DIR, DEFAULT_STATE_DIR, false, "a file system path", GatewayConfig::path,
                    "directory of the local request store, resolved against the working directory"),
            new Key(INSTANCE_ID, null, false, "1 to 200 characters of a-z, A-Z, 0-9, '.', '_' and '-'", GatewayConfig::legalName,
                    "a name of this instance that stays the same across its restarts: static group membership, so that a "
                            + "restarted instance takes its views back at once; unique per instance"),
            new Key(HTTP_HOST, "0.0.0.0", false, "a host name or IP address", GatewayConfig::host, "address the HTTP server binds"),
            new Key(HTTP_PORT, Integer.toString(DEFAULT_HTTP_PORT), false, "an integer from 0 to 65535 (0: any free port)",
                    intIn(0, 65535), "HTTP port of the API, portal, metrics and health"),
            new Key(ADVERTISED_HOST, null, false, "a host name or IP address", GatewayConfig::host,
                    "host other gateway instances reach this one at (application.server; default: the local host name)"),
            new Key(MAX_REQUEST_SIZE, "256kb", false, "a size like 65536, 64kb or 1mb, from 1kb to 64mb", GatewayConfig::size,
                    "largest request body accepted"),
            new Key(LONG_POLL_MAX_TIMEOUT, "60s", false, DURATION_RULE, GatewayConfig::duration,
                    "longest ?timeout= a long-poll may ask for"),
            new Key(VISIBILITY_TIMEOUT, "10s", false, DURATION_RULE, GatewayConfig::duration,
                    "how long a submit waits for Kafka's acknowledgement and for its request to be readable before answering 503"),
            new Key(FORWARD_TIMEOUT, "5s", false, DURATION_RULE, GatewayConfig::duration,
                    "how long a read forwarded to another instance may take (plus any long-poll wait)"),
            new Key(AUTH_TOKENS_FILE, null, false, "a readable file of token lines", GatewayConfig::path,
                    "file of hashed bearer tokens"),
            new Key(AUTH_TOKENS, null, false, "token lines separated by ';'", text -> text, "hashed bearer tokens inline"),
            new Key(DEV_MODE, "false", false, "true or false", GatewayConfig::bool,
                    "adds the demo tokens demo-consumer (team demo-app) and demo-admin; never in production"),
            new Key(ADMIN_TIMEOUT, "30s", false, DURATION_RULE, GatewayConfig::duration, "how long start-up admin calls may take"),
            new Key(SHUTDOWN_TIMEOUT, "30s", false, DURATION_RULE, GatewayConfig::duration, "how long a graceful shutdown may take"));

    private static final Map<String, Key> BY_NAME = KEYS.stream()
            .collect(Collectors.toMap(Key::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));

    private static final Map<String, String> OWNED_STREAMS_SETTINGS = Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP_SERVERS,
            StreamsConfig.STATE_DIR_CONFIG, STATE_DIR,
            StreamsConfig.APPLICATION_SERVER_CONFIG, ADVERTISED_HOST);

    private final Map<String, Object> values;
    private final Map<String, String> streamsOverrides;
    private final Tokens tokens;

    private GatewayConfig(Map<String, Object> values, Map<String, String> streamsOverrides, Tokens tokens) {
        this.values = Map.copyOf(values);
        this.streamsOverrides = Map.copyOf(streamsOverrides);
        this.tokens = tokens;
    }

    /**
     * Loads the configuration from an optional file and the environment.
     *
     * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file, or null
     * @param environment the process environment; only {@code CAPMARKET_*} is read
     * @throws InvalidConfigException listing every problem
     */
    public static GatewayConfig load(Path file, Map<String, String> environment) {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> sources = new HashMap<>();
        if (file != null) {
            readFile(file).forEach((key, value) -> {
                settings.put(key, value);
                sources.put(key, " (in " + file + ")");
            });
        }
        Map<String, String> byVariable = new HashMap<>();
        KEYS.forEach(key -> byVariable.put(key.environmentVariable(), key.name()));
        String streamsVariable = ENV_PREFIX + "STREAMS_";
        new TreeMap<>(environment).forEach((variable, value) -> {
            String key = byVariable.get(variable);
            if (key == null && variable.startsWith(streamsVariable) && variable.length() > streamsVariable.length()) {
                key = STREAMS_PREFIX + variable.substring(streamsVariable.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (key != null) {
                settings.put(key, value);
                sources.put(key, " (from environment variable " + variable + ")");
            }
        });
        return build(settings, sources);
    }

    /**
     * Whether an environment variable sets a gateway setting: one of the keys' variables, or a
     * {@code CAPMARKET_STREAMS_*} pass-through. Other {@code CAPMARKET_*} variables are ignored by
     * {@link #load}, since the topology and the SDK read the same prefix.
     */
    public static boolean readsEnvironmentVariable(String variable) {
        String streamsVariable = ENV_PREFIX + "STREAMS_";
        return KEYS.stream().anyMatch(key -> key.environmentVariable().equals(variable))
                || (variable.startsWith(streamsVariable) && variable.length() > streamsVariable.length());
    }

    /** A configuration from settings given in code (defaults for the rest), for tests and the one-JVM dev run. */
    public static GatewayConfig of(Map<String, String> settings) {
        return build(new TreeMap<>(settings), Map.of());
    }

    private static GatewayConfig build(Map<String, String> given, Map<String, String> givenSources) {
        List<String> problems = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>(given);
        Map<String, String> sources = new HashMap<>(givenSources);
        fillFromClientProperties(settings, sources, problems);
        Map<String, Object> values = new HashMap<>();
        Map<String, String> streams = new TreeMap<>();
        settings.forEach((rawKey, value) -> {
            String key = rawKey.trim();
            String source = sources.getOrDefault(key, "");
            if (key.startsWith(STREAMS_PREFIX) && key.length() > STREAMS_PREFIX.length()) {
                String streamsKey = key.substring(STREAMS_PREFIX.length());
                String owner = OWNED_STREAMS_SETTINGS.get(streamsKey);
                if (owner != null) {
                    problems.add(key + " is set by capmarket from " + owner + "; set " + owner + " instead" + source);
                } else {
                    streams.put(streamsKey, value);
                }
                return;
            }
            Key definition = BY_NAME.get(key);
            if (definition == null) {
                problems.add("unknown setting " + key + source);
                return;
            }
            try {
                values.put(key, definition.parser().apply(value));
            } catch (IllegalArgumentException e) {
                problems.add(key + " must be " + definition.rule() + ", but was '" + value + "'"
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + source);
            }
        });
        for (Key key : KEYS) {
            if (!values.containsKey(key.name()) && !settings.containsKey(key.name())) {
                if (key.required()) {
                    problems.add(key.name() + " is required (" + key.rule() + "; environment variable " + key.environmentVariable() + ")");
                } else if (key.defaultValue() != null) {
                    values.put(key.name(), key.parser().apply(key.defaultValue()));
                }
            }
        }
        Tokens tokens = null;
        if (problems.isEmpty()) {
            try {
                tokens = Tokens.from((Path) values.get(AUTH_TOKENS_FILE), (String) values.get(AUTH_TOKENS), (Boolean) values.get(DEV_MODE));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new GatewayConfig(values, streams, tokens);
    }

    /** Puts the {@value #CLIENT_PROPERTIES} file's settings under every key not set otherwise. */
    private static void fillFromClientProperties(Map<String, String> settings, Map<String, String> sources, List<String> problems) {
        String file = settings.get(CLIENT_PROPERTIES);
        if (file == null || file.isBlank()) {
            return;
        }
        String source = sources.getOrDefault(CLIENT_PROPERTIES, "");
        try {
            ClientSettings.fillingIn(CLIENT_PROPERTIES, file, "the gateway's", settings.keySet()).forEach((key, value) -> {
                settings.put(key, value);
                sources.put(key, " (from " + CLIENT_PROPERTIES + " " + file.trim() + ")");
            });
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage() + source);
        }
    }

    // ---- typed values -------------------------------------------------------------------------

    public String bootstrapServers() {
        return (String) values.get(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return (String) values.get(SCHEMA_REGISTRY_URL);
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

    /** The state directory, absolute. */
    /** The instance's stable name, when it has one (static group membership). */
    public Optional<String> instanceId() {
        return Optional.ofNullable((String) values.get(INSTANCE_ID));
    }

    public Path stateDir() {
        return (Path) values.get(STATE_DIR);
    }

    public String httpHost() {
        return (String) values.get(HTTP_HOST);
    }

    /** The HTTP port; 0 means any free port. */
    public int httpPort() {
        return (Integer) values.get(HTTP_PORT);
    }

    /** The host other instances reach this one at; the local host name unless configured. */
    public String advertisedHost() {
        String configured = (String) values.get(ADVERTISED_HOST);
        if (configured != null) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    /** The largest request body accepted, in bytes. */
    public long maxRequestSize() {
        return (Long) values.get(MAX_REQUEST_SIZE);
    }

    public Duration longPollMaxTimeout() {
        return (Duration) values.get(LONG_POLL_MAX_TIMEOUT);
    }

    public Duration visibilityTimeout() {
        return (Duration) values.get(VISIBILITY_TIMEOUT);
    }

    public Duration forwardTimeout() {
        return (Duration) values.get(FORWARD_TIMEOUT);
    }

    public boolean devMode() {
        return (Boolean) values.get(DEV_MODE);
    }

    public Duration adminTimeout() {
        return (Duration) values.get(ADMIN_TIMEOUT);
    }

    public Duration shutdownTimeout() {
        return (Duration) values.get(SHUTDOWN_TIMEOUT);
    }

    /** The {@code streams.*} settings, without the prefix. */
    public Map<String, String> streamsOverrides() {
        return streamsOverrides;
    }

    /** The configured bearer tokens (hashes only). */
    Tokens tokens() {
        return tokens;
    }

    /** Serde properties with Confluent's names. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> serde = new HashMap<>();
        serde.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        Optional.ofNullable((String) values.get(SCHEMA_REGISTRY_USER_INFO)).ifPresent(userInfo -> {
            serde.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            serde.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, userInfo);
        });
        return serde;
    }

    /** A new topic catalogue with serdes configured against the registry. */
    public Topics topics() {
        Topics.Builder builder = Topics.builder().prefix(topicsPrefix()).partitions(topicsPartitions()).serdeConfig(serdeConfig());
        topicsReplicationFactor().ifPresent(builder::replicationFactor);
        return builder.build();
    }

    /**
     * Settings for plain Kafka clients (admin, producer): bootstrap servers plus pass-through client
     * settings, and Kafka's config providers' own settings ({@code config.providers.<name>.class},
     * {@code .param.*}), which no client declares but which resolve {@code ${provider:path:key}} values.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> client = new HashMap<>();
        Set<String> common = org.apache.kafka.clients.admin.AdminClientConfig.configNames();
        streamsOverrides.forEach((key, value) -> {
            if (common.contains(key) || key.startsWith("config.providers.")) {
                client.put(key, value);
            }
        });
        client.put("bootstrap.servers", bootstrapServers());
        return client;
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
        StreamsRecovery.apply(props::put, instanceId());
        topicsReplicationFactor().ifPresent(rf -> props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(rf)));
        props.putAll(streamsOverrides);
        return props;
    }

    /** The settings for a log line, credentials masked. */
    public String describe() {
        Map<String, String> text = new TreeMap<>();
        values.forEach((key, value) -> text.put(key, value instanceof Duration d ? d.toMillis() + "ms" : value.toString()));
        text.computeIfPresent(SCHEMA_REGISTRY_USER_INFO, (k, v) -> v.substring(0, v.indexOf(':') + 1) + "****");
        text.computeIfPresent(AUTH_TOKENS, (k, v) -> "****");
        streamsOverrides.forEach((key, value) -> text.put(STREAMS_PREFIX + key,
                key.contains("password") || key.contains("jaas") || key.contains("secret") ? "****" : value));
        return text.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Every key with its default, environment variable and meaning, for {@code --help}. */
    public static String describeKeys() {
        StringBuilder out = new StringBuilder();
        for (Key key : KEYS) {
            out.append("  ").append(key.name())
                    .append(key.required() ? " (required)" : key.defaultValue() != null ? " (default " + key.defaultValue() + ")" : " (optional)")
                    .append(System.lineSeparator()).append("      ").append(key.doc()).append("; ").append(key.rule())
                    .append("; env ").append(key.environmentVariable()).append(System.lineSeparator());
        }
        return out.append("  streams.*").append(System.lineSeparator())
                .append("      raw Kafka Streams / consumer. / producer. settings; env CAPMARKET_STREAMS_*").append(System.lineSeparator())
                .toString();
    }

    // ---- parsers: each throws IllegalArgumentException (optionally with a detail) ----------------

    static Object duration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException();
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (duration.isZero()) {
            throw new IllegalArgumentException();
        }
        return duration;
    }

    static Object size(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).length() > 12) {
            throw new IllegalArgumentException();
        }
        long amount = Long.parseLong(m.group(1));
        long bytes = m.group(2) == null || m.group(2).equals("b") ? amount : m.group(2).equals("kb") ? amount * 1024 : amount * 1024 * 1024;
        if (bytes < 1024 || bytes > 64L * 1024 * 1024) {
            throw new IllegalArgumentException();
        }
        return bytes;
    }

    static Function<String, Object> intIn(int min, int max) {
        return text -> {
            try {
                int value = Integer.parseInt(text.trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // falls through to the rule
            }
            throw new IllegalArgumentException();
        };
    }

    static Object bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException();
        };
    }

    static Object legalName(String text) {
        String value = text.trim();
        if (!LEGAL_NAME.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    static Object host(String text) {
        String value = text.trim();
        if (!HOST.matcher(value).matches()) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    static Object path(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException();
        }
        return Path.of(text.trim()).toAbsolutePath().normalize();
    }

    static Object userInfo(String text) {
        if (text.indexOf(':') < 1) {
            throw new IllegalArgumentException();
        }
        return text;
    }

    static Object bootstrapServers(String text) {
        List<String> servers = new ArrayList<>();
        for (String raw : text.split(",")) {
            String server = raw.trim();
            Matcher m = HOST_PORT.matcher(server);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                throw new IllegalArgumentException("'" + server + "' is not host:port");
            }
            servers.add(server);
        }
        return String.join(",", servers);
    }

    static Object registryUrls(String text) {
        List<String> urls = new ArrayList<>();
        for (String raw : text.split(",")) {
            String url = raw.trim();
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw new IllegalArgumentException("'" + url + "' is not an http(s) URL with a host");
                }
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("'" + url + "' is not a URL");
            }
            urls.add(url);
        }
        return String.join(",", urls);
    }

    private static Map<String, String> readFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(List.of("config file " + file + " does not exist"));
        }
        try {
            if (name.endsWith(".properties")) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
                Map<String, String> flat = new LinkedHashMap<>();
                properties.stringPropertyNames().stream().sorted().forEach(key -> flat.put(key, properties.getProperty(key).trim()));
                return flat;
            }
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                Map<String, String> flat = new LinkedHashMap<>();
                if (root != null && root.isObject()) {
                    flatten("", root, flat);
                } else if (root != null && !root.isMissingNode() && !root.isNull()) {
                    throw new InvalidConfigException(List.of("config file " + file + " must hold a map of settings"));
                }
                return flat;
            }
        } catch (IOException e) {
            throw new InvalidConfigException(List.of("config file " + file + " cannot be read: " + e.getMessage()));
        }
        throw new InvalidConfigException(List.of("config file " + file + " must end in .properties, .yaml or .yml"));
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> flat) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, flat);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                flat.put(key, String.join(key.equals(AUTH_TOKENS) ? ";" : ",", items));
            } else {
                flat.put(key, value.isNull() ? "" : value.asText());
            }
        }
    }
}
