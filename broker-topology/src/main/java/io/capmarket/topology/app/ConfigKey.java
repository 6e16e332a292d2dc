package io.capmarket.topology.app;

import java.util.function.Function;

/**
 * One setting of the topology: its name, default, the rule its value must satisfy and how it is
 * parsed. The table of keys lives in {@link TopologyConfig}.
 *
 * @param name the key, e.g. {@code matching.accept-deadline}
 * @param defaultValue the default as text, or null when the key is required or optional without default
 * @param required whether a value must be given
 * @param rule what a value must be, completing "KEY must be ..."
 * @param parser turns the text into its value; throws {@link IllegalArgumentException} when it breaks the rule
 * @param doc one line for {@code --help}
 */
record ConfigKey(String name, String defaultValue, boolean required, String rule, Function<String, Object> parser, String doc) {

    static ConfigKey required(String name, String rule, Function<String, Object> parser, String doc) {
        return new ConfigKey(name, null, true, rule, parser, doc);
    }

    static ConfigKey optional(String name, String rule, Function<String, Object> parser, String doc) {
        return new ConfigKey(name, null, false, rule, parser, doc);
    }

    static ConfigKey withDefault(String name, String defaultValue, String rule, Function<String, Object> parser, String doc) {
        return new ConfigKey(name, defaultValue, false, rule, parser, doc);
    }

    /** The environment variable that overrides this key: {@code CAPMARKET_} + upper case, '.' and '-' as '_'. */
    String environmentVariable() {
        return TopologyConfig.ENV_PREFIX + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
