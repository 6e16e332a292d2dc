package io.capmarket.sdk.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.sdk.Approval;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads offers from YAML text, keeping the line of every value so that each problem is reported
 * as {@code file:line: message}. One file holds one or more YAML documents; each document is one
 * offer (a mapping with {@code offerId}) or a mapping {@code offers:} with a list of offers.
 */
public final class YamlOfferReader {

    /** The fields of an offer in a file, in the order they are documented. */
    public static final List<String> FIELDS = List.of("offerId", "capability", "version", "description", "parameterSchema",
            "updatableParameters", "outputSchema", "attributes", "capacity", "leadTime", "maxTtl", "approval", "status", "sunset");

    /** The fields of an offer's {@code approval}. */
    public static final List<String> APPROVAL_FIELDS = List.of("when", "approvers", "expiresAfter");

    private static final YAMLFactory YAML = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A value with the line it starts on. */
    sealed interface Node permits Scalar, MapNode, ListNode {
        int line();
    }

    record Scalar(Object value, int line) implements Node {
    }

    record MapNode(Map<String, Node> fields, Map<String, Integer> keyLines, int line) implements Node {
    }

    record ListNode(List<Node> items, int line) implements Node {
    }

    /** An offer and where it was declared. */
    public record Located(Offer offer, String source, int line) {
    }

    private final List<String> problems = new ArrayList<>();
    private final List<Located> offers = new ArrayList<>();
    private final Map<String, String> declaredAt = new LinkedHashMap<>();

    /** Problems found so far, each {@code file:line: message}. */
    public List<String> problems() {
        return problems;
    }

    /** Offers read so far. */
    public List<Located> offers() {
        return offers;
    }

    /** Reads one file's text; problems and offers accumulate over calls, duplicates across files included. */
    public void read(String source, String text) {
        List<Node> documents = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                Node doc = node(parser, token);
                if (!(doc instanceof Scalar s && s.value() == null)) {
                    documents.add(doc);
                }
            }
        } catch (JsonProcessingException e) {
            problems.add(source + ":" + e.getLocation().getLineNr() + ": invalid YAML: " + e.getOriginalMessage().trim());
            return;
        } catch (IOException e) {
            problems.add(source + ": cannot read: " + e.getMessage());
            return;
        }
        for (Node doc : documents) {
            if (doc instanceof MapNode map && map.fields().containsKey("offers") && !map.fields().containsKey("offerId")) {
                if (map.fields().size() > 1) {
                    map.fields().keySet().stream().filter(k -> !k.equals("offers")).forEach(k ->
                            problems.add(at(source, map.keyLines().get(k)) + "unknown field '" + k
                                    + "' next to 'offers' (a document is one offer, or 'offers:' with a list of offers)"));
                }
                Node list = map.fields().get("offers");
                if (list instanceof ListNode items) {
                    items.items().forEach(item -> offer(source, item));
                } else if (!(list instanceof Scalar s && s.value() == null)) {
                    problems.add(at(source, list.line()) + "offers must be a list of offers, but was " + describe(list));
                }
            } else {
                offer(source, doc);
            }
        }
    }

    private void offer(String source, Node node) {
        if (!(node instanceof MapNode map)) {
            problems.add(at(source, node.line()) + "expected an offer (a mapping with offerId, capability, …) or 'offers:' "
                    + "with a list of them, but was " + describe(node));
            return;
        }
        int before = problems.size();
        Map<String, Node> f = map.fields();
        for (Map.Entry<String, Integer> key : map.keyLines().entrySet()) {
            if (!FIELDS.contains(key.getKey())) {
                problems.add(at(source, key.getValue()) + "unknown field '" + key.getKey() + "'" + suggestion(key.getKey(), FIELDS)
                        + "; the fields are " + FIELDS);
            }
        }
        String offerId = text(source, map, "offerId", true);
        String where = offerId == null ? "" : "offer " + offerId + ": ";
        String capability = text(source, map, "capability", true);
        Integer version = whole(source, map, "version");
        String description = text(source, map, "description", false);
        String parameterSchema = schema(source, map, "parameterSchema");
        List<String> updatable = names(source, map, "updatableParameters");
        String outputSchema = schema(source, map, "outputSchema");
        Map<String, String> attributes = attributes(source, map);
        Integer capacity = whole(source, map, "capacity");
        Duration leadTime = duration(source, map, "leadTime", "leadTime", "500ms, 30s, 10m, 2h, 1d or PT10M", where);
        Duration maxTtl = duration(source, map, "maxTtl", "maxTtl", "12h, 7d or P30D", where);
        OfferStatus status = OfferStatus.ACTIVE;
        String statusText = text(source, map, "status", false);
        if (statusText != null) {
            try {
                status = OfferStatus.valueOf(statusText.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(at(source, f.get("status").line()) + where + "status must be one of "
                        + Arrays.toString(OfferStatus.values()) + ", but was '" + statusText + "'");
            }
        }
        Instant sunset = null;
        String sunsetText = text(source, map, "sunset", false);
        if (sunsetText != null) {
            sunset = instant(sunsetText).orElse(null);
            if (sunset == null) {
                problems.add(at(source, f.get("sunset").line()) + where + "sunset must be a date (2026-06-30) or an instant "
                        + "(2026-06-30T00:00:00Z), but was '" + sunsetText + "'");
            }
        }
        // field rules, each at its own line
        check(source, map, "offerId", offerId == null ? Optional.empty() : OfferChecks.offerId(offerId), where);
        check(source, map, "capability", capability == null ? Optional.empty() : OfferChecks.capability(capability), where);
        check(source, map, "version", version == null ? Optional.empty() : OfferChecks.capabilityVersion(version), where);
        check(source, map, "parameterSchema", parameterSchema == null ? Optional.empty()
                : OfferChecks.jsonSchema("parameterSchema", parameterSchema), where);
        check(source, map, "outputSchema", outputSchema == null ? Optional.empty()
                : OfferChecks.jsonSchema("outputSchema", outputSchema), where);
        check(source, map, "updatableParameters", updatable == null ? Optional.empty()
                : OfferChecks.updatableParameters(updatable, parameterSchema == null ? Offer.ANY_OBJECT_SCHEMA : parameterSchema), where);
        if (capacity == null && !f.containsKey("capacity")) {
            problems.add(at(source, map.line()) + where + "capacity must be given (requests in flight at most), but was missing");
        }
        check(source, map, "capacity", capacity == null ? Optional.empty() : OfferChecks.capacity(capacity), where);
        if (!f.containsKey("leadTime")) {
            problems.add(at(source, map.line()) + where + "leadTime must be given (the promised p95 lead time, like 10m), "
                    + "but was missing");
        } else if (leadTime != null) {
            check(source, map, "leadTime", OfferChecks.leadTime(leadTime), where);
        }
        check(source, map, "maxTtl", OfferChecks.maxTtl(maxTtl), where);
        Approval approval = approval(source, map, parameterSchema == null ? Offer.ANY_OBJECT_SCHEMA : parameterSchema, where);
        boolean statusRead = statusText == null || status != null && statusText.trim().equalsIgnoreCase(status.name());
        if (statusRead && (sunsetText == null || sunset != null)) {
            check(source, map, sunsetText != null ? "sunset" : "status", OfferChecks.status(status, sunset), where);
        }
        if (problems.size() > before) {
            return;
        }
        try {
            Offer offer = new Offer(offerId, capability, version == null ? 1 : version, description,
                    parameterSchema == null ? Offer.ANY_OBJECT_SCHEMA : parameterSchema,
                    outputSchema == null ? Offer.ANY_OBJECT_SCHEMA : outputSchema, attributes, capacity, leadTime, status, sunset,
                    updatable == null ? List.of() : updatable, maxTtl, approval);
            String first = declaredAt.putIfAbsent(offerId, source + ":" + map.line());
            if (first != null) {
                problems.add(at(source, map.fields().get("offerId").line()) + "offerId " + offerId + " is already declared at " + first
                        + "; offerIds must be unique");
                return;
            }
            offers.add(new Located(offer, source, map.line()));
        } catch (InvalidOfferException e) {
            e.problems().forEach(p -> problems.add(at(source, map.line()) + p));
        }
    }

    private void check(String source, MapNode map, String field, Optional<String> problem, String where) {
        // the key's line: a nested mapping's own location is its first key, one line further down
        problem.ifPresent(p -> problems.add(at(source, map.keyLines().getOrDefault(field, map.line())) + where + p));
    }

    private String text(String source, MapNode map, String field, boolean required) {
        Node node = map.fields().get(field);
        if (node == null || node instanceof Scalar s && s.value() == null) {
            if (required) {
                problems.add(at(source, node == null ? map.line() : node.line()) + field + " must be given, but was missing");
            }
            return null;
        }
        if (node instanceof Scalar s) {
            return String.valueOf(s.value());
        }
        problems.add(at(source, node.line()) + field + " must be a single value, but was " + describe(node));
        return null;
    }

    private Integer whole(String source, MapNode map, String field) {
        Node node = map.fields().get(field);
        if (node == null) {
            return null;
        }
        if (node instanceof Scalar s && s.value() instanceof Number n && n.longValue() == n.doubleValue()
                && n.longValue() >= Integer.MIN_VALUE && n.longValue() <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        problems.add(at(source, node.line()) + field + " must be a whole number, but was " + describe(node));
        return null;
    }

    private String schema(String source, MapNode map, String field) {
        Node node = map.fields().get(field);
        if (node == null) {
            return null;
        }
        if (node instanceof Scalar s && s.value() instanceof String text) {
            return text;
        }
        if (node instanceof MapNode) {
            try {
                return JSON.writeValueAsString(json(node));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        problems.add(at(source, node.line()) + field + " must be a JSON Schema, as YAML or as JSON text, but was " + describe(node));
        return null;
    }

    /** A list of names ({@code [size, tier]}), or null when absent or not such a list (a problem then says why). */
    private List<String> names(String source, MapNode map, String field) {
        return values(source, map.fields().get(field), field, "parameter names", "[size]", "");
    }

    /**
     * A list of single values ({@code [large, 3]}, each as its text), or null when absent or not such a
     * list (a problem then says why, naming {@code field}, what it lists and an example).
     */
    private List<String> values(String source, Node node, String field, String what, String example, String where) {
        if (node == null || node instanceof Scalar s && s.value() == null) {
            return null;
        }
        if (!(node instanceof ListNode list)) {
            problems.add(at(source, node.line()) + where + field + " must be a list of " + what + " like " + example + ", but was "
                    + describe(node));
            return null;
        }
        List<String> values = new ArrayList<>();
        for (Node item : list.items()) {
            if (!(item instanceof Scalar s) || s.value() == null) {
                problems.add(at(source, item.line()) + where + field + " must list " + what + ", but one was " + describe(item));
                return null;
            }
            values.add(String.valueOf(s.value()));
        }
        return values;
    }

    /**
     * A duration ({@code 10m}, {@code PT10M}) in {@code map}'s {@code field}, or null when absent or
     * not a duration (a problem then says why, naming {@code label} and examples).
     */
    private Duration duration(String source, MapNode map, String field, String label, String examples, String where) {
        Node node = map.fields().get(field);
        if (node == null || node instanceof Scalar s && s.value() == null) {
            return null;
        }
        Optional<Duration> duration = node instanceof Scalar s ? Durations.parse(String.valueOf(s.value())) : Optional.empty();
        if (duration.isEmpty()) {
            problems.add(at(source, node.line()) + where + label + " must be a duration like " + examples + ", but was "
                    + describe(node));
        }
        return duration.orElse(null);
    }

    /**
     * The offer's approval policy, or null when it has none or has a problem: each is reported at the
     * line of the field it is about ({@code approvers}, {@code when}, {@code expiresAfter}).
     */
    private Approval approval(String source, MapNode offer, String parameterSchema, String where) {
        Node node = offer.fields().get("approval");
        if (node == null || node instanceof Scalar s && s.value() == null) {
            return null;
        }
        if (!(node instanceof MapNode map)) {
            problems.add(at(source, node.line()) + where + "approval must be a mapping like {when: {size: [large]}, "
                    + "approvers: [role:admin]}, but was " + describe(node));
            return null;
        }
        int before = problems.size();
        map.keyLines().forEach((key, line) -> {
            if (!APPROVAL_FIELDS.contains(key)) {
                problems.add(at(source, line) + where + "unknown field 'approval." + key + "'" + suggestion(key, APPROVAL_FIELDS)
                        + "; the fields of approval are " + APPROVAL_FIELDS);
            }
        });
        Map<String, List<String>> when = new LinkedHashMap<>();
        Node conditions = map.fields().get("when");
        if (conditions instanceof MapNode parameters) {
            parameters.fields().forEach((parameter, values) -> {
                List<String> listed = values(source, values, "approval.when." + parameter, "values", "[large]", where);
                when.put(parameter, listed == null ? List.of() : listed);
            });
        } else if (conditions != null && !(conditions instanceof Scalar s && s.value() == null)) {
            problems.add(at(source, conditions.line()) + where + "approval.when must be a mapping of parameters to the values "
                    + "that call for an approval, like {size: [large]}, but was " + describe(conditions));
        }
        List<String> approvers = values(source, map.fields().get("approvers"), "approval.approvers", "approvers",
                "[role:admin, team:dba]", where);
        Duration expiresAfter = duration(source, map, "expiresAfter", "approval.expiresAfter", "90m, 2d or PT48H", where);
        if (problems.size() > before) {
            return null;
        }
        Approval approval = new Approval(when, approvers == null ? List.of() : approvers, expiresAfter);
        Optional<String> broken = OfferChecks.approval(approval, parameterSchema);
        broken.ifPresent(p -> problems.add(at(source, approvalLine(p, map, offer)) + where + p));
        return broken.isPresent() ? null : approval;
    }

    /** The line of the approval's field a problem names ({@code approval.approvers: …}), else of {@code approval:} itself. */
    private static int approvalLine(String problem, MapNode approval, MapNode offer) {
        return APPROVAL_FIELDS.stream().filter(field -> problem.startsWith("approval." + field))
                .map(approval.keyLines()::get).filter(Objects::nonNull).findFirst()
                .orElse(offer.keyLines().get("approval"));
    }

    private Map<String, String> attributes(String source, MapNode map) {
        Node node = map.fields().get("attributes");
        if (node == null || node instanceof Scalar s && s.value() == null) {
            return Map.of();
        }
        if (!(node instanceof MapNode attrs)) {
            problems.add(at(source, node.line()) + "attributes must be a mapping of names to values, but was " + describe(node));
            return Map.of();
        }
        Map<String, String> result = new TreeMap<>();
        attrs.fields().forEach((name, value) -> {
            if (value instanceof Scalar s && s.value() != null) {
                result.put(name, String.valueOf(s.value()));
            } else {
                problems.add(at(source, value.line()) + "attributes." + name + " must be a single value, but was " + describe(value));
            }
        });
        return result;
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text.trim()));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDate.parse(text.trim()).atStartOfDay(ZoneOffset.UTC).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private static String suggestion(String key, List<String> fields) {
        return fields.stream().filter(f -> distance(f.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)) <= 2)
                .findFirst().map(f -> " (did you mean '" + f + "'?)").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    private static String at(String source, int line) {
        return source + ":" + line + ": ";
    }

    private static String describe(Node node) {
        if (node instanceof MapNode) {
            return "a mapping";
        }
        if (node instanceof ListNode) {
            return "a list";
        }
        Object v = ((Scalar) node).value();
        return v == null ? "empty" : "'" + v + "'";
    }

    private static JsonNode json(Node node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof MapNode map) {
            ObjectNode o = f.objectNode();
            map.fields().forEach((k, v) -> o.set(k, json(v)));
            return o;
        }
        if (node instanceof ListNode list) {
            ArrayNode a = f.arrayNode();
            list.items().forEach(i -> a.add(json(i)));
            return a;
        }
        Object v = ((Scalar) node).value();
        if (v == null) {
            return f.nullNode();
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (v instanceof Number n) {
            return n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal
                    ? f.numberNode(n.doubleValue()) : f.numberNode(n.longValue());
        }
        return f.textNode(v.toString());
    }

    private static Node node(JsonParser p, JsonToken token) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Node> fields = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    keyLines.put(key, p.currentTokenLocation().getLineNr());
                    fields.put(key, node(p, p.nextToken()));
                }
                return new MapNode(fields, keyLines, line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(node(p, t));
                }
                return new ListNode(items, line);
            }
            case VALUE_NULL -> {
                return new Scalar(null, line);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Scalar(p.getBooleanValue(), line);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Scalar(p.getNumberValue(), line);
            }
            default -> {
                return new Scalar(p.getText(), line);
            }
        }
    }
}
