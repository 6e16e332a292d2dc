package io.capmarket.schemas.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One setting: its name, default, the rule its value must satisfy and how it is parsed.
 *
 * @param name the key, e.g. {@code matching.accept-deadline}
 * @param defaultValue the default as text, or null when the key is required or optional without default
 * @param required whether a value must be given
 * @param rule what a value must be, completing "KEY must be ..."
 * @param parser turns the text into its value; throws {@link IllegalArgumentException} (or a
 *     {@link ConfigRule}) when it breaks the rule
 * @param doc one line for {@code --help}
 * @param listSeparator how a YAML list under this key is joined into text
 */
public record ConfigKey(String name, String defaultValue, boolean required, String rule, Function<String, Object> parser,
        String doc, String listSeparator) {

    /** A key that must be given. */
    public static ConfigKey required(String name, String rule, Function<String, Object> parser, String doc) {
        return new ConfigKey(name, null, true, rule, parser, doc, ",");
    }

    /** A key that may be left out, with no value then. */
    public static ConfigKey optional(String name, String rule, Function<String, Object> parser, String doc) {
        return new ConfigKey(name, null, false, rule, parser, doc, ",");
    }

    /** A key with a default, given as text and parsed like any value. */
    public static ConfigKey withDefault(String name, String defaultValue, String rule, Function<String, Object> parser, String doc) {
        return new ConfigKey(name, defaultValue, false, rule, parser, doc, ",");
    }

    /** This key with YAML lists joined by {@code separator} instead of ','. */
    public ConfigKey joiningListsWith(String separator) {
        return new ConfigKey(name, defaultValue, required, rule, parser, doc, separator);
    }

    /** The environment variable that sets this key: {@code CAPMARKET_} + upper case, '.' and '-' as '_'. */
    public String environmentVariable() {
        return environmentVariable(name);
    }

    /** The environment variable of any key name. */
    public static String environmentVariable(String key) {
        return ConfigSchema.ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
