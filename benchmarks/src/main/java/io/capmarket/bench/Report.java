package io.capmarket.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The run's results: a table for people and {@code results.json} for machines. */
final class Report {

    /** The figures shown in their own columns, in this order; the rest go to the last column. */
    private static final List<String> COLUMNS = List.of("records_per_s", "requests_per_s", "p50_ms", "p99_ms",
            "p999_ms", "ratio_to_ceiling");

    private final Map<String, Object> machine;
    private final List<Result> results = new ArrayList<>();

    Report(Map<String, Object> machine) {
        this.machine = new LinkedHashMap<>(machine);
    }

    void add(Result result) {
        results.add(result);
    }

    /** The table, one line a scenario. */
    String table() {
        StringBuilder out = new StringBuilder();
        String header = String.format(Locale.ROOT, "%-26s %14s %14s %9s %9s %9s %8s  %s", "scenario", "records/s",
                "requests/s", "p50 ms", "p99 ms", "p999 ms", "ratio", "other figures");
        out.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        for (Result result : results) {
            out.append(String.format(Locale.ROOT, "%-26s %14s %14s %9s %9s %9s %8s  %s", result.name(),
                    cell(result, "records_per_s"), cell(result, "requests_per_s"), cell(result, "p50_ms"),
                    cell(result, "p99_ms"), cell(result, "p999_ms"), cell(result, "ratio_to_ceiling"), others(result)))
                    .append('\n');
        }
        return out.toString();
    }

    /** The table as Markdown, for the README. */
    String markdown() {
        StringBuilder out = new StringBuilder("| scenario | records/s | requests/s | p50 ms | p99 ms | p999 ms | ratio to ceiling | other figures |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Result result : results) {
            out.append("| ").append(result.name());
            for (String column : COLUMNS) {
                out.append(" | ").append(cell(result, column));
            }
            out.append(" | ").append(others(result)).append(" |\n");
        }
        return out.toString();
    }

    /** Writes {@code results.json}: {@code {"machine": {...}, "scenarios": [{"name": ..., figures...}]}}. */
    void write(Path file) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("machine", machine);
        List<Map<String, Object>> scenarios = new ArrayList<>();
        for (Result result : results) {
            Map<String, Object> scenario = new LinkedHashMap<>();
            scenario.put("name", result.name());
            scenario.putAll(result.figures());
            scenarios.add(scenario);
        }
        document.put("scenarios", scenarios);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String cell(Result result, String key) {
        Object value = result.figures().get(key);
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return key.equals("ratio_to_ceiling") ? String.format(Locale.ROOT, "%.3f", d)
                    : d >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        return value.toString();
    }

    private static String others(Result result) {
        List<String> rest = new ArrayList<>();
        result.figures().forEach((key, value) -> {
            if (!COLUMNS.contains(key)) {
                rest.add(key + "=" + cell(result, key));
            }
        });
        return String.join(" ", rest);
    }
}
