package io.capmarket.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for Confluent Schema Registry's REST API (Avro schemas), usable against a Confluent
 * Schema Registry, any registry speaking its API, or capmarket's embedded registry.
 *
 * <p>Thread-safe; share one instance per registry. Schema ids and the schemas behind them never
 * change once assigned, so {@link #register}, {@link #lookup} and {@link #schemaById} answer from
 * a cache after the first call; the latest version of a subject is cached for
 * {@link SchemaRegistryConfig#latestCacheTtl()}. Every cache is bounded by
 * {@link SchemaRegistryConfig#cacheCapacity()} (schemas per subject, subjects, ids): a full one is
 * emptied, logged and counted ({@link #cacheEvictions()}), and filled again from the registry.
 *
 * <p>Errors are {@link SchemaRegistryException}s: {@link SchemaRegistryNotFoundException},
 * {@link IncompatibleSchemaException} and {@link InvalidSchemaException} must not be retried;
 * {@link SchemaRegistryUnavailableException} (unreachable, 5xx, 408, 429) may be, and is tried on
 * the next URL first; {@link SchemaRegistryAccessException} (refused credentials, a URL that does
 * not lead to the registry's API) needs the settings fixed. Messages never hold credentials.
 */
public final class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, "
            + "application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HTTP_TIMEOUT = 408;
    private static final int HTTP_THROTTLED = 429;

    private final SchemaRegistryConfig config;
    private final HttpClient http;
    private final Clock clock;
    private final Optional<String> authorization;
    // keyed by the Schema itself: Avro caches its hash, and the same instance compares by identity first
    private final Map<String, Map<Schema, RegisteredSchema>> bySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, CachedLatest> latestBySubject = new ConcurrentHashMap<>();
    private final LongAdder evictions = new LongAdder();

    private record CachedLatest(RegisteredSchema schema, Instant until) {
    }

    private SchemaRegistryClient(SchemaRegistryConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.authorization = config.userInfo().map(info ->
                "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    /** A client for the given registry. */
    public static SchemaRegistryClient create(SchemaRegistryConfig config) {
        return new SchemaRegistryClient(config, Clock.systemUTC());
    }

    /** A client whose latest-version cache follows the given clock (for tests). */
    public static SchemaRegistryClient create(SchemaRegistryConfig config, Clock clock) {
        return new SchemaRegistryClient(config, clock);
    }

    /** The settings this client was built with. */
    public SchemaRegistryConfig config() {
        return config;
    }

    /**
     * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}), or finds it
     * when it is already registered there.
     *
     * @return the registry-wide id of the schema
     * @throws IncompatibleSchemaException when the subject's compatibility rule refuses it
     */
    public int register(String subject, Schema schema) {
        RegisteredSchema cached = cached(subject, schema);
        if (cached != null) {
            return cached.id();
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = answer.path("id").asInt();
        keepId(id, schema);
        // the version is unknown until looked up; cache by id only
        keep(subjectCache(subject), schema, new RegisteredSchema(subject, id, -1, schema), false, "schemas of subject " + subject);
        return id;
    }

    /**
     * Finds a schema under a subject ({@code POST /subjects/{subject}}) without registering it.
     *
     * @throws SchemaRegistryNotFoundException 40401 when the subject is unknown, 40403 when the
     *     schema is not registered under it
     */
    public RegisteredSchema lookup(String subject, Schema schema) {
        RegisteredSchema cached = cached(subject, schema);
        if (cached != null && cached.version() > 0) {
            return cached;
        }
        RegisteredSchema found = registered(call("POST", "/subjects/" + encode(subject), schemaBody(schema)), subject);
        keep(subjectCache(subject), schema, found, true, "schemas of subject " + subject);
        keepId(found.id(), found.schema());
        return found;
    }

    /**
     * Fetches the schema behind an id ({@code GET /schemas/ids/{id}}).
     *
     * @throws SchemaRegistryNotFoundException 40403 when no schema has that id
     */
    public Schema schemaById(int id) {
        Schema cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = parse(call("GET", "/schemas/ids/" + id, null).path("schema").asText());
        keepId(id, schema);
        return schema;
    }

    /** The latest version under a subject ({@code GET /subjects/{subject}/versions/latest}), cached briefly. */
    public RegisteredSchema latest(String subject) {
        CachedLatest cached = latestBySubject.get(subject);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.until())) {
            return cached.schema();
        }
        RegisteredSchema latest = version(subject, "latest");
        keep(latestBySubject, subject, new CachedLatest(latest, now.plus(config.latestCacheTtl())), true, "latest versions");
        return latest;
    }

    /** One version under a subject ({@code GET /subjects/{subject}/versions/{version}}). */
    public RegisteredSchema version(String subject, int version) {
        return version(subject, Integer.toString(version));
    }

    private RegisteredSchema version(String subject, String version) {
        RegisteredSchema found = registered(call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null), subject);
        keepId(found.id(), found.schema());
        return found;
    }

    /** The versions registered under a subject, ascending. */
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    /** Every subject known to the registry. */
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    /** Deletes a subject (soft delete) and answers the versions it had. */
    public List<Integer> deleteSubject(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("DELETE", "/subjects/" + encode(subject), null).forEach(v -> versions.add(v.asInt()));
        bySubjectAndSchema.remove(subject);
        latestBySubject.remove(subject);
        return versions;
    }

    /**
     * Asks whether a schema could be registered under a subject, against its latest version
     * ({@code POST /compatibility/subjects/{subject}/versions/latest?verbose=true}).
     */
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(), messages);
    }

    /** The registry-wide default compatibility level ({@code GET /config}). */
    public CompatibilityLevel globalCompatibility() {
        return level(call("GET", "/config", null));
    }

    /** Sets the registry-wide default compatibility level ({@code PUT /config}); answers the level now in force. */
    public CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level) {
        return level(call("PUT", "/config", levelBody(level)));
    }

    /** A subject's own compatibility level, empty when the subject follows the global default. */
    public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        try {
            return Optional.of(level(call("GET", "/config/" + encode(subject), null)));
        } catch (SchemaRegistryNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Sets a subject's own compatibility level ({@code PUT /config/{subject}}); answers the level now in force. */
    public CompatibilityLevel setSubjectCompatibility(String subject, CompatibilityLevel level) {
        return level(call("PUT", "/config/" + encode(subject), levelBody(level)));
    }

    /**
     * How many times a full cache was emptied since this client was made: a number that keeps
     * growing means more schemas, subjects or ids in use than {@link SchemaRegistryConfig#cacheCapacity()}.
     */
    public long cacheEvictions() {
        return evictions.sum();
    }

    private Map<Schema, RegisteredSchema> subjectCache(String subject) {
        Map<Schema, RegisteredSchema> kept = bySubjectAndSchema.get(subject);
        if (kept != null) {
            return kept;
        }
        Map<Schema, RegisteredSchema> fresh = new ConcurrentHashMap<>();
        keep(bySubjectAndSchema, subject, fresh, false, "subjects");
        return bySubjectAndSchema.getOrDefault(subject, fresh);
    }

    private void keepId(int id, Schema schema) {
        keep(byId, id, schema, false, "schema ids");
    }

    /**
     * Puts {@code value} in {@code cache} (or only if absent), emptying it first when it holds
     * {@link SchemaRegistryConfig#cacheCapacity()} entries. Two threads may both empty it: the
     * bound holds, and a cache is only ever a copy of the registry.
     */
    private <K, V> void keep(Map<K, V> cache, K key, V value, boolean replace, String what) {
        if (cache.size() >= config.cacheCapacity() && !cache.containsKey(key)) {
            cache.clear();
            evictions.increment();
            LOG.warn("the schema registry client's cache of {} reached {} entries and was emptied; raise {} if this repeats",
                    what, config.cacheCapacity(), SchemaRegistryConfig.MAX_SCHEMAS_PER_SUBJECT);
        }
        if (replace) {
            cache.put(key, value);
        } else {
            cache.putIfAbsent(key, value);
        }
    }

    private RegisteredSchema cached(String subject, Schema schema) {
        Map<Schema, RegisteredSchema> subjectCache = bySubjectAndSchema.get(subject);
        return subjectCache == null ? null : subjectCache.get(schema);
    }

    private static RegisteredSchema registered(JsonNode node, String subject) {
        return new RegisteredSchema(node.path("subject").asText(subject), node.path("id").asInt(),
                node.path("version").asInt(), parse(node.path("schema").asText()));
    }

    /**
     * Confluent answers {@code compatibilityLevel} to GET and {@code compatibility} to PUT;
     * some registries answer {@code compatibilityLevel} to both. Either is read.
     */
    private static CompatibilityLevel level(JsonNode node) {
        JsonNode value = node.has("compatibility") ? node.get("compatibility") : node.get("compatibilityLevel");
        if (value == null || value.isNull()) {
            throw new SchemaRegistryException(200, -1, "registry answered no compatibility level: " + node);
        }
        return CompatibilityLevel.valueOf(value.asText());
    }

    private static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new InvalidSchemaException(200, ErrorCodes.INVALID_SCHEMA, "registry returned an unparseable schema: " + e.getMessage());
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static String levelBody(CompatibilityLevel level) {
        return JSON.createObjectNode().put("compatibility", level.name()).toString();
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String pathAndQuery, String body) {
        SchemaRegistryUnavailableException lastFailure = null;
        for (URI base : config.urls()) {
            String shown = method + " " + SchemaRegistryConfig.shown(base) + pathAndQuery;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                    .timeout(config.requestTimeout())
                    .header("Accept", ACCEPT)
                    .method(method, body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            authorization.ifPresent(value -> request.header("Authorization", value));
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastFailure = new SchemaRegistryUnavailableException(shown + " failed: " + e, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException("interrupted during " + shown, e);
            }
            SchemaRegistryException failure = response.statusCode() >= 300 ? failure(shown, response) : null;
            if (failure instanceof SchemaRegistryUnavailableException unavailable) {
                // the next URL may answer: a 5xx, a timeout (408) or throttling (429) is one server's state
                lastFailure = unavailable;
                continue;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new SchemaRegistryException(response.statusCode(), -1, shown + " answered with a body that is not JSON"
                        + " (does " + SchemaRegistryConfig.SCHEMA_REGISTRY_URL + " lead to the registry?): "
                        + abbreviate(response.body()));
            }
        }
        throw lastFailure;
    }

    /**
     * The exception for an answer of 300 or more to {@code call} (method and URL, without credentials):
     * <ul>
     *   <li>5xx, 408 (timeout) and 429 (throttled): {@link SchemaRegistryUnavailableException}, retryable;
     *   <li>401 and 403: {@link SchemaRegistryAccessException}, the credentials were refused;
     *   <li>404 with a registry {@code error_code} 404xx (40401 subject, 40402 version, 40403 schema):
     *       {@link SchemaRegistryNotFoundException};
     *   <li>any other 404 (no {@code error_code}, or Confluent's bare 404 for an unknown route) and
     *       redirects: {@link SchemaRegistryAccessException}, the URL does not lead to the registry's API;
     *   <li>409: {@link IncompatibleSchemaException}; 422: {@link InvalidSchemaException};
     *       anything else: {@link SchemaRegistryException}.
     * </ul>
     */
    private static SchemaRegistryException failure(String call, HttpResponse<String> response) {
        int status = response.statusCode();
        int errorCode = status;
        boolean registryCode = false;
        String message = abbreviate(response.body());
        try {
            JsonNode error = JSON.readTree(response.body());
            if (error != null && error.has("error_code")) {
                errorCode = error.path("error_code").asInt(status);
                registryCode = true;
                message = error.path("message").asText(message);
            }
        } catch (IOException e) {
            // not JSON: keep the raw body as the message
        }
        String text = call + " failed with HTTP " + status + " (error_code " + (registryCode ? errorCode : "none") + "): " + message;
        if (status >= 500 || status == HTTP_TIMEOUT || status == HTTP_THROTTLED) {
            return new SchemaRegistryUnavailableException(status, errorCode, text
                    + response.headers().firstValue("Retry-After").map(after -> "; Retry-After: " + after).orElse(""));
        }
        if (status == 401 || status == 403) {
            return new SchemaRegistryAccessException(status, errorCode, text + "; the registry refused "
                    + (status == 401 ? "the credentials" : "this call to these credentials") + ": check "
                    + SchemaRegistryConfig.BASIC_AUTH_USER_INFO + " (or the user info of " + SchemaRegistryConfig.SCHEMA_REGISTRY_URL
                    + " with " + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=URL)");
        }
        if (status == 404 && registryCode && errorCode / 100 == 404) {
            return new SchemaRegistryNotFoundException(status, errorCode, text);
        }
        if (status == 404 || status < 400) {
            String answer = status == 404 ? "a 404 without a registry error_code 404xx (40401, 40402, 40403)"
                    : "a redirect (to " + response.headers().firstValue("Location").map(SchemaRegistryConfig::shown)
                            .orElse("nowhere") + ")";
            return new SchemaRegistryAccessException(status, errorCode, text + "; " + answer + " means that the URL does not lead to"
                    + " the registry's API: check " + SchemaRegistryConfig.SCHEMA_REGISTRY_URL + ", its host, port and path");
        }
        if (status == 409) {
            return new IncompatibleSchemaException(status, errorCode, text);
        }
        if (status == 422) {
            return new InvalidSchemaException(status, errorCode, text);
        }
        return new SchemaRegistryException(status, errorCode, text);
    }

    private static String abbreviate(String body) {
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
