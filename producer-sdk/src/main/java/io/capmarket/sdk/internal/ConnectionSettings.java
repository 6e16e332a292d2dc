package io.capmarket.sdk.internal;

import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.serde.AvroSerdeConfig;
import io.capmarket.sdk.InvalidConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How the producer SDK reaches Kafka and the schema registry: the cluster, SASL credentials, the
 * registry and its credentials, and the Kafka and serde settings passed through. Each setter checks
 * its value at once and names the setting, the value and the rule; the settings the SDK's delivery
 * guarantee rests on cannot be weakened. Not thread-safe.
 */
public final class ConnectionSettings {

    /** The schema registry and serde settings a client may give, by Confluent's names. */
    public static final List<String> SERDE_PROPERTIES = List.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS,
            AvroSerdeConfig.USE_LATEST_VERSION, AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY,
            SchemaRegistryConfig.REQUEST_TIMEOUT_MS, SchemaRegistryConfig.LATEST_CACHE_TTL_SEC,
            SchemaRegistryConfig.MAX_SCHEMAS_PER_SUBJECT, SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
            SchemaRegistryConfig.BASIC_AUTH_USER_INFO);
    /** Kafka's default {@code max.poll.interval.ms}. */
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    private String bootstrapServers;
    private String schemaRegistryUrl;
    private String saslMechanism;
    private String saslUsername;
    private String saslPassword;
    private String registryUserInfo;
    private final Map<String, Object> serde = new LinkedHashMap<>();
    private final Map<String, Object> kafka = new LinkedHashMap<>();

    public ConnectionSettings() {
    }

    /** A copy of {@code other}, changed independently of it. */
    public ConnectionSettings(ConnectionSettings other) {
        bootstrapServers = other.bootstrapServers;
        schemaRegistryUrl = other.schemaRegistryUrl;
        saslMechanism = other.saslMechanism;
        saslUsername = other.saslUsername;
        saslPassword = other.saslPassword;
        registryUserInfo = other.registryUserInfo;
        serde.putAll(other.serde);
        kafka.putAll(other.kafka);
    }

    /** The Kafka cluster, {@code host:port[,host:port…]}. */
    public void bootstrapServers(String bootstrapServers) {
        this.bootstrapServers = requireText("bootstrapServers", bootstrapServers, "host:port[,host:port]");
    }

    /** The schema registry, comma-separated {@code http(s)://} URLs; a refused value is never echoed with its credentials. */
    public void schemaRegistryUrl(String schemaRegistryUrl) {
        String url = requireText("schemaRegistryUrl", schemaRegistryUrl, "http(s)://host:port");
        for (String one : url.split(",")) {
            if (!one.trim().startsWith("http://") && !one.trim().startsWith("https://")) {
                throw new InvalidConfigurationException("schemaRegistryUrl must be http:// or https:// URLs, but was '"
                        + withoutCredentials(url) + "'");
            }
        }
        this.schemaRegistryUrl = url;
    }

    /** SASL credentials for Kafka: {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}. */
    public void sasl(String mechanism, String username, String password) {
        if (!List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").contains(mechanism)) {
            throw new InvalidConfigurationException("sasl mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, but was '"
                    + mechanism + "'");
        }
        this.saslUsername = requireText("sasl username", username, "the Kafka user");
        this.saslPassword = requireText("sasl password", password, "the Kafka user's password");
        this.saslMechanism = mechanism;
    }

    /** Basic-auth credentials for the schema registry. */
    public void schemaRegistryBasicAuth(String username, String password) {
        requireText("schema registry username", username, "the registry user");
        if (username.contains(":")) {
            throw new InvalidConfigurationException("schema registry username must not contain ':', but was '" + username + "'");
        }
        this.registryUserInfo = username + ":" + requireText("schema registry password", password, "the password");
    }

    /**
     * A Kafka client setting; {@code acks}, {@code enable.idempotence}, {@code enable.auto.commit},
     * {@code allow.auto.create.topics} and the serializers are the SDK's, and a schema registry or
     * serde setting is refused here (Kafka's clients would ignore it).
     */
    public void kafkaProperty(String key, Object value) {
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
    }

    /** A schema registry or serde setting, one of {@link #SERDE_PROPERTIES} or {@code schema.registry.url}; checked at once. */
    public void serdeProperty(String key, Object value) {
        requireText("serde property name", key, "a schema registry or serde setting");
        Objects.requireNonNull(value, () -> "serde property " + key + " must have a value, but was null");
        if (key.equals(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)) {
            schemaRegistryUrl(value.toString());
            return;
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
    }

    /**
     * Settings as a client properties file holds them: {@code bootstrap.servers}, the registry's
     * and serdes' (every {@code schema.registry.*}, {@code basic.auth.*} or {@code bearer.auth.*}
     * key among them, which {@link #serdeProperty} refuses unless it knows it), and Kafka's.
     */
    public void properties(Map<?, ?> properties) {
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
    }

    /** The required settings not given, by their builder's names. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (bootstrapServers == null) {
            missing.add("bootstrapServers");
        }
        if (schemaRegistryUrl == null) {
            missing.add("schemaRegistryUrl");
        }
        return missing;
    }

    /** The consumer's {@code max.poll.interval.ms}: Kafka's default, or the Kafka property if a number (else Kafka refuses it). */
    public long maxPollIntervalMs() {
        Object value = kafka.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        try {
            return value == null ? DEFAULT_MAX_POLL_INTERVAL_MS : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The serdes' and the registry client's settings, by Confluent's names. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>(serde);
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        if (registryUserInfo != null) {
            config.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            config.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, registryUserInfo);
        }
        return config;
    }

    /** The settings every Kafka client of the SDK starts from: the cluster, SASL ({@code SASL_SSL} unless set), the pass-throughs. */
    public Map<String, Object> kafkaConfig() {
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

    /**
     * The settings of the producer that publishes offers, heartbeats and reports: every record
     * acknowledged by all in-sync replicas on an idempotent producer and sent at once, each send
     * retried until {@code publishTimeout} (at least 15 s, Kafka's request timeout here).
     */
    public Map<String, Object> producerConfig(String clientId, Duration publishTimeout) {
        Map<String, Object> config = kafkaConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(publishTimeout.toMillis(), 15_001));
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    /**
     * The settings every consumer of the SDK starts from: offsets committed by the SDK alone,
     * committed records only, no topic created, from the earliest offset, 50 records a poll unless set.
     */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> config = kafkaConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        return config;
    }

    /** {@code value} trimmed, or an error naming the setting and what it must be when it is null or blank. */
    public static String requireText(String name, String value, String expected) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationException(name + " must be " + expected + ", but was "
                    + (value == null ? "null" : "blank"));
        }
        return value.trim();
    }

    private static boolean isSerdeProperty(String name) {
        return SERDE_PROPERTIES.contains(name) || name.startsWith("schema.registry.") || name.startsWith("basic.auth.")
                || name.startsWith("bearer.auth.");
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** {@code urls} for a message: any {@code user:password@} before a host masked (a password may hold an '@'). */
    private static String withoutCredentials(String urls) {
        return urls.replaceAll("(^|://|,)[^/,]*@", "$1****@");
    }
}
