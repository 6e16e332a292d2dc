package io.capmarket.schemas.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.EventSchemas;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The build gate: every current event schema must read what its released snapshot wrote.
 * When this fails, add a default to the new field (or keep the old type) rather than editing
 * the snapshot; the snapshot changes only when a release is cut.
 */
class ReleasedSchemasCompatibilityTest {

    private static final Path SNAPSHOT = Path.of("src/release/avro");

    @Test
    void currentSchemasAreBackwardCompatibleWithTheReleasedSnapshot() {
        List<Schema> released = ReleasedSchemas.read(SNAPSHOT);

        List<SchemaEvolutionCheck.Violation> violations = SchemaEvolutionCheck.check(released, EventSchemas.all());

        assertThat(violations)
                .as(() -> String.join(System.lineSeparator(),
                        violations.stream().map(SchemaEvolutionCheck.Violation::message).toList()))
                .isEmpty();
    }

    @Test
    void everyEventSchemaHasBeenReleased() {
        List<String> released = ReleasedSchemas.read(SNAPSHOT).stream().map(Schema::getFullName).toList();

        assertThat(released).containsExactlyInAnyOrderElementsOf(
                EventSchemas.all().stream().map(Schema::getFullName).toList());
    }
}
