package io.capmarket.dev;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Metric names used in dashboards and rules, and exported in a Prometheus scrape. */
final class MetricNames {

    /** Names the project's dashboards and rules draw on: capmarket's own, Kafka's, the JVM's and HTTP servers'. */
    private static final Pattern REFERENCED = Pattern.compile("\\b((?:capmarket|kafka|jvm|http_server)_[a-z0-9_]+)\\b");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    private MetricNames() {
    }

    static Set<String> referencedIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = REFERENCED.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    static Set<String> exportedIn(String scrape) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = SAMPLE.matcher(scrape);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
