package io.capmarket.schemas.config;

import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.topics.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys every capmarket application reads the same way (where Kafka and the registry are, the
 * topics' names and shape) and what is made of them: serde settings, the topic catalogue, plain
 * Kafka client settings.
 */
public final class ConnectionKeys {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String TOPICS_PREFIX = "topics.prefix";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication-factor";

    /** The prefix of a Kafka config provider's class and parameters, which no client declares. */
    private static final String CONFIG_PROVIDER_SETTINGS = "config.providers.";

    private ConnectionKeys() {
    }

    /**
     * The connection keys and {@link ConfigSchema#CLIENT_PROPERTIES}, for an application
     * ({@code "the gateway's"}) whose created topics are described by {@code topicsDoc}.
     */
    public static List<ConfigKey> keys(String principal, String registryDoc, String partitionsDoc, String replicationDoc) {
        return List.of(
                ConfigKey.required(BOOTSTRAP_SERVERS, "a comma-separated list of host:port", ConfigParsers::bootstrapServers,
                        "Kafka brokers to bootstrap from"),
                ConfigKey.required(SCHEMA_REGISTRY_URL, "a comma-separated list of http(s) URLs", ConfigParsers::registryUrls, registryDoc),
                ConfigKey.optional(SCHEMA_REGISTRY_USER_INFO, "user:password", ConfigParsers::userInfo,
                        "basic-auth credentials for the registry"),
                ConfigKey.optional(ConfigSchema.CLIENT_PROPERTIES, "a readable .properties file of client settings", ConfigParsers::path,
                        "the client settings onboarding wrote for " + principal + " principal: they fill bootstrap.servers, "
                                + "schema.registry.url, its credentials and streams.* (security) where not set otherwise"),
                ConfigKey.withDefault(TOPICS_PREFIX, Topics.DEFAULT_PREFIX, "empty or characters of a-z, A-Z, 0-9, '.', '_' and '-'",
                        ConfigParsers::topicPrefix, "prefix of every capmarket topic name"),
                ConfigKey.withDefault(TOPICS_PARTITIONS, Integer.toString(Topics.DEFAULT_PARTITIONS), "an integer from 1 to 10000",
                        ConfigParsers.intIn(1, 10_000), partitionsDoc),
                ConfigKey.optional(TOPICS_REPLICATION_FACTOR, "an integer from 1 to 32767", ConfigParsers.intIn(1, Short.MAX_VALUE),
                        replicationDoc));
    }

    /** The replication factor of created topics, when configured. */
    public static Optional<Short> replicationFactor(ConfigValues values) {
        return values.optional(TOPICS_REPLICATION_FACTOR, Integer.class).map(Integer::shortValue);
    }

    /** Serde properties with Confluent's names: the registry URL and credentials. */
    public static Map<String, Object> serdeConfig(ConfigValues values) {
        Map<String, Object> serde = new HashMap<>();
        serde.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, values.string(SCHEMA_REGISTRY_URL));
        values.optional(SCHEMA_REGISTRY_USER_INFO, String.class).ifPresent(userInfo -> {
            serde.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            serde.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, userInfo);
        });
        return serde;
    }

    /** A new topic catalogue with serdes configured against the registry (each call builds one). */
    public static Topics topics(ConfigValues values) {
        Topics.Builder builder = Topics.builder()
                .prefix(values.string(TOPICS_PREFIX))
                .partitions(values.integer(TOPICS_PARTITIONS))
                .serdeConfig(serdeConfig(values));
        replicationFactor(values).ifPresent(builder::replicationFactor);
        return builder.build();
    }

    /**
     * Settings for plain Kafka clients: the bootstrap servers plus the {@code streams.*} settings
     * that every one of the {@code clients} understands (security, SASL, SSL, client DNS), and
     * Kafka's config providers' own settings ({@code config.providers.<name>.class}, {@code .param.*}),
     * which resolve {@code ${provider:path:key}} values.
     *
     * @param clients the setting names of each kind of client made ({@code AdminClientConfig.configNames()}...)
     */
    @SafeVarargs
    public static Map<String, Object> clientConfig(ConfigValues values, Set<String>... clients) {
        Map<String, Object> client = new HashMap<>();
        values.streams().forEach((key, value) -> {
            boolean everyClient = true;
            for (Set<String> names : clients) {
                everyClient &= names.contains(key);
            }
            if (everyClient || key.startsWith(CONFIG_PROVIDER_SETTINGS)) {
                client.put(key, value);
            }
        });
        client.put(BOOTSTRAP_SERVERS, values.string(BOOTSTRAP_SERVERS));
        return client;
    }
}
