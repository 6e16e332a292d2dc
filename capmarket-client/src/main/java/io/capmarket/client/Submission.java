package io.capmarket.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What to ask the marketplace for. Immutable; derive variants with the {@code with*} methods.
 *
 * <pre>{@code
 * Submission db = Submission.of("postgres-database", 1)
 *         .withParameter("sizeGb", 20)
 *         .withConstraint("region", "eu-west")
 *         .withIdempotencyKey("deploy-1234-db");
 * }</pre>
 *
 * <p>The idempotency key makes retries safe: the same key from the same team names the same
 * request for as long as the marketplace keeps it (a finished request is deleted some time after
 * it finished, its topology's {@code day2.retain-finished}; the key then makes a new one). Without
 * one, each submission gets a random key of its own: submitting the same instance again (as the
 * client's own retries do) names the same request, while every variant derived with a
 * {@code with*} method is another request. A key set with {@link #withIdempotencyKey} is kept by
 * the variants derived from it.
 */
public final class Submission {

    private static final Set<String> PRIORITIES = Set.of("LOW", "NORMAL", "HIGH", "CRITICAL");

    private final String capability;
    private final int version;
    private final Map<String, Object> parameters;
    private final Map<String, List<String>> constraints;
    private final Map<String, String> preferences;
    private final String priority;
    private final String idempotencyKey;
    /** Whether {@link #idempotencyKey} was chosen by the caller (kept by variants) rather than drawn (drawn again for each). */
    private final boolean keyChosen;
    private final Duration ttl;

    private Submission(String capability, int version, Map<String, Object> parameters, Map<String, List<String>> constraints,
            Map<String, String> preferences, String priority, String idempotencyKey, boolean keyChosen, Duration ttl) {
        this.capability = capability;
        this.version = version;
        this.parameters = Map.copyOf(parameters);
        this.constraints = Map.copyOf(constraints);
        this.preferences = Map.copyOf(preferences);
        this.priority = priority;
        this.idempotencyKey = idempotencyKey;
        this.keyChosen = keyChosen;
        this.ttl = ttl;
    }

    /**
     * A submission of {@code capability} at major {@code version}, priority NORMAL, with a random idempotency key.
     *
     * @throws IllegalArgumentException when the name is empty or the version is below 1
     */
    public static Submission of(String capability, int version) {
        if (capability == null || capability.isBlank()) {
            throw new IllegalArgumentException("capability must be a capability name, but was '" + capability + "'");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, but was " + version);
        }
        return new Submission(capability, version, Map.of(), Map.of(), Map.of(), "NORMAL", UUID.randomUUID().toString(), false, null);
    }

    /** The parameter {@code name} set to {@code value} (a string, number, boolean, list or map, as JSON has them). */
    public Submission withParameter(String name, Object value) {
        Map<String, Object> next = new LinkedHashMap<>(parameters);
        next.put(Objects.requireNonNull(name, "parameter name"), Objects.requireNonNull(value, "value of parameter " + name));
        return new Submission(capability, version, next, constraints, preferences, priority, variantKey(), keyChosen, ttl);
    }

    /** Only offers whose {@code attribute} is one of {@code allowed} qualify. */
    public Submission withConstraint(String attribute, String... allowed) {
        if (allowed.length == 0) {
            throw new IllegalArgumentException("constraint " + attribute + " needs at least one allowed value");
        }
        Map<String, List<String>> next = new LinkedHashMap<>(constraints);
        next.put(Objects.requireNonNull(attribute, "attribute"), List.of(allowed));
        return new Submission(capability, version, parameters, next, preferences, priority, variantKey(), keyChosen, ttl);
    }

    /** Among qualifying offers, prefer those with {@code attribute = value}. */
    public Submission withPreference(String attribute, String value) {
        Map<String, String> next = new LinkedHashMap<>(preferences);
        next.put(Objects.requireNonNull(attribute, "attribute"), Objects.requireNonNull(value, "value"));
        return new Submission(capability, version, parameters, constraints, next, priority, variantKey(), keyChosen, ttl);
    }

    /** One of LOW, NORMAL, HIGH, CRITICAL. */
    public Submission withPriority(String priority) {
        if (!PRIORITIES.contains(priority)) {
            throw new IllegalArgumentException("priority must be one of LOW, NORMAL, HIGH, CRITICAL, but was '" + priority + "'");
        }
        return new Submission(capability, version, parameters, constraints, preferences, priority, variantKey(), keyChosen, ttl);
    }

    /** 1 to 200 visible ASCII characters; the same key from the same team names the same request. */
    public Submission withIdempotencyKey(String key) {
        if (key == null || !key.matches("[\\x21-\\x7e]{1,200}")) {
            throw new IllegalArgumentException("idempotency key must be 1 to 200 visible ASCII characters, but was '" + key + "'");
        }
        return new Submission(capability, version, parameters, constraints, preferences, priority, key, true, ttl);
    }

    /**
     * How long the resource is to live once FULFILLED (1 minute to 3650 days): the marketplace
     * deprovisions it then, and only offers whose {@code maxTtlMs} allows it are matched. Without
     * it, the offer's bound (if any) applies.
     */
    public Submission withTtl(Duration ttl) {
        if (ttl == null || ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException("ttl must be from 1 minute to 3650 days, but was " + ttl);
        }
        return new Submission(capability, version, parameters, constraints, preferences, priority, variantKey(), keyChosen, ttl);
    }

    /** The key of a variant: the caller's when it chose one, else a new random one. */
    private String variantKey() {
        return keyChosen ? idempotencyKey : UUID.randomUUID().toString();
    }

    /** The capability asked for. */
    public String capability() {
        return capability;
    }

    /** Its major version. */
    public int version() {
        return version;
    }

    /** The key the submission is made with (see the class's description). */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("capability", capability);
        body.put("version", version);
        body.put("parameters", parameters);
        body.put("constraints", constraints);
        body.put("preferences", preferences);
        body.put("priority", priority);
        if (ttl != null) {
            body.put("ttl", ttl.toString());
        }
        return body;
    }
}
