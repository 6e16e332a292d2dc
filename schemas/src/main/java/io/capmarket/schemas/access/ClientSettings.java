package io.capmarket.schemas.access;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The client settings a principal is handed: Kafka's ({@code bootstrap.servers},
 * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}) and the registry's
 * ({@code schema.registry.url}, {@code basic.auth.user.info}, {@code auto.register.schemas}),
 * with Confluent's property names so any Kafka client and serializer reads them.
 *
 * <p>Immutable; keeps the order settings were added in. {@link #toString()} hides passwords;
 * {@link #render(String)} and {@link #write(Path, String)} do not (they are the hand-over).
 */
public final class ClientSettings {

    /** The SASL mechanism capmarket's principals log in with. */
    public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";
    /** Keys that configure the registry client and serializer rather than a Kafka client. */
    public static final Set<String> SERDE_KEYS = Set.of("schema.registry.url", "basic.auth.credentials.source",
            "basic.auth.user.info", "auto.register.schemas", "use.latest.version");

    /** The applications' key of the registry credentials (see {@link #applicationSettings()}). */
    static final String APPLICATION_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    /** The applications' prefix of Kafka settings passed through to their Kafka clients. */
    static final String APPLICATION_STREAMS_PREFIX = "streams.";

    private static final Pattern JAAS_PASSWORD = Pattern.compile("password=\"[^\"]*\"");

    private final Map<String, String> values;

    private ClientSettings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Settings from key-value pairs, in the map's iteration order. */
    public static ClientSettings of(Map<String, ?> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((key, value) -> copy.put(key, String.valueOf(value)));
        return new ClientSettings(copy);
    }

    /**
     * The {@code sasl.jaas.config} of a SCRAM login.
     *
     * @throws IllegalArgumentException when the user or password holds a '"' or '\', which JAAS quoting cannot carry
     */
    public static String scramJaasConfig(String user, String password) {
        for (String value : new String[] {user, password}) {
            if (value == null || value.isEmpty() || value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("SCRAM user and password must be non-empty without '\"' or '\\'");
            }
        }
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /**
     * Reads settings written by {@link #write(Path, String)} (or any {@code .properties} file).
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static ClientSettings read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read client settings from " + file, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(key -> values.put(key, properties.getProperty(key)));
        return new ClientSettings(values);
    }

    /** Every setting, in order. */
    public Map<String, String> asMap() {
        return values;
    }

    /** One setting. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** These settings and one more (or another value for an existing key, in its place). */
    public ClientSettings with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new ClientSettings(copy);
    }

    /** The settings of a Kafka client: all but the registry's and the serializer's ({@link #SERDE_KEYS}). */
    public Map<String, Object> kafkaClientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (!SERDE_KEYS.contains(key)) {
                config.put(key, value);
            }
        });
        return config;
    }

    /** The settings of the registry client and the Avro serde: {@link #SERDE_KEYS} only. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (SERDE_KEYS.contains(key)) {
                config.put(key, value);
            }
        });
        return config;
    }

    /**
     * The {@link #applicationSettings()} of a settings file that an application's own settings do
     * not already give: what its {@code client.properties} key fills in. One rule for the topology
     * and the gateway.
     *
     * @param setting the application's key naming the file, for messages ({@code client.properties})
     * @param file the file's path as configured
     * @param principal whose settings the file must hold, for messages ({@code the topology's})
     * @param given the keys the application's settings already give, which win
     * @return the settings to add, in the file's order
     * @throws IllegalArgumentException naming the setting, the file and what is wrong with it
     */
    public static Map<String, String> fillingIn(String setting, String file, String principal, Set<String> given) {
        ClientSettings settings;
        try {
            settings = read(Path.of(file.trim()));
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(setting + " must be a readable .properties file, but '" + file
                    + "' could not be read (" + e.getCause() + ")", e);
        }
        Map<String, String> filling = new LinkedHashMap<>();
        try {
            settings.applicationSettings().forEach((key, value) -> {
                if (!given.contains(key)) {
                    filling.put(key, value);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " must hold " + principal + " client settings, but '" + file
                    + "' does not: " + e.getMessage(), e);
        }
        return filling;
    }

    /**
     * These settings in the keys of capmarket's applications, the topology and the gateway (both
     * read the same keys): {@code bootstrap.servers} and {@code schema.registry.url} as they are,
     * {@code basic.auth.user.info} as {@code schema.registry.basic.auth.user.info}, and every other
     * Kafka client setting ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}...) as a
     * {@code streams.*} pass-through, which reaches every Kafka client the application makes. This is
     * what the applications' {@code client.properties} setting reads: the file onboarding wrote for
     * their principal ({@code platform onboard --out FILE}).
     *
     * @throws IllegalArgumentException naming the setting when it is a serializer's that an application
     *     decides itself ({@code auto.register.schemas}, {@code use.latest.version}: the settings of a
     *     producer or a team, not of the platform) or registry credentials not given as {@code USER_INFO}
     */
    public Map<String, String> applicationSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            switch (key) {
                case "bootstrap.servers", "schema.registry.url" -> settings.put(key, value);
                case "basic.auth.user.info" -> settings.put(APPLICATION_REGISTRY_USER_INFO, value);
                case "basic.auth.credentials.source" -> {
                    if (!value.trim().equals("USER_INFO")) {
                        throw new IllegalArgumentException("basic.auth.credentials.source must be USER_INFO (the registry "
                                + "credentials in basic.auth.user.info), but was '" + value + "'");
                    }
                }
                case "auto.register.schemas", "use.latest.version" -> throw new IllegalArgumentException(key
                        + " is a producer's or a team's serializer setting, but these settings are for the topology or the "
                        + "gateway, which register the platform's schemas themselves (use the file of their principal)");
                default -> settings.put(APPLICATION_STREAMS_PREFIX + key, value);
            }
        });
        return settings;
    }

    /** The settings as {@code .properties} text, after {@code header} as comment lines. */
    public String render(String header) {
        StringBuilder text = new StringBuilder();
        if (header != null && !header.isBlank()) {
            header.lines().forEach(line -> text.append("# ").append(line).append('\n'));
        }
        values.forEach((key, value) -> text.append(escape(key, true)).append('=').append(escape(value, false)).append('\n'));
        return text.toString();
    }

    /**
     * Writes {@link #render(String)} to a file only its owner may read or write (where the file
     * system has POSIX permissions), replacing it, creating its directory when missing.
     *
     * @return the file
     * @throws UncheckedIOException when it cannot be written
     */
    public Path write(Path file, String header) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, render(header), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write client settings to " + file, e);
        }
    }

    private static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append(key || (i == 0 && (c == '#' || c == '!')) ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The settings with passwords hidden. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((key, value) -> shown.put(key, switch (key) {
            case "sasl.jaas.config" -> JAAS_PASSWORD.matcher(value).replaceAll("password=\"***\"");
            case "basic.auth.user.info" -> value.replaceFirst(":.*", ":***");
            default -> key.contains("password") ? "***" : value;
        }));
        return shown.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientSettings settings && values.equals(settings.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
