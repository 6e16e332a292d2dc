package io.capmarket.topology.app;

import io.capmarket.schemas.onboarding.ProducerNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value types of {@link ConfigKey}s; each throws {@link IllegalArgumentException} on a bad value. */
final class ConfigParsers {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern HOST_PORT = Pattern.compile("(?:[a-zA-Z][a-zA-Z0-9_+.-]*://)?(\\[[0-9a-fA-F:.%]+\\]|[^\\s:/\\[\\]]+):(\\d+)");
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

    private ConfigParsers() {
    }

    static Object duration(String text) {
        String value = text.trim();
        Duration duration;
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                duration = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException();
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigRule("a duration greater than 0", null);
        }
        return duration;
    }

    /** A duration Kafka takes as {@code metadata.max.age.ms}: at least 100 ms, at most {@link Integer#MAX_VALUE} ms. */
    static Object discoveryInterval(String text) {
        Duration duration = (Duration) duration(text);
        if (duration.compareTo(Duration.ofMillis(100)) < 0 || duration.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigRule("a duration from 100ms to 24d", null);
        }
        return duration;
    }

    static java.util.function.Function<String, Object> intAtLeast(int min, int max) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException();
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException();
            }
            return value;
        };
    }

    static Object weight(String text) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException();
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    static java.util.function.Function<String, Object> oneOf(Set<String> allowed) {
        return text -> {
            String value = text.trim();
            if (!allowed.contains(value)) {
                throw new IllegalArgumentException();
            }
            return value;
        };
    }

    static Object bootstrapServers(String text) {
        List<String> servers = new ArrayList<>();
        for (String raw : text.split(",")) {
            String server = raw.trim();
            Matcher m = HOST_PORT.matcher(server);
            if (!m.matches()) {
                throw new ConfigRule("a comma-separated list of host:port", "'" + server + "' is not host:port");
            }
            int port = Integer.parseInt(m.group(2).length() > 5 ? "0" : m.group(2));
            if (port < 1 || port > 65535) {
                throw new ConfigRule("a comma-separated list of host:port", "port of '" + server + "' is not in 1..65535");
            }
            servers.add(server);
        }
        return String.join(",", servers);
    }

    static Object registryUrls(String text) {
        List<String> urls = new ArrayList<>();
        for (String raw : text.split(",")) {
            String url = raw.trim();
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw new ConfigRule("a comma-separated list of http(s) URLs", "'" + url + "' is not an http(s) URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new ConfigRule("a comma-separated list of http(s) URLs", "'" + url + "' is not a URL: " + e.getReason());
            }
            urls.add(url);
        }
        return String.join(",", urls);
    }

    static Object userInfo(String text) {
        int colon = text.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException();
        }
        return text;
    }

    static Object legalName(String text) {
        String value = text.trim();
        if (value.length() > 200 || !LEGAL_NAME.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    static Object topicPrefix(String text) {
        String value = text.trim();
        if (value.isEmpty()) {
            return value;
        }
        return legalName(value);
    }

    static Object path(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException();
        }
        try {
            return Path.of(text.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException();
        }
    }

    /**
     * {@code db-team=postgres-database,kafka-topic;ci-team=*} into producerId -> capabilities, in order.
     * An empty text means no producers.
     */
    static Object approvedProducers(String text) {
        Map<String, List<String>> producers = new LinkedHashMap<>();
        if (text.isBlank()) {
            return producers;
        }
        for (String raw : text.split(";")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new ConfigRule(APPROVED_RULE, "'" + entry + "' has no '='");
            }
            String producerId = entry.substring(0, eq).trim();
            List<String> capabilities = new ArrayList<>();
            for (String capability : entry.substring(eq + 1).split(",")) {
                if (!capability.isBlank()) {
                    capabilities.add(capability.trim());
                }
            }
            try {
                ProducerNames.requireProducerId(producerId);
                capabilities = ProducerNames.requireCapabilities(capabilities);
            } catch (IllegalArgumentException e) {
                throw new ConfigRule(APPROVED_RULE, e.getMessage());
            }
            if (producers.put(producerId, capabilities) != null) {
                throw new ConfigRule(APPROVED_RULE, "producer '" + producerId + "' is listed twice");
            }
        }
        return producers;
    }

    static final String APPROVED_RULE = "a list like db-team=postgres-database,kafka-topic;ci-team=*";
}
