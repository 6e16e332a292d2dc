package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.capmarket.gateway.GatewayException.FieldError;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates request parameters against a capability version's JSON Schema (draft from its
 * {@code $schema}, 2020-12 by default). Compiled schemas are cached by their text. Schemas that
 * reference anything outside themselves ({@code $ref} not starting with {@code #}) are refused,
 * so a producer's schema can never make the gateway fetch a URL.
 */
public final class ParameterSchemas {

    private static final int CACHE_SIZE = 256;
    /** Locations as {@code $.network.cidr}, which {@link #field} turns into {@code parameters.network.cidr}. */
    private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder().pathType(PathType.LEGACY).build();
    /**
     * The validator's own (Jackson 3) reader takes whatever nesting the gateway's parser let through:
     * the request's bounds are the gateway's, not a second, lower default.
     */
    private static final tools.jackson.databind.json.JsonMapper READER = tools.jackson.databind.json.JsonMapper.builder(
            tools.jackson.core.json.JsonFactory.builder().streamReadConstraints(tools.jackson.core.StreamReadConstraints.builder()
                    .maxNestingDepth(Json.MAPPER.getFactory().streamReadConstraints().getMaxNestingDepth()).build()).build()).build();

    private final Map<SpecificationVersion, SchemaRegistry> registries = new ConcurrentHashMap<>();
    /** Compiled without a lock held (two threads may compile one schema once each); emptied when it reaches its bound. */
    private final Map<String, Schema> cache = new ConcurrentHashMap<>();

    /** Every violation of {@code parameters}, each naming the field ({@code parameters.size}), the value and the rule. */
    public List<FieldError> validate(String schemaText, JsonNode parameters) {
        Schema schema = cache.get(schemaText);
        if (schema == null) {
            schema = compile(schemaText);
            if (cache.size() >= CACHE_SIZE) {
                cache.clear();
            }
            cache.putIfAbsent(schemaText, schema);
        }
        List<Error> messages = schema.validate(validatorTree(parameters));
        return messages.stream()
                .sorted(Comparator.comparing((Error m) -> m.getInstanceLocation().toString()).thenComparing(Error::getMessage))
                .map(m -> new FieldError(field(m), value(m), rule(m)))
                .toList();
    }

    /**
     * The parameters as the validator's (Jackson 3) tree, copied node by node from the gateway's
     * (Jackson 2) one: the same values, numbers of the same kind, without writing and parsing text.
     */
    static tools.jackson.databind.JsonNode validatorTree(JsonNode node) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (node.getNodeType()) {
            case OBJECT -> {
                ObjectNode object = nodes.objectNode();
                node.properties().forEach(field -> object.set(field.getKey(), validatorTree(field.getValue())));
                yield object;
            }
            case ARRAY -> {
                ArrayNode array = nodes.arrayNode(node.size());
                node.forEach(element -> array.add(validatorTree(element)));
                yield array;
            }
            case STRING -> nodes.stringNode(node.textValue());
            case BOOLEAN -> nodes.booleanNode(node.booleanValue());
            case NUMBER -> switch (node.numberType()) {
                case INT -> nodes.numberNode(node.intValue());
                case LONG -> nodes.numberNode(node.longValue());
                case BIG_INTEGER -> nodes.numberNode(node.bigIntegerValue());
                case FLOAT -> nodes.numberNode(node.floatValue());
                case DOUBLE -> nodes.numberNode(node.doubleValue());
                case BIG_DECIMAL -> nodes.numberNode(node.decimalValue());
            };
            case NULL -> nodes.nullNode();
            case MISSING -> nodes.missingNode();
            // not produced by parsing JSON; kept as text rather than lost
            case BINARY, POJO -> nodes.stringNode(node.asText());
        };
    }

    private Schema compile(String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the capability's parameter schema is not JSON: " + e.getMessage(), e);
        }
        requireLocalRefs(node);
        JsonNode dialect = node.path("$schema");
        SpecificationVersion version = dialect.isTextual()
                ? SpecificationVersion.fromDialectId(dialect.asText()).orElse(SpecificationVersion.DRAFT_2020_12)
                : SpecificationVersion.DRAFT_2020_12;
        return registries.computeIfAbsent(version, ParameterSchemas::registry).getSchema(text, InputFormat.JSON);
    }

    /** A registry for one draft that never loads anything from the network. */
    private static SchemaRegistry registry(SpecificationVersion version) {
        return SchemaRegistry.withDefaultDialect(version, builder -> builder.schemaRegistryConfig(CONFIG)
                .nodeReader(reader -> reader.jsonMapper(READER))
                .schemaLoader(loader -> loader.fetchRemoteResources(false)));
    }

    private static void requireLocalRefs(JsonNode node) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
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

    private static String field(Error message) {
        String location = message.getInstanceLocation().toString();
        String path = location.startsWith("$") ? location.substring(1) : location;
        String property = property(message);
        return "parameters" + path + (property == null ? "" : "." + property);
    }

    /** The property a violation is about when it is not at the instance location: missing or not allowed. */
    private static String property(Error message) {
        String type = message.getKeyword();
        if ("dependentRequired".equals(type) && message.getArguments() != null && message.getArguments().length > 0) {
            return String.valueOf(message.getArguments()[0]);
        }
        if ("required".equals(type) || "additionalProperties".equals(type) || "unevaluatedProperties".equals(type)) {
            return message.getProperty();
        }
        return null;
    }

    private static String value(Error message) {
        String type = message.getKeyword();
        if ("required".equals(type) || "dependentRequired".equals(type)) {
            return null;
        }
        String property = property(message);
        tools.jackson.databind.JsonNode node = message.getInstanceNode();
        return value(property != null && node != null && node.isObject() && node.has(property) ? node.get(property) : node);
    }

    private static String value(tools.jackson.databind.JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        String text = node.isString() ? node.asString() : node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String rule(Error message) {
        String text = message.getMessage();
        String location = message.getInstanceLocation().toString();
        return text.startsWith(location + ": ") ? text.substring(location.length() + 2) : text;
    }
}
