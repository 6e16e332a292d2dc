package io.capmarket.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One scenario's figures, in the order they were added. Keys carry their unit
 * ({@code records_per_s}, {@code p99_ms}); values are numbers or short text.
 */
public final class Result {

    private final String name;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    Result(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Adds a figure; doubles are kept to 3 significant decimals. */
    Result with(String key, Object value) {
        figures.put(key, value instanceof Double d ? round(d) : value);
        return this;
    }

    /** Adds {@code ratio_to_ceiling}: this scenario's rate over the ceiling's. */
    Result ratioTo(double ceilingRate, double rate) {
        return with("ratio_to_ceiling", ceilingRate > 0 ? rate / ceilingRate : 0.0);
    }

    public String name() {
        return name;
    }

    public Map<String, Object> figures() {
        return Collections.unmodifiableMap(figures);
    }

    /** A figure as a number, or NaN when it is absent or not numeric. */
    public double number(String key) {
        return figures.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.abs(value) >= 100 ? 1 : 1_000;
        return Math.round(value * scale) / scale;
    }
}
