package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.schemas.Lifetimes;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.config.ConfigParsers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code POST /v1/requests} body, checked field by field. Pure: parsing, the idempotent
 * request id, the comparison with an existing request and the command to publish.
 *
 * @param capability the capability's kebab-case name
 * @param version the major version
 * @param parameters a JSON object (validated against the version's schema later, with the catalog)
 * @param constraints attribute -> allowed values
 * @param preferences attribute -> preferred value
 * @param priority one of {@link Priority}
 * @param ttl how long the resource is to live once fulfilled, or null for as long as the offer allows
 */
public record Submission(String capability, int version, ObjectNode parameters, Map<String, List<String>> constraints,
        Map<String, String> preferences, String priority, Duration ttl) {

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Set<String> FIELDS = Set.of("capability", "version", "parameters", "constraints", "preferences", "priority",
            "ttl");
    private static final String PRIORITIES = Arrays.stream(Priority.values()).map(Enum::name).collect(Collectors.joining(", "));

    /** The body's fields, every problem reported at once. */
    public static Submission parse(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new MalformedRequestException("the body must be a JSON object",
                    List.of(new FieldError("body", body == null ? null : abbreviate(body.toString()), "a JSON object")));
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, abbreviate(body.get(name).toString()), "not a field of a request; fields are "
                        + new java.util.TreeSet<>(FIELDS)));
            }
        });
        JsonNode capabilityNode = body.get("capability");
        String capability = null;
        if (capabilityNode == null || !capabilityNode.isTextual() || !ProducerNames.isKebabCase(capabilityNode.asText())
                || capabilityNode.asText().length() > 100) {
            errors.add(new FieldError("capability", text(capabilityNode), "a kebab-case capability name of at most 100 characters"));
        } else {
            capability = capabilityNode.asText();
        }
        JsonNode versionNode = body.get("version");
        int version = 0;
        if (versionNode == null || !versionNode.canConvertToInt() || !versionNode.isIntegralNumber() || versionNode.asInt() < 1) {
            errors.add(new FieldError("version", text(versionNode), "an integer of at least 1 (the capability's major version)"));
        } else {
            version = versionNode.asInt();
        }
        JsonNode parametersNode = body.get("parameters");
        ObjectNode parameters = Json.MAPPER.createObjectNode();
        if (parametersNode != null && !parametersNode.isNull()) {
            if (parametersNode.isObject()) {
                parameters = (ObjectNode) parametersNode;
            } else {
                errors.add(new FieldError("parameters", text(parametersNode), "a JSON object"));
            }
        }
        Map<String, List<String>> constraints = new TreeMap<>();
        JsonNode constraintsNode = body.get("constraints");
        if (constraintsNode != null && !constraintsNode.isNull()) {
            if (!constraintsNode.isObject()) {
                errors.add(new FieldError("constraints", text(constraintsNode), "an object of attribute -> list of allowed values"));
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = constraintsNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    JsonNode values = entry.getValue();
                    List<String> allowed = new ArrayList<>();
                    boolean ok = values.isArray() && !values.isEmpty();
                    if (ok) {
                        for (JsonNode value : values) {
                            ok &= value.isTextual();
                            allowed.add(value.asText());
                        }
                    }
                    if (ok) {
                        constraints.put(entry.getKey(), List.copyOf(allowed));
                    } else {
                        errors.add(new FieldError("constraints." + entry.getKey(), text(values), "a non-empty list of strings"));
                    }
                }
            }
        }
        Map<String, String> preferences = new TreeMap<>();
        JsonNode preferencesNode = body.get("preferences");
        if (preferencesNode != null && !preferencesNode.isNull()) {
            if (!preferencesNode.isObject()) {
                errors.add(new FieldError("preferences", text(preferencesNode), "an object of attribute -> preferred value"));
            } else {
                preferencesNode.fields().forEachRemaining(entry -> {
                    if (entry.getValue().isTextual()) {
                        preferences.put(entry.getKey(), entry.getValue().asText());
                    } else {
                        errors.add(new FieldError("preferences." + entry.getKey(), text(entry.getValue()), "a string"));
                    }
                });
            }
        }
        JsonNode priorityNode = body.get("priority");
        String priority = Priority.NORMAL.name();
        if (priorityNode != null && !priorityNode.isNull()) {
            if (priorityNode.isTextual() && Arrays.stream(Priority.values()).anyMatch(p -> p.name().equals(priorityNode.asText()))) {
                priority = priorityNode.asText();
            } else {
                errors.add(new FieldError("priority", text(priorityNode), "one of " + PRIORITIES));
            }
        }
        JsonNode ttlNode = body.get("ttl");
        Duration ttl = null;
        if (ttlNode != null && !ttlNode.isNull()) {
            try {
                ttl = ttlNode.isTextual() ? ConfigParsers.duration(ttlNode.asText()) : null;
            } catch (IllegalArgumentException e) {
                ttl = null;
            }
            if (ttl == null || ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Lifetimes.MAX) > 0) {
                errors.add(new FieldError("ttl", text(ttlNode), "a duration from 1m to " + Lifetimes.MAX.toDays() + "d, like 7d, 12h or PT36H"));
                ttl = null;
            }
        }
        if (!errors.isEmpty()) {
            throw new MalformedRequestException(errors.size() == 1 ? "the request has an invalid field: " + errors.get(0).field()
                    : "the request has " + errors.size() + " invalid fields", errors);
        }
        return new Submission(capability, version, parameters, Map.copyOf(constraints), Map.copyOf(preferences), priority, ttl);
    }

    /** Checks an {@code Idempotency-Key} header (absent is fine). */
    public static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (!KEY.matcher(header).matches()) {
            throw new MalformedRequestException("the Idempotency-Key header is invalid",
                    List.of(new FieldError("Idempotency-Key", abbreviate(header), "1 to 200 visible ASCII characters")));
        }
        return header;
    }

    /** The request id: name-based from team and key, so a retry finds the same request; random without a key. */
    public static String requestId(String team, String idempotencyKey) {
        if (idempotencyKey == null) {
            return UUID.randomUUID().toString();
        }
        return UUID.nameUUIDFromBytes((team + "\u0000" + idempotencyKey).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The fields in which this body differs from the existing request's (empty: the same request).
     * The parameters are compared with those the request was submitted with: from its first update on, the
     * status keeps them apart ({@code submittedParameters}), so a retry of the first submit is still
     * the same request. A request updated before statuses kept them has its parameters not compared.
     */
    public List<FieldError> differences(RequestView existing) {
        List<FieldError> differences = new ArrayList<>();
        String rule = "the same as in the first request with this Idempotency-Key";
        if (!capability.equals(existing.capability())) {
            differences.add(new FieldError("capability", capability, rule + " (" + existing.capability() + ")"));
        }
        if (version != existing.version()) {
            differences.add(new FieldError("version", Integer.toString(version), rule + " (" + existing.version() + ")"));
        }
        JsonNode submitted = submittedParameters(existing);
        if (submitted != null && !parameters.equals(submitted)) {
            differences.add(new FieldError("parameters", abbreviate(parameters.toString()), rule));
        }
        if (!constraints.equals(existing.constraints())) {
            differences.add(new FieldError("constraints", constraints.toString(), rule));
        }
        if (!preferences.equals(existing.preferences())) {
            differences.add(new FieldError("preferences", preferences.toString(), rule));
        }
        if (!priority.equals(existing.priority())) {
            differences.add(new FieldError("priority", priority, rule + " (" + existing.priority() + ")"));
        }
        Long ttlMs = ttl == null ? null : ttl.toMillis();
        if (!java.util.Objects.equals(ttlMs, existing.ttlMs())) {
            differences.add(new FieldError("ttl", ttl == null ? null : ttl.toString(), rule + " (" + (existing.ttlMs() == null ? "none"
                    : Duration.ofMillis(existing.ttlMs())) + ")"));
        }
        return differences;
    }

    /** The parameters the request was submitted with; null when an update replaced them and they were not kept. */
    private static JsonNode submittedParameters(RequestView existing) {
        if (existing.submittedParameters() != null) {
            return existing.submittedParameters();
        }
        boolean updated = existing.history().stream().anyMatch(step -> RequestState.UPDATING.name().equals(step.state()));
        return updated ? null : existing.parameters();
    }

    /** The command to publish. */
    public RequestCommand command(String requestId, Principal principal, String idempotencyKey, Instant now) {
        return new RequestCommand(SubmitRequest.newBuilder()
                .setRequestId(requestId)
                .setConsumerTeam(principal.team())
                .setRequestedBy(principal.asRequester())
                .setCapability(capability)
                .setCapabilityVersion(version)
                .setParameters(parameters.toString())
                .setConstraints(constraints)
                .setPreferences(preferences)
                .setPriority(Priority.valueOf(priority))
                .setSubmittedAt(now)
                .setIdempotencyKey(idempotencyKey)
                .setTtlMs(ttl == null ? null : ttl.toMillis())
                .build());
    }

    private static String text(JsonNode node) {
        return node == null ? null : abbreviate(node.isTextual() ? node.asText() : node.toString());
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
