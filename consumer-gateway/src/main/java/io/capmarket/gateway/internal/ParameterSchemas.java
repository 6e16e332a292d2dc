package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.capmarket.gateway.GatewayException.FieldError;
import java.io.IOException;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates request parameters against a capability version's JSON Schema (draft from its
 * {@code $schema}, 2020-12 by default). Compiled schemas are cached by their text. Schemas that
 * reference anything outside themselves ({@code $ref} not starting with {@code #}) are refused,
 * so a producer's schema can never make the gateway fetch a URL.
 */
public final class ParameterSchemas {

    private static final int CACHE_SIZE = 256;

    private final Map<String, JsonSchema> cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonSchema> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    /** Every violation of {@code parameters}, each naming the field ({@code parameters.size}), the value and the rule. */
    public List<FieldError> validate(String schemaText, JsonNode parameters) {
        JsonSchema schema = cache.computeIfAbsent(schemaText, ParameterSchemas::compile);
        Set<ValidationMessage> messages = schema.validate(parameters);
        return messages.stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString()).thenComparing(ValidationMessage::getMessage))
                .map(m -> new FieldError(field(m), value(m), rule(m)))
                .toList();
    }

    private static JsonSchema compile(String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the capability's parameter schema is not JSON: " + e.getMessage(), e);
        }
        requireLocalRefs(node);
        SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(node, false).orElse(SpecVersion.VersionFlag.V202012);
        return JsonSchemaFactory.getInstance(version).getSchema(node);
    }

    private static void requireLocalRefs(JsonNode node) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if ((field.getKey().equals("$ref") || field.getKey().equals("$dynamicRef")) && field.getValue().isTextual()
                        && !field.getValue().asText().startsWith("#")) {
                    throw new IllegalStateException("the capability's parameter schema refers outside itself: " + field.getValue().asText());
                }
                requireLocalRefs(field.getValue());
            });
        } else if (node.isArray()) {
            node.forEach(ParameterSchemas::requireLocalRefs);
        }
    }

    private static String field(ValidationMessage message) {
        String location = message.getInstanceLocation().toString();
        String path = location.startsWith("$") ? location.substring(1) : location;
        String property = property(message);
        return "parameters" + path + (property == null ? "" : "." + property);
    }

    /** The property a violation is about when it is not at the instance location: missing or not allowed. */
    private static String property(ValidationMessage message) {
        String type = message.getType();
        if ("dependentRequired".equals(type) && message.getArguments() != null && message.getArguments().length > 0) {
            return String.valueOf(message.getArguments()[0]);
        }
        if ("required".equals(type) || "additionalProperties".equals(type) || "unevaluatedProperties".equals(type)) {
            return message.getProperty();
        }
        return null;
    }

    private static String value(ValidationMessage message) {
        String type = message.getType();
        if ("required".equals(type) || "dependentRequired".equals(type)) {
            return null;
        }
        String property = property(message);
        JsonNode node = message.getInstanceNode();
        return value(property != null && node != null && node.isObject() && node.has(property) ? node.get(property) : node);
    }

    private static String value(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String rule(ValidationMessage message) {
        String text = message.getMessage();
        String location = message.getInstanceLocation().toString();
        return text.startsWith(location + ": ") ? text.substring(location.length() + 2) : text;
    }
}
