package io.capmarket.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach a schema registry, read from Confluent's client property names so that the same
 * properties work with Confluent's own clients.
 *
 * @param urls registry base URLs, tried in order until one answers
 * @param userInfo {@code user:password} for HTTP basic auth, if any
 * @param requestTimeout how long one HTTP call may take
 * @param latestCacheTtl how long the latest version of a subject is cached (for {@code use.latest.version})
 * @param cacheCapacity how many schemas a client keeps per subject, and how many subjects and ids
 */
public record SchemaRegistryConfig(List<URI> urls, Optional<String> userInfo, Duration requestTimeout,
        Duration latestCacheTtl, int cacheCapacity) {

    /** Comma-separated registry URLs. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /**
     * {@code USER_INFO} (credentials in {@link #BASIC_AUTH_USER_INFO}) or {@code URL} (in the URL's user
     * info). Unset: {@link #BASIC_AUTH_USER_INFO} when it is set, else the URL's user info.
     */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for basic auth when the source is {@code USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Milliseconds one registry call may take; default {@value #DEFAULT_REQUEST_TIMEOUT_MS}. */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    /** Seconds the latest version of a subject is cached; default {@value #DEFAULT_LATEST_CACHE_TTL_SEC}. */
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    /**
     * How many schemas a client keeps per subject, and how many subjects and schema ids it keeps
     * (Confluent's name for its per-subject bound); default {@value #DEFAULT_MAX_SCHEMAS_PER_SUBJECT}.
     * A full cache is emptied and filled again from the registry.
     */
    public static final String MAX_SCHEMAS_PER_SUBJECT = "max.schemas.per.subject";

    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_LATEST_CACHE_TTL_SEC = 60;
    public static final int DEFAULT_MAX_SCHEMAS_PER_SUBJECT = 1_000;

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final String UNPARSEABLE = "<unparseable URL>";

    public SchemaRegistryConfig {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " must name at least one URL");
        }
        urls = List.copyOf(urls);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException(REQUEST_TIMEOUT_MS + " must be greater than 0, but was " + requestTimeout.toMillis());
        }
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException(MAX_SCHEMAS_PER_SUBJECT + " must be at least 1, but was " + cacheCapacity);
        }
    }

    /** As the canonical constructor, keeping {@value #DEFAULT_MAX_SCHEMAS_PER_SUBJECT} schemas per subject. */
    public SchemaRegistryConfig(List<URI> urls, Optional<String> userInfo, Duration requestTimeout, Duration latestCacheTtl) {
        this(urls, userInfo, requestTimeout, latestCacheTtl, DEFAULT_MAX_SCHEMAS_PER_SUBJECT);
    }

    /** A config for one URL, without authentication. */
    public static SchemaRegistryConfig of(String url) {
        return from(Map.of(SCHEMA_REGISTRY_URL, url));
    }

    /**
     * Reads the registry settings from Kafka-style client properties.
     *
     * @throws IllegalArgumentException naming the property when one is missing or invalid
     */
    public static SchemaRegistryConfig from(Map<String, ?> props) {
        Object urlValue = props.get(SCHEMA_REGISTRY_URL);
        if (urlValue == null || urlValue.toString().isBlank()) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " is required, e.g. http://localhost:8081");
        }
        Object sourceValue = props.get(BASIC_AUTH_CREDENTIALS_SOURCE);
        String source = sourceValue == null ? "USER_INFO" : sourceValue.toString().trim();
        Optional<String> userInfo = Optional.empty();
        Optional<String> inUrl = Optional.empty();
        List<URI> urls = new ArrayList<>();
        for (String raw : urlValue.toString().split(",")) {
            URI uri = parseUrl(raw.trim());
            if (uri.getUserInfo() != null) {
                inUrl = Optional.of(uri.getUserInfo());
            }
            urls.add(withoutUserInfo(uri));
        }
        if (source.equals("URL") || (sourceValue == null && props.get(BASIC_AUTH_USER_INFO) == null)) {
            // with no source named and no basic.auth.user.info, credentials in the URL are used, not silently dropped
            userInfo = inUrl;
        }
        switch (source) {
            case "USER_INFO" -> {
                Object value = props.get(BASIC_AUTH_USER_INFO);
                if (value != null && !value.toString().isBlank()) {
                    if (!value.toString().contains(":")) {
                        throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password");
                    }
                    userInfo = Optional.of(value.toString());
                }
            }
            case "URL" -> {
                // taken from the URL above
            }
            default -> throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE
                    + " must be USER_INFO or URL, but was " + source);
        }
        return new SchemaRegistryConfig(urls, userInfo,
                Duration.ofMillis(longValue(props, REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS)),
                Duration.ofSeconds(longValue(props, LATEST_CACHE_TTL_SEC, DEFAULT_LATEST_CACHE_TTL_SEC)),
                intValue(props, MAX_SCHEMAS_PER_SUBJECT, DEFAULT_MAX_SCHEMAS_PER_SUBJECT));
    }

    private static URI parseUrl(String raw) {
        String trimmed = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        // a password holding '/', '?', '#' or '@' moves the '@' out of the authority, where URI does not see it as user info
        String hint = raw.indexOf('@') < 0 ? ""
                : " (percent-encode '/', '?', '#' and '@' in a user name or password: %2F, %3F, %23, %40)";
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " is not a valid URL: " + shown(raw) + hint);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " must be an http(s) URL, but was " + shown(raw) + hint);
        }
        int userInfoEnd = uri.getRawUserInfo() == null ? -1 : trimmed.indexOf("://") + 3 + uri.getRawUserInfo().length();
        if (trimmed.lastIndexOf('@') != userInfoEnd) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " holds an '@' outside its user info, but was "
                    + shown(raw) + hint);
        }
        return uri;
    }

    /**
     * {@code raw}, a URL, for a message: its scheme, host, port and path, never its user info.
     * Everything up to the last {@code '@'} is dropped before parsing, since a password may hold
     * {@code '/'} or {@code '@'}; what does not parse then shows as {@code <unparseable URL>}.
     */
    static String shown(String raw) {
        int schemeEnd = raw.indexOf("://");
        if (schemeEnd < 0 || !SCHEME.matcher(raw.substring(0, schemeEnd)).matches()) {
            return UNPARSEABLE;
        }
        String scheme = raw.substring(0, schemeEnd);
        try {
            return shown(new URI(scheme + "://" + raw.substring(Math.max(schemeEnd + 3, raw.lastIndexOf('@') + 1))));
        } catch (URISyntaxException e) {
            return scheme + "://" + UNPARSEABLE;
        }
    }

    /** {@code uri} for a message: its scheme, host, port and path, never its user info, query or fragment. */
    static String shown(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        if (uri.getHost() == null) {
            return scheme + UNPARSEABLE;
        }
        return scheme + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** The settings with the URLs shown without user info and the credentials masked. */
    @Override
    public String toString() {
        return "SchemaRegistryConfig[urls=" + urls.stream().map(SchemaRegistryConfig::shown).toList()
                + ", userInfo=" + userInfo.map(info -> "****").orElse("none")
                + ", requestTimeout=" + requestTimeout + ", latestCacheTtl=" + latestCacheTtl + ", cacheCapacity=" + cacheCapacity + "]";
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " is not a valid URL: " + shown(uri), e);
        }
    }

    private static int intValue(Map<String, ?> props, String key, int fallback) {
        long value = longValue(props, key, fallback);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(key + " must be at most " + Integer.MAX_VALUE + ", but was " + value);
        }
        return (int) value;
    }

    private static long longValue(Map<String, ?> props, String key, long fallback) {
        Object value = props.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, but was " + value, e);
        }
    }
}
