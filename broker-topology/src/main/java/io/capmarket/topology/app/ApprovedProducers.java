package io.capmarket.topology.app;

import io.capmarket.schemas.config.ConfigRule;
import io.capmarket.schemas.config.ConfigValues;
import io.capmarket.schemas.onboarding.ProducerNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code producers.approved} setting: {@code db-team=postgres-database,kafka-topic;ci-team=*}
 * into producerId -> capabilities, in order, and its per-producer form
 * {@code producers.approved.<producerId>=a,b}.
 */
final class ApprovedProducers {

    static final String RULE = "a list like db-team=postgres-database,kafka-topic;ci-team=*";

    private ApprovedProducers() {
    }

    /** Parses the whole list; an empty text means no producers. */
    static Object parse(String text) {
        Map<String, List<String>> producers = new LinkedHashMap<>();
        for (String raw : text.split(";")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new ConfigRule(RULE, "'" + entry + "' has no '='");
            }
            String producerId = entry.substring(0, eq).trim();
            List<String> capabilities;
            try {
                capabilities = one(producerId, entry.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new ConfigRule(RULE, e.getMessage());
            }
            if (producers.put(producerId, capabilities) != null) {
                throw new ConfigRule(RULE, "producer '" + producerId + "' is listed twice");
            }
        }
        return producers;
    }

    /**
     * The producers of {@code key} and of its per-producer form {@code key.<producerId>}, adding a
     * problem for each entry that is invalid or repeats a producer.
     */
    static Map<String, List<String>> merge(ConfigValues values, String key, List<String> problems) {
        Map<String, List<String>> approved = new LinkedHashMap<>();
        values.optional(key, Map.class).ifPresent(listed -> listed.forEach((id, caps) -> approved.put((String) id, castList(caps))));
        values.open().forEach((perProducer, text) -> {
            String producerId = perProducer.substring(key.length() + 1);
            try {
                if (approved.putIfAbsent(producerId, one(producerId, text)) != null) {
                    problems.add(perProducer + " repeats producer '" + producerId + "', already listed in " + key);
                }
            } catch (IllegalArgumentException e) {
                problems.add(perProducer + " must be a comma-separated list of capabilities (or *) for a valid producer id, but was '"
                        + text + "': " + e.getMessage() + values.source(perProducer));
            }
        });
        return approved;
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return (List<String>) value;
    }

    /** One producer's comma-separated capabilities ({@code *}: any), checked. */
    static List<String> one(String producerId, String capabilities) {
        List<String> listed = new ArrayList<>();
        for (String capability : capabilities.split(",")) {
            if (!capability.isBlank()) {
                listed.add(capability.trim());
            }
        }
        ProducerNames.requireProducerId(producerId);
        return ProducerNames.requireCapabilities(listed);
    }
}
