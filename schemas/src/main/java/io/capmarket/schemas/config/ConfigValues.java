package io.capmarket.schemas.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Settings as {@link ConfigSchema} loaded them: the typed value of every key given or defaulted,
 * the {@code streams.*} pass-throughs, the keys under open prefixes as text, and what is wrong.
 * Immutable.
 */
public final class ConfigValues {

    private final Map<String, Object> values;
    private final Map<String, String> streams;
    private final Map<String, String> open;
    private final Map<String, String> sources;
    private final List<String> warnings;
    private final List<String> problems;

    ConfigValues(Map<String, Object> values, Map<String, String> streams, Map<String, String> open, Map<String, String> sources,
            List<String> warnings, List<String> problems) {
        this.values = Map.copyOf(values);
        this.streams = Collections.unmodifiableMap(new TreeMap<>(streams));
        this.open = Collections.unmodifiableMap(new LinkedHashMap<>(open));
        this.sources = Map.copyOf(sources);
        this.warnings = List.copyOf(warnings);
        this.problems = List.copyOf(problems);
    }

    /** The value of a key, of the type its parser returns, if it has one. */
    public <T> Optional<T> optional(String key, Class<T> type) {
        return Optional.ofNullable(values.get(key)).map(type::cast);
    }

    /** The value of a key that has one (given, or by default). */
    public <T> T get(String key, Class<T> type) {
        return optional(key, type).orElseThrow(() -> new IllegalStateException(key + " has no value"));
    }

    /** A text value. */
    public String string(String key) {
        return get(key, String.class);
    }

    /** An integer value. */
    public int integer(String key) {
        return get(key, Integer.class);
    }

    /** A number value. */
    public double number(String key) {
        return get(key, Double.class);
    }

    /** A true/false value. */
    public boolean bool(String key) {
        return get(key, Boolean.class);
    }

    /** A duration value. */
    public Duration duration(String key) {
        return get(key, Duration.class);
    }

    /** A path value, absolute. */
    public Path path(String key) {
        return get(key, Path.class);
    }

    /** The {@code streams.*} settings, without the prefix. */
    public Map<String, String> streams() {
        return streams;
    }

    /** The keys under the schema's open prefixes, with their text, in the order given. */
    public Map<String, String> open() {
        return open;
    }

    /** Where a key's value came from, as a suffix for a message: {@code " (in FILE)"}, or empty. */
    public String source(String key) {
        return sources.getOrDefault(key, "");
    }

    /** Things worth telling the operator that are not errors (ignored environment variables). */
    public List<String> warnings() {
        return warnings;
    }

    /** Every problem found, each naming the key, the value, the rule and the value's source. */
    public List<String> problems() {
        return problems;
    }

    /** {@link #problems()} and then {@code more}. */
    public List<String> problemsWith(List<String> more) {
        List<String> all = new ArrayList<>(problems);
        all.addAll(more);
        return all;
    }

    /**
     * Every setting as text that {@link ConfigSchema#of} takes back (credentials included),
     * {@code leaving} out keys the application writes its own way.
     */
    public Map<String, String> asText(Set<String> leaving) {
        Map<String, String> text = new TreeMap<>();
        values.forEach((key, value) -> {
            if (!leaving.contains(key)) {
                text.put(key, value instanceof Duration d ? text(d) : value.toString());
            }
        });
        text.putAll(open);
        streams.forEach((key, value) -> text.put(ConfigSchema.STREAMS_PREFIX + key, value));
        return text;
    }

    /** A duration as its key takes it back: only {@link ConfigParsers#durationOrNever} reads a zero one, from {@code never}. */
    private static String text(Duration duration) {
        return duration.isZero() ? ConfigParsers.NEVER : ConfigParsers.format(duration);
    }

    /**
     * The settings for a log line: {@code user:password} values and any key naming a password, a
     * JAAS configuration, a secret or a private key masked, and the {@code secrets} keys hidden whole.
     */
    public String describe(Set<String> secrets) {
        Map<String, String> text = asText(Set.of());
        text.replaceAll((key, value) -> {
            if (secrets.contains(key)) {
                return "****";
            }
            if (key.endsWith("user.info")) {
                return value.indexOf(':') > 0 ? value.substring(0, value.indexOf(':') + 1) + "****" : "****";
            }
            return credential(key) ? "****" : value;
        });
        return text.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /**
     * Whether {@code key}'s value is a credential, never to be shown in a log line or an error: one
     * naming a password, a JAAS configuration, a secret, a {@code user.info} or a private key.
     */
    public static boolean credential(String key) {
        return key.contains("password") || key.contains("jaas") || key.contains("secret") || key.endsWith("user.info")
                || key.endsWith("ssl.keystore.key");
    }
}
