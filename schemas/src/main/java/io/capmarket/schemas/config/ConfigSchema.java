package io.capmarket.schemas.config;

import io.capmarket.schemas.access.ClientSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The keys of one application and how its settings are loaded and checked.
 *
 * <p>Values come from, in increasing precedence: the defaults, a {@code .properties} or
 * {@code .yaml} file, environment variables named {@code CAPMARKET_} + the key upper-cased with
 * '.' and '-' as '_' ({@code CAPMARKET_BOOTSTRAP_SERVERS}), and explicit overrides (a command
 * line's {@code --set KEY=VALUE}). {@value #CLIENT_PROPERTIES}, when the application declares it,
 * names a client settings file written by onboarding whose settings fill every key not set
 * otherwise. Besides the declared keys, two kinds are accepted:
 * <ul>
 *   <li>{@code streams.*}: raw Kafka Streams, consumer and producer settings passed through
 *       ({@code CAPMARKET_STREAMS_COMMIT_INTERVAL_MS} from the environment: the rest lower-cased,
 *       '_' as '.'), except the ones the application sets from its own keys;</li>
 *   <li>keys under one of the {@code openPrefixes}, kept as text for the application to check.</li>
 * </ul>
 * Any other key is refused, with the closest known key when one is close. Other {@code CAPMARKET_*}
 * environment variables are left alone (the applications share the prefix) and reported as warnings.
 *
 * @param application the application's name in messages ({@code topology}, {@code gateway})
 * @param keys every key, in the order {@code --help} lists them
 * @param ownedStreamsSettings {@code streams.*} settings (without the prefix) the application sets
 *     from one of its keys, to that key
 * @param openPrefixes prefixes of keys the application checks itself ({@code producers.approved.})
 */
public record ConfigSchema(String application, List<ConfigKey> keys, Map<String, String> ownedStreamsSettings,
        List<String> openPrefixes) {

    /** The prefix of environment variables that set keys. */
    public static final String ENV_PREFIX = "CAPMARKET_";
    /** The prefix of raw Kafka Streams settings passed through. */
    public static final String STREAMS_PREFIX = "streams.";
    /** The key naming a client settings file written by onboarding. */
    public static final String CLIENT_PROPERTIES = "client.properties";

    private static final String STREAMS_VARIABLE = ENV_PREFIX + "STREAMS_";

    public ConfigSchema {
        keys = List.copyOf(keys);
        ownedStreamsSettings = Map.copyOf(ownedStreamsSettings);
        openPrefixes = List.copyOf(openPrefixes);
    }

    /** The key of this name, if declared. */
    public Optional<ConfigKey> key(String name) {
        return keys.stream().filter(key -> key.name().equals(name)).findFirst();
    }

    /**
     * Loads the settings from an optional file, the environment and explicit overrides.
     *
     * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file, or null for none
     * @param environment the process environment; only {@code CAPMARKET_*} is read
     * @param overrides settings that win over the file and the environment
     * @return the values, with every problem found (a file that cannot be read is the only problem)
     */
    public ConfigValues load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Sourced settings = new Sourced();
        List<String> warnings = new ArrayList<>();
        if (file != null) {
            List<String> problems = new ArrayList<>();
            Map<String, String> read = ConfigFiles.read(file, this::listSeparator, problems);
            if (read == null) {
                return new ConfigValues(Map.of(), Map.of(), Map.of(), Map.of(), warnings, problems);
            }
            read.forEach((key, value) -> settings.put(key, value, " (in " + file + ")"));
        }
        Map<String, String> byVariable = new HashMap<>();
        keys.forEach(key -> byVariable.put(key.environmentVariable(), key.name()));
        new TreeMap<>(environment).forEach((variable, value) -> {
            if (!variable.startsWith(ENV_PREFIX)) {
                return;
            }
            String key = byVariable.get(variable);
            if (key == null && variable.startsWith(STREAMS_VARIABLE) && variable.length() > STREAMS_VARIABLE.length()) {
                key = STREAMS_PREFIX + variable.substring(STREAMS_VARIABLE.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (key == null) {
                warnings.add("ignoring environment variable " + variable + ": not a " + application + " setting"
                        + Suggestions.closest(variable, byVariable.keySet()).map(c -> " (did you mean " + c + "?)").orElse(""));
                return;
            }
            settings.put(key, value, " (from environment variable " + variable + ")");
        });
        new TreeMap<>(overrides).forEach((key, value) -> settings.put(key, value, " (set on the command line)"));
        return build(settings, warnings);
    }

    /** Settings given in code (defaults for the rest), for tests and the one-JVM dev run; in key order. */
    public ConfigValues of(Map<String, String> settings) {
        Sourced sourced = new Sourced();
        new TreeMap<>(settings).forEach((key, value) -> sourced.put(key, value, ""));
        return build(sourced, List.of());
    }

    /**
     * Whether an environment variable sets one of these settings: a key's variable, or a
     * {@code CAPMARKET_STREAMS_*} pass-through.
     */
    public boolean readsEnvironmentVariable(String variable) {
        return keys.stream().anyMatch(key -> key.environmentVariable().equals(variable))
                || (variable.startsWith(STREAMS_VARIABLE) && variable.length() > STREAMS_VARIABLE.length());
    }

    /** Every key with its default, environment variable and meaning, for {@code --help}. */
    public String describeKeys() {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        for (ConfigKey key : keys) {
            out.append("  ").append(key.name())
                    .append(key.required() ? " (required)" : key.defaultValue() != null ? " (default " + key.defaultValue() + ")" : " (optional)")
                    .append(nl).append("      ").append(key.doc()).append("; ").append(key.rule())
                    .append("; env ").append(key.environmentVariable()).append(nl);
        }
        return out.append("  streams.*").append(nl)
                .append("      raw Kafka Streams / consumer. / producer. settings, passed through; env CAPMARKET_STREAMS_*").append(nl)
                .toString();
    }

    private String listSeparator(String name) {
        return key(name).map(ConfigKey::listSeparator).orElse(",");
    }

    private ConfigValues build(Sourced settings, List<String> warnings) {
        List<String> problems = new ArrayList<>();
        fillFromClientProperties(settings, problems);
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        keys.forEach(key -> byName.put(key.name(), key));
        Map<String, Object> values = new HashMap<>();
        Map<String, String> streams = new TreeMap<>();
        Map<String, String> open = new LinkedHashMap<>();
        settings.values.forEach((key, value) -> {
            String source = settings.sources.get(key);
            Optional<String> openPrefix = openPrefixes.stream().filter(p -> key.startsWith(p) && key.length() > p.length()).findFirst();
            if (key.startsWith(STREAMS_PREFIX) && key.length() > STREAMS_PREFIX.length()) {
                String streamsKey = key.substring(STREAMS_PREFIX.length());
                String owner = ownedStreamsSettings.get(streamsKey);
                if (owner != null) {
                    problems.add(key + " is set by capmarket from " + owner + "; set " + owner + " instead" + source);
                } else {
                    streams.put(streamsKey, value);
                }
            } else if (openPrefix.isPresent()) {
                open.put(key, value);
            } else if (byName.containsKey(key)) {
                try {
                    values.put(key, byName.get(key).parser().apply(value));
                } catch (IllegalArgumentException e) {
                    problems.add(problem(byName.get(key), value, source, e));
                }
            } else {
                problems.add("unknown setting " + key + source
                        + Suggestions.closest(key, byName.keySet()).map(c -> "; did you mean " + c + "?").orElse(""));
            }
        });
        for (ConfigKey key : keys) {
            if (!settings.values.containsKey(key.name())) {
                if (key.required()) {
                    problems.add(key.name() + " is required (" + key.rule() + "; environment variable " + key.environmentVariable() + ")");
                } else if (key.defaultValue() != null) {
                    values.put(key.name(), key.parser().apply(key.defaultValue()));
                }
            }
        }
        Map<String, String> sources = new HashMap<>(settings.sources);
        return new ConfigValues(values, streams, open, sources, warnings, problems);
    }

    /**
     * "KEY must be RULE, but was 'VALUE'", the rule a {@link ConfigRule} names or the key's own; a
     * credential's value is not shown ({@link ConfigValues#credential}).
     */
    private static String problem(ConfigKey key, String value, String source, IllegalArgumentException e) {
        String was = ConfigValues.credential(key.name()) ? "a value not shown here (it is a credential)" : "'" + value + "'";
        if (e instanceof ConfigRule rule) {
            return key.name() + " must be " + rule.rule() + ", but was " + was + (rule.detail() == null ? "" : ": " + rule.detail())
                    + source;
        }
        return key.name() + " must be " + key.rule() + ", but was " + was + source;
    }

    /** Puts the {@value #CLIENT_PROPERTIES} file's settings under every key not set otherwise. */
    private void fillFromClientProperties(Sourced settings, List<String> problems) {
        String file = settings.values.get(CLIENT_PROPERTIES);
        if (key(CLIENT_PROPERTIES).isEmpty() || file == null || file.isBlank()) {
            return;
        }
        try {
            ClientSettings.fillingIn(CLIENT_PROPERTIES, file, "the " + application + "'s", settings.values.keySet()).forEach((key, value) ->
                    settings.put(key, value, " (from " + CLIENT_PROPERTIES + " " + file.trim() + ")"));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage() + settings.sources.get(CLIENT_PROPERTIES));
        }
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
