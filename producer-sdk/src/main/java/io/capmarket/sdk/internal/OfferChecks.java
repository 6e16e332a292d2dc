package io.capmarket.sdk.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.schemas.ApprovalRules;
import io.capmarket.schemas.Lifetimes;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.sdk.Approval;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of an offer, one check per field, each returning the problem (naming field, value and
 * rule) or empty. Shared by {@link io.capmarket.sdk.Offer}'s constructor and the offer-file reader,
 * which prefixes each problem with its {@code file:line}.
 */
public final class OfferChecks {

    /** The JSON Schema {@code type} names. */
    public static final Set<String> JSON_TYPES = Set.of("object", "array", "string", "number", "integer", "boolean", "null");

    private static final Pattern OFFER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final int MAX_OFFER_ID = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OfferChecks() {
    }

    public static Optional<String> offerId(String offerId) {
        if (offerId == null || offerId.length() > MAX_OFFER_ID || !OFFER_ID.matcher(offerId).matches()) {
            return Optional.of("offerId must be 1 to " + MAX_OFFER_ID + " characters of a-z, A-Z, 0-9, '.', '_' and '-' "
                    + "starting with a letter or digit, but was " + quote(offerId));
        }
        return Optional.empty();
    }

    public static Optional<String> capability(String capability) {
        if (capability == null || !ProducerNames.isKebabCase(capability)) {
            return Optional.of("capability must be a kebab-case name like postgres-database, but was " + quote(capability));
        }
        return Optional.empty();
    }

    public static Optional<String> capabilityVersion(int version) {
        return version < 1 ? Optional.of("version must be at least 1, but was " + version) : Optional.empty();
    }

    public static Optional<String> capacity(int capacity) {
        return capacity < 1 ? Optional.of("capacity must be greater than 0, but was " + capacity) : Optional.empty();
    }

    public static Optional<String> leadTime(Duration leadTime) {
        if (leadTime == null) {
            return Optional.of("leadTime must be given (the promised p95 lead time, like 10m), but was missing");
        }
        if (leadTime.toMillis() < 1) {
            return Optional.of("leadTime must be greater than 0, but was " + Durations.format(leadTime));
        }
        return Optional.empty();
    }

    public static Optional<String> attributes(Map<String, String> attributes) {
        if (attributes == null) {
            return Optional.of("attributes must be a map (empty for none), but was null");
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                return Optional.of("attributes must have non-blank names, but one was " + quote(e.getKey()));
            }
            if (e.getValue() == null) {
                return Optional.of("attributes." + e.getKey() + " must have a value, but was null");
            }
        }
        return Optional.empty();
    }

    public static Optional<String> status(OfferStatus status, Instant sunsetAt) {
        if (status == null) {
            return Optional.of("status must be one of ACTIVE, PAUSED, DEPRECATED, RETIRED, but was missing");
        }
        if (status == OfferStatus.DEPRECATED && sunsetAt == null) {
            return Optional.of("sunset must be given for a DEPRECATED offer (when it will be retired), but was missing");
        }
        if (status == OfferStatus.ACTIVE && sunsetAt != null) {
            return Optional.of("sunset must only be given for a DEPRECATED, PAUSED or RETIRED offer, but status was ACTIVE "
                    + "with sunset " + sunsetAt);
        }
        return Optional.empty();
    }

    /** A resource's longest life, when given, is greater than 0 and at most {@link Lifetimes#MAX}. */
    public static Optional<String> maxTtl(Duration maxTtl) {
        return lifetime("maxTtl", maxTtl);
    }

    /** Why {@code value} (named {@code field}) is no lifetime {@link Lifetimes} allows, in the SDK's durations; empty when it is one. */
    private static Optional<String> lifetime(String field, Duration value) {
        if (value != null && (value.toMillis() < 1 || value.compareTo(Lifetimes.MAX) > 0)) {
            return Optional.of(field + " must be greater than 0 and at most " + Durations.format(Lifetimes.MAX) + " when given, but was "
                    + Durations.format(value));
        }
        return Optional.empty();
    }

    /**
     * Checks an approval policy, when there is one: {@link ApprovalRules#refusal} (approvers, and a value
     * for every condition), {@code expiresAfter} a lifetime {@link Lifetimes} allows, and, when the
     * parameter schema declares {@code properties}, every condition a top-level property and its values among that property's
     * {@code enum} when it has one: a condition that no valid request can meet would silently ask for
     * no approval. A parameter schema that is not valid is left to {@link #jsonSchema}.
     */
    public static Optional<String> approval(Approval approval, String parameterSchema) {
        if (approval == null) {
            return Optional.empty();
        }
        Optional<String> refusal = lifetime("approval.expiresAfter", approval.expiresAfter())
                .or(() -> ApprovalRules.refusal(OfferCodec.toAvro(approval)));
        if (refusal.isPresent()) {
            return refusal;
        }
        JsonNode properties = declaredPropertySchemas(parameterSchema);
        if (properties == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<String>> condition : approval.when().entrySet()) {
            JsonNode property = properties.get(condition.getKey());
            if (property == null) {
                return Optional.of("approval.when must name top-level properties of parameterSchema "
                        + iterable(properties.fieldNames()) + ", but '" + condition.getKey() + "' is not one");
            }
            if (property.get("enum") instanceof ArrayNode allowed) {
                List<String> values = new ArrayList<>();
                allowed.forEach(v -> values.add(v.isTextual() ? v.textValue() : v.toString()));
                Optional<String> unknown = condition.getValue().stream().filter(v -> !values.contains(v)).findFirst();
                if (unknown.isPresent()) {
                    return Optional.of("approval.when." + condition.getKey() + " must list values of its enum in parameterSchema "
                            + values + ", but '" + unknown.get() + "' is not one");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Checks the updatable parameters: a list of distinct non-blank names, each a top-level property
     * of the parameter schema when that declares {@code properties} (a schema without them allows
     * any parameter). A parameter schema that is not valid is left to {@link #jsonSchema}.
     */
    public static Optional<String> updatableParameters(List<String> names, String parameterSchema) {
        if (names == null) {
            return Optional.of("updatableParameters must be a list of top-level parameter names (empty for none), but was missing");
        }
        Set<String> seen = new java.util.HashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                return Optional.of("updatableParameters must name top-level parameters, but one was " + (name == null ? "missing"
                        : "blank"));
            }
            if (!seen.add(name)) {
                return Optional.of("updatableParameters must name each parameter once, but '" + name + "' is listed twice");
            }
        }
        List<String> declared = declaredProperties(parameterSchema);
        if (declared == null) {
            return Optional.empty();
        }
        return names.stream().filter(name -> !declared.contains(name)).findFirst().map(name -> "updatableParameters must name "
                + "top-level properties of parameterSchema " + declared + ", but '" + name + "' is not one");
    }

    /** The top-level property names a schema declares, or null when it declares none or is not a valid schema. */
    private static List<String> declaredProperties(String schema) {
        ObjectNode properties = declaredPropertySchemas(schema);
        return properties == null ? null : iterable(properties.fieldNames());
    }

    /** The top-level properties a schema declares, by name, or null when it declares none or is not a valid schema. */
    private static ObjectNode declaredPropertySchemas(String schema) {
        if (schema == null || jsonSchema("parameterSchema", schema).isPresent()) {
            return null;
        }
        try {
            return JSON.readTree(schema).get("properties") instanceof ObjectNode props ? props : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * Checks that a JSON Schema parses and has a sane shape: a JSON object whose {@code type} is a
     * JSON Schema type (or a list of them), whose {@code properties} is an object of schemas (checked
     * the same way), whose {@code items} is a schema and whose {@code required} names properties.
     */
    public static Optional<String> jsonSchema(String field, String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(field + " must be a JSON Schema (a JSON object such as {\"type\": \"object\"}), but was empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.of(field + " must be valid JSON, but " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr());
        }
        List<String> problems = new ArrayList<>();
        schemaShape(field, root, problems);
        return problems.stream().findFirst();
    }

    /** The schema as compact JSON, key order kept; the text must have passed {@link #jsonSchema}. */
    public static String compactJson(String text) {
        try {
            return JSON.writeValueAsString(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Whether two JSON texts are the same JSON value (object key order ignored). */
    public static boolean sameJson(String a, String b) {
        try {
            return JSON.readTree(a).equals(JSON.readTree(b));
        } catch (JsonProcessingException e) {
            return a.equals(b);
        }
    }

    private static void schemaShape(String path, JsonNode node, List<String> problems) {
        if (!node.isObject()) {
            problems.add(path + " must be a JSON object (a schema), but was " + kind(node));
            return;
        }
        JsonNode type = node.get("type");
        if (type != null) {
            List<String> names = new ArrayList<>();
            if (type.isTextual()) {
                names.add(type.asText());
            } else if (type.isArray()) {
                type.forEach(t -> names.add(t.isTextual() ? t.asText() : t.toString()));
            } else {
                problems.add(path + ".type must be a string or a list of strings, but was " + kind(type));
                return;
            }
            for (String name : names) {
                if (!JSON_TYPES.contains(name)) {
                    problems.add(path + ".type must be one of " + new java.util.TreeSet<>(JSON_TYPES) + ", but was '" + name + "'");
                    return;
                }
            }
            if (node.has("properties") && !names.contains("object")) {
                problems.add(path + " has properties, so its type must be 'object', but was " + type);
                return;
            }
        }
        JsonNode properties = node.get("properties");
        if (properties != null) {
            if (!properties.isObject()) {
                problems.add(path + ".properties must be an object of schemas, but was " + kind(properties));
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
            while (fields.hasNext() && problems.isEmpty()) {
                Map.Entry<String, JsonNode> field = fields.next();
                schemaShape(path + ".properties." + field.getKey(), field.getValue(), problems);
            }
        }
        JsonNode items = node.get("items");
        if (items != null && problems.isEmpty()) {
            schemaShape(path + ".items", items, problems);
        }
        JsonNode required = node.get("required");
        if (required != null && problems.isEmpty()) {
            if (!required.isArray()) {
                problems.add(path + ".required must be a list of property names, but was " + kind(required));
                return;
            }
            for (JsonNode name : required) {
                if (!name.isTextual()) {
                    problems.add(path + ".required must list property names, but contained " + name);
                    return;
                }
                if (properties instanceof ObjectNode props && !props.has(name.asText())) {
                    problems.add(path + ".required names '" + name.asText() + "', which is not in its properties "
                            + iterable(props.fieldNames()));
                    return;
                }
            }
        }
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase() + " " + node;
    }

    private static String quote(String value) {
        return value == null ? "missing" : "'" + value + "'";
    }
}
