package io.capmarket.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What an update changes in a request's parameters: the top-level parameters two JSON objects
 * differ in, which an offer's {@code updatableParameters} must all name. The gateway checks an
 * update by it before it is sent, the topology again before it applies one, whoever sent it.
 */
public final class ParameterChanges {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ParameterChanges() {
    }

    /**
     * The top-level parameters that differ between two JSON objects (added, removed or changed),
     * in name order.
     *
     * @throws IllegalArgumentException when either is not a JSON object, naming which
     */
    public static List<String> between(String before, String after) {
        return between(object("the request's parameters", before), object("the update's parameters", after));
    }

    /** As {@link #between(String, String)}, for parsed JSON objects. */
    public static List<String> between(JsonNode before, JsonNode after) {
        TreeSet<String> changed = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = after.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().equals(before.get(field.getKey()))) {
                changed.add(field.getKey());
            }
        }
        before.fieldNames().forEachRemaining(name -> {
            if (!after.has(name)) {
                changed.add(name);
            }
        });
        return List.copyOf(changed);
    }

    /** Whether two JSON texts hold the same JSON value, whatever their spacing and member order. */
    public static boolean sameJson(String one, String other) {
        if (one.equals(other)) {
            return true;
        }
        try {
            return JSON.readTree(one).equals(JSON.readTree(other));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static JsonNode object(String what, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(what + " must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " must be a JSON object: " + e.getOriginalMessage());
        }
    }
}
