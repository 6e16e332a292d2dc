package io.capmarket.testkit.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Decides whether a new schema may join a subject under a {@link CompatibilityLevel}, using
 * Avro's reader/writer rules. Pure: no state, no I/O.
 */
final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /**
     * Lists why {@code candidate} is incompatible with the earlier versions; empty means compatible.
     *
     * @param candidate the schema being registered or tested
     * @param earlier   the subject's live versions by version number (ascending); may be empty
     * @param level     the rule to apply; non-transitive levels look at the last entry only
     */
    static List<String> incompatibilities(Schema candidate, NavigableMap<Integer, Schema> earlier, CompatibilityLevel level) {
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return List.of();
        }
        Iterable<Map.Entry<Integer, Schema>> against = level.transitive()
                ? earlier.descendingMap().entrySet()
                : List.of(earlier.lastEntry());
        List<String> messages = new ArrayList<>();
        for (Map.Entry<Integer, Schema> entry : against) {
            if (level.backward()) {
                describe(candidate, entry.getValue(), "the new schema cannot read data written with version "
                        + entry.getKey(), messages);
            }
            if (level.forward()) {
                describe(entry.getValue(), candidate, "version " + entry.getKey()
                        + " cannot read data written with the new schema", messages);
            }
        }
        return List.copyOf(messages);
    }

    private static void describe(Schema reader, Schema writer, String direction, List<String> messages) {
        List<Incompatibility> found = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult()
                .getIncompatibilities();
        for (Incompatibility incompatibility : found) {
            messages.add("{errorType:'" + incompatibility.getType() + "', location:'" + incompatibility.getLocation()
                    + "', description:'" + direction + ": " + incompatibility.getMessage() + "'}");
        }
    }
}
