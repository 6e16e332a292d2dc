package io.capmarket.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * An Alertmanager configuration file as the checks read it, with Alertmanager's own strictness
 * where it matters here: only its top-level keys, a root route with a receiver, receivers with
 * names, and every route (nested too) naming a receiver.
 */
record AlertmanagerConfig(String text, List<String> receivers, List<String> webhooks, List<String> routedReceivers) {

    /** Alertmanager's top-level keys (an unknown one stops it). */
    private static final Set<String> KEYS = Set.of("global", "route", "receivers", "inhibit_rules", "templates",
            "time_intervals", "mute_time_intervals");

    static AlertmanagerConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, Object> config = new Yaml().load(text);
        if (!KEYS.containsAll(config.keySet())) {
            throw new AssertionError(file + ": unknown top-level keys " + config.keySet() + ", Alertmanager knows " + KEYS);
        }
        List<String> receivers = new ArrayList<>();
        List<String> webhooks = new ArrayList<>();
        for (Object receiver : list(config.get("receivers"), file + ": receivers")) {
            Map<?, ?> fields = (Map<?, ?>) receiver;
            receivers.add(required(fields, "name", file + ": a receiver"));
            for (Object webhook : list(fields.get("webhook_configs") == null ? List.of() : fields.get("webhook_configs"), "webhook_configs")) {
                webhooks.add(required((Map<?, ?>) webhook, "url", file + ": receiver " + fields.get("name") + "'s webhook"));
            }
        }
        Map<?, ?> route = (Map<?, ?>) config.get("route");
        if (route == null) {
            throw new AssertionError(file + " has no route");
        }
        required(route, "receiver", file + ": the root route");
        List<String> routed = new ArrayList<>();
        collectReceivers(route, routed);
        return new AlertmanagerConfig(text, List.copyOf(receivers), List.copyOf(webhooks), List.copyOf(routed));
    }

    private static void collectReceivers(Map<?, ?> route, List<String> into) {
        if (route.get("receiver") != null) {
            into.add(route.get("receiver").toString());
        }
        if (route.get("routes") != null) {
            list(route.get("routes"), "routes").forEach(child -> collectReceivers((Map<?, ?>) child, into));
        }
    }

    private static List<?> list(Object value, String what) {
        if (!(value instanceof List<?> list)) {
            throw new AssertionError(what + " must be a list, but was " + value);
        }
        return list;
    }

    private static String required(Map<?, ?> fields, String key, String what) {
        Object value = fields.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new AssertionError(what + " has no " + key);
        }
        return value.toString();
    }
}
