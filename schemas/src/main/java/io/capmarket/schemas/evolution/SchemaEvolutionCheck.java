package io.capmarket.schemas.evolution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Checks that current event schemas are BACKWARD compatible with the released ones: a consumer
 * built with the current schema must read every record written with a released schema.
 *
 * <p>Each schema is paired with its released snapshot by full name. A released schema that is
 * missing from the current set is a violation too (its topic's old records could no longer be
 * read); a current schema without a snapshot is new and passes.
 */
public final class SchemaEvolutionCheck {

    private SchemaEvolutionCheck() {
    }

    /** One reason why a current schema cannot read data written with its released snapshot. */
    public record Violation(String schema, String field, String rule, String detail) {

        /** A one-line message naming the schema, the field and the rule broken. */
        public String message() {
            return "Schema " + schema + " is not BACKWARD compatible with its released snapshot: field '"
                    + field + "' breaks " + rule + " (" + detail + ")";
        }
    }

    /**
     * Compares current schemas with released ones.
     *
     * @param released the released snapshot, one schema per top-level event
     * @param current the schemas as the build now generates them
     * @return every violation, empty when all current schemas are backward compatible
     */
    public static List<Violation> check(List<Schema> released, List<Schema> current) {
        Map<String, Schema> currentByName = new TreeMap<>();
        current.forEach(s -> currentByName.put(s.getFullName(), s));
        List<Violation> violations = new ArrayList<>();
        for (Schema old : released) {
            Schema now = currentByName.get(old.getFullName());
            if (now == null) {
                violations.add(new Violation(old.getFullName(), "*", "REMOVED_SCHEMA",
                        "the released schema no longer exists; records written with it could not be read"));
                continue;
            }
            explain(old.getFullName(), now, old, "", violations);
        }
        return violations;
    }

    private static void explain(String schemaName, Schema reader, Schema writer, String prefix,
            List<Violation> violations) {
        for (Incompatibility incompatibility : SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult().getIncompatibilities()) {
            String path = join(prefix, FieldPath.of(reader, incompatibility.getLocation()));
            Schema writerBranch = writerBranch(incompatibility);
            Schema readerBranch = writerBranch == null ? null : sameNamedBranch(incompatibility.getReaderFragment(), writerBranch);
            if (readerBranch != null) {
                // Avro stops at the union; the real cause is inside the branch of the same name
                explain(schemaName, readerBranch, writerBranch, path, violations);
            } else {
                violations.add(new Violation(schemaName, path, incompatibility.getType().name(),
                        incompatibility.getMessage() + " at " + incompatibility.getLocation()));
            }
        }
    }

    /** The writer's record branch that found no reader branch, for a missing union branch. */
    private static Schema writerBranch(Incompatibility incompatibility) {
        Schema writer = incompatibility.getWriterFragment();
        if (incompatibility.getType() != SchemaCompatibility.SchemaIncompatibilityType.MISSING_UNION_BRANCH) {
            return null;
        }
        if (writer.getType() == Schema.Type.UNION) {
            String location = incompatibility.getLocation();
            String last = location.substring(location.lastIndexOf('/') + 1);
            if (!last.chars().allMatch(Character::isDigit) || last.isEmpty()) {
                return null;
            }
            int index = Integer.parseInt(last);
            writer = index < writer.getTypes().size() ? writer.getTypes().get(index) : null;
        }
        return writer != null && writer.getType() == Schema.Type.RECORD ? writer : null;
    }

    private static Schema sameNamedBranch(Schema reader, Schema writer) {
        if (reader.getType() != Schema.Type.UNION) {
            return null;
        }
        return reader.getTypes().stream()
                .filter(branch -> branch.getType() == Schema.Type.RECORD && branch.getFullName().equals(writer.getFullName()))
                .findFirst().orElse(null);
    }

    private static String join(String prefix, String path) {
        if (prefix.isEmpty()) {
            return path;
        }
        return path.equals("(root)") ? prefix : prefix + "." + path;
    }
}
