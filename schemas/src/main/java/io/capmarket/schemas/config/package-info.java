/**
 * The configuration kernel the topology and the gateway share: typed keys with defaults and
 * parsers ({@link io.capmarket.schemas.config.ConfigKey}, {@link io.capmarket.schemas.config.ConfigParsers}),
 * one duration format, one environment mapping ({@code CAPMARKET_} + the key upper-cased, '.' and
 * '-' as '_'), and one loader ({@link io.capmarket.schemas.config.ConfigSchema}): a
 * {@code .properties} or YAML file, then the environment, then explicit overrides, each problem
 * reported at once with the key, the value, the rule and where the value came from, and unknown
 * keys refused with a "did you mean".
 */
package io.capmarket.schemas.config;
