package io.capmarket.dev;

import static io.capmarket.dev.ComposeFile.ROOT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.internals.FetchMetricsRegistry;

/**
 * The Prometheus names the code can export, found without running it: capmarket's meters, named
 * in string literals of the main sources ({@code "capmarket.dead.letters"} or
 * {@code "capmarket_scorecard_waiting"}) with the suffixes Micrometer's Prometheus registry adds,
 * and the Kafka consumer's fetch metrics as Micrometer's Kafka binder names them
 * ({@code kafka_consumer_fetch_manager_records_lag_max}). {@code DevMarketplaceIT} checks the
 * names against a running stack's scrape; this is the quick check that needs no broker.
 */
final class MetricSources {

    private static final List<String> MODULES = List.of("broker-topology", "consumer-gateway", "producer-sdk");
    private static final Pattern LITERAL = Pattern.compile("\"(capmarket[._][a-z0-9._]+)\"");
    /** What Micrometer's Prometheus registry appends: counters, timers (in seconds) and their histogram series. */
    private static final List<String> SUFFIXES = List.of("", "_total", "_seconds", "_seconds_count", "_seconds_sum",
            "_seconds_bucket", "_seconds_max");
    /** Prometheus' own series for every target. */
    /** The group prefix of the consumer's metrics ({@code consumer-fetch-manager-metrics}), as the consumer gives it. */
    private static final String CONSUMER_METRIC_GROUP_PREFIX = "consumer";
    private static final Set<String> PROMETHEUS = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    private final Set<String> capmarket;
    private final Set<String> kafka;

    private MetricSources(Set<String> capmarket, Set<String> kafka) {
        this.capmarket = capmarket;
        this.kafka = kafka;
    }

    static MetricSources read() {
        Set<String> capmarket = new TreeSet<>();
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher literal = LITERAL.matcher(Files.readString(file));
                    while (literal.find()) {
                        capmarket.add(literal.group(1).replace('.', '_'));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the sources of " + module, e);
            }
        }
        Set<String> kafka = new TreeSet<>();
        new FetchMetricsRegistry(CONSUMER_METRIC_GROUP_PREFIX).getAllTemplates().forEach(template -> kafka.add(("kafka_"
                + template.group().replaceFirst("-metrics$", "") + "_" + template.name()).replace('-', '_').toLowerCase(Locale.ROOT)));
        return new MetricSources(capmarket, kafka);
    }

    /** Whether the code can export a series of this name. */
    boolean exports(String name) {
        if (PROMETHEUS.contains(name) || kafka.contains(name)) {
            return true;
        }
        return capmarket.stream().anyMatch(base -> SUFFIXES.stream().anyMatch(suffix -> name.equals(base + suffix)));
    }

    /** The metric names a PromQL expression uses: capmarket's, Kafka's, the JVM's and Prometheus' {@code up}. */
    static Set<String> usedIn(String expression) {
        Set<String> names = new TreeSet<>(MetricNames.referencedIn(expression));
        if (Pattern.compile("\\bup\\s*[{(\\s=]").matcher(expression).find()) {
            names.add("up");
        }
        return names;
    }
}
