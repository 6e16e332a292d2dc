package io.capmarket.schemas.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the value types of {@link ConfigKey}s, with the rules they check. Each throws
 * {@link IllegalArgumentException} on a bad value, or a {@link ConfigRule} when the value breaks a
 * rule other than the key's own or the message needs a detail.
 */
public final class ConfigParsers {

    /** The rule of a duration key. */
    public static final String DURATION_RULE = "a duration like 30s or 500ms";
    /** What {@link #durationOrNever} reads. */
    public static final String DURATION_OR_NEVER_RULE = "a duration like 30d, or never";
    /** The text of {@link Duration#ZERO} for {@link #durationOrNever}. */
    public static final String NEVER = "never";
    /** The rule of a name used in topic and group names. */
    public static final String NAME_RULE = "1 to 200 characters of a-z, A-Z, 0-9, '.', '_' and '-'";
    /** The rule of a host name or address. */
    public static final String HOST_RULE = "a host name or IP address";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kb|mb)?");
    private static final Pattern HOST_PORT = Pattern.compile("(?:[a-zA-Z][a-zA-Z0-9_+.-]*://)?(\\[[0-9a-fA-F:.%]+\\]|[^\\s:/\\[\\]]+):(\\d+)");
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9._:\\[\\]-]{1,253}");

    private ConfigParsers() {
    }

    /**
     * A duration greater than 0: a whole number with a unit, {@code 500ms}, {@code 30s}, {@code 5m},
     * {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT30S}).
     */
    public static Duration duration(String text) {
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
                throw new IllegalArgumentException(e);
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigRule("a duration greater than 0", null);
        }
        return duration;
    }

    /**
     * A {@link #duration} greater than 0, or {@code never}: {@link Duration#ZERO} (which
     * {@link ConfigValues#asText} writes back as {@code never}). A zero duration is refused, since it
     * could as well mean "at once".
     */
    public static Object durationOrNever(String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase(NEVER)) {
            return Duration.ZERO;
        }
        try {
            return duration(value);
        } catch (ConfigRule e) {
            throw new ConfigRule(DURATION_OR_NEVER_RULE, null);
        }
    }

    /** A {@link #duration} from {@code min} to {@code max}, both included; {@code rule} says so. */
    public static Function<String, Object> durationBetween(Duration min, Duration max, String rule) {
        return text -> {
            Duration duration = duration(text);
            if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                throw new ConfigRule(rule, null);
            }
            return duration;
        };
    }

    /**
     * A duration as people write it, in its largest whole unit: {@code 1d}, {@code 90m}, {@code 45s},
     * else milliseconds ({@code 1500ms}); {@link #duration} reads it back.
     */
    public static String describe(Duration duration) {
        long millis = duration.toMillis();
        for (var unit : List.of(Map.entry(86_400_000L, "d"), Map.entry(3_600_000L, "h"), Map.entry(60_000L, "m"),
                Map.entry(1_000L, "s"))) {
            if (millis % unit.getKey() == 0) {
                return millis / unit.getKey() + unit.getValue();
            }
        }
        return millis + "ms";
    }

    /** The text of a duration as {@link #duration} reads it back: {@code 1500ms}. */
    public static String format(Duration duration) {
        return duration.toMillis() + "ms";
    }

    /** An integer from {@code min} to {@code max}, both included. */
    public static Function<String, Object> intIn(int min, int max) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(e);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException();
            }
            return value;
        };
    }

    /** A number from {@code min} to {@code max}, both included. */
    public static Function<String, Object> numberIn(double min, double max) {
        return text -> {
            double value = (double) nonNegativeNumber(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException();
            }
            return value;
        };
    }

    /** A finite number of at least 0. */
    public static Object nonNegativeNumber(String text) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(e);
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    /** One of the {@code allowed} texts. */
    public static Function<String, Object> oneOf(Set<String> allowed) {
        return text -> {
            String value = text.trim();
            if (!allowed.contains(value)) {
                throw new IllegalArgumentException();
            }
            return value;
        };
    }

    /** {@code true} or {@code false}, in any case. */
    public static Object bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException();
        };
    }

    /** A size in bytes, {@code 65536}, {@code 64kb} or {@code 1mb}, from 1kb to 64mb, as a {@code Long}. */
    public static Object size(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException();
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long bytes = switch (unit) {
            case "kb" -> amount * 1024;
            case "mb" -> amount * 1024 * 1024;
            default -> amount;
        };
        if (bytes < 1024 || bytes > 64L * 1024 * 1024) {
            throw new IllegalArgumentException();
        }
        return bytes;
    }

    /** A name usable in topic and group names ({@link #NAME_RULE}). */
    public static Object legalName(String text) {
        String value = text.trim();
        if (value.length() > 200 || !LEGAL_NAME.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    /** Empty, or a {@link #legalName}. */
    public static Object topicPrefix(String text) {
        String value = text.trim();
        return value.isEmpty() ? value : legalName(value);
    }

    /** A host name or IP address ({@link #HOST_RULE}). */
    public static Object host(String text) {
        String value = text.trim();
        if (!HOST.matcher(value).matches()) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    /** A file system path, made absolute against the working directory. */
    public static Object path(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException();
        }
        try {
            return Path.of(text.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code user:password}. */
    public static Object userInfo(String text) {
        if (text.indexOf(':') < 1) {
            throw new IllegalArgumentException();
        }
        return text;
    }

    /** Any text, as it is. */
    public static Object text(String text) {
        return text;
    }

    /** A comma-separated list of {@code host:port}, an optional {@code PROTOCOL://} before each. */
    public static Object bootstrapServers(String text) {
        String rule = "a comma-separated list of host:port";
        List<String> servers = new ArrayList<>();
        for (String raw : text.split(",")) {
            String server = raw.trim();
            Matcher m = HOST_PORT.matcher(server);
            if (!m.matches()) {
                throw new ConfigRule(rule, "'" + server + "' is not host:port");
            }
            int port = Integer.parseInt(m.group(2).length() > 5 ? "0" : m.group(2));
            if (port < 1 || port > 65535) {
                throw new ConfigRule(rule, "port of '" + server + "' is not in 1..65535");
            }
            servers.add(server);
        }
        return String.join(",", servers);
    }

    /** A comma-separated list of http(s) URLs with a host. */
    public static Object registryUrls(String text) {
        String rule = "a comma-separated list of http(s) URLs";
        List<String> urls = new ArrayList<>();
        for (String raw : text.split(",")) {
            String url = raw.trim();
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw new ConfigRule(rule, "'" + url + "' is not an http(s) URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new ConfigRule(rule, "'" + url + "' is not a URL: " + e.getReason());
            }
            urls.add(url);
        }
        return String.join(",", urls);
    }
}
