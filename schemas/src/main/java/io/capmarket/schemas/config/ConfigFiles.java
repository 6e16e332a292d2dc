package io.capmarket.schemas.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Reads a configuration file into flat {@code key -> text}: {@code .properties} as they are,
 * {@code .yaml}/{@code .yml} with nested maps joined by '.' ({@code matching: {accept-deadline: 30s}}
 * is {@code matching.accept-deadline}) and lists joined by their key's separator (',' unless the key says otherwise).
 */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * The file's settings, or null after adding to {@code problems} why the file cannot be used.
     *
     * @param separator the list separator of a key
     */
    static Map<String, String> read(Path file, Function<String, String> separator, List<String> problems) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file)) {
            problems.add("config file " + file + " does not exist");
            return null;
        }
        try {
            if (name.endsWith(".properties")) {
                return readProperties(file);
            }
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return readYaml(file, separator, problems);
            }
        } catch (IOException e) {
            problems.add("config file " + file + " cannot be read: " + e.getMessage());
            return null;
        }
        problems.add("config file " + file + " must end in .properties, .yaml or .yml");
        return null;
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(key -> flat.put(key, properties.getProperty(key).trim()));
        return flat;
    }

    private static Map<String, String> readYaml(Path file, Function<String, String> separator, List<String> problems) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return flat;
        }
        if (!root.isObject()) {
            problems.add("config file " + file + " must hold a map of settings");
            return null;
        }
        int before = problems.size();
        flatten("", root, flat, separator, problems);
        return problems.size() == before ? flat : null;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> flat, Function<String, String> separator,
            List<String> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, flat, separator, problems);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> {
                    if (item.isContainerNode()) {
                        problems.add(key + " must be a list of plain values, but holds " + item);
                    } else {
                        items.add(item.asText());
                    }
                });
                flat.put(key, String.join(separator.apply(key), items));
            } else if (value.isNull()) {
                problems.add(key + " has no value");
            } else {
                flat.put(key, value.asText());
            }
        }
    }
}
