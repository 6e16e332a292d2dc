package io.capmarket.schemas.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.RequestCommand;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaEvolutionCheckTest {

    private static final Schema RELEASED_OFFER = CapabilityOffer.getClassSchema();

    @Test
    void aFieldAddedWithADefaultIsCompatible() {
        Schema next = withExtraField(RELEASED_OFFER, "{\"name\":\"costPerMonth\",\"type\":[\"null\",\"double\"],\"default\":null}");

        assertThat(SchemaEvolutionCheck.check(List.of(RELEASED_OFFER), List.of(next))).isEmpty();
    }

    @Test
    void aFieldAddedWithoutADefaultFailsNamingTheSchemaAndTheField() {
        Schema next = withExtraField(RELEASED_OFFER, "{\"name\":\"costPerMonth\",\"type\":\"double\"}");

        List<SchemaEvolutionCheck.Violation> violations = SchemaEvolutionCheck.check(List.of(RELEASED_OFFER), List.of(next));

        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.schema()).isEqualTo("io.capmarket.schemas.CapabilityOffer");
            assertThat(v.field()).isEqualTo("costPerMonth");
            assertThat(v.rule()).isEqualTo("READER_FIELD_MISSING_DEFAULT_VALUE");
            assertThat(v.message()).contains("io.capmarket.schemas.CapabilityOffer", "'costPerMonth'", "BACKWARD");
        });
    }

    @Test
    void aChangedFieldTypeFailsNamingTheField() {
        Schema next = new Schema.Parser().parse(RELEASED_OFFER.toString()
                .replace("{\"name\":\"capacity\",\"type\":\"int\"", "{\"name\":\"capacity\",\"type\":\"string\""));

        List<SchemaEvolutionCheck.Violation> violations = SchemaEvolutionCheck.check(List.of(RELEASED_OFFER), List.of(next));

        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("capacity");
            assertThat(v.rule()).isEqualTo("TYPE_MISMATCH");
        });
    }

    @Test
    void aNestedFieldIsNamedByItsPath() {
        Schema released = RequestCommand.getClassSchema();
        Schema next = new Schema.Parser().parse(released.toString()
                .replace("{\"name\":\"consumerTeam\"",
                        "{\"name\":\"costCentre\",\"type\":\"string\"},{\"name\":\"consumerTeam\""));

        List<SchemaEvolutionCheck.Violation> violations = SchemaEvolutionCheck.check(List.of(released), List.of(next));

        assertThat(violations).singleElement()
                .extracting(SchemaEvolutionCheck.Violation::field)
                .isEqualTo("command.costCentre");
    }

    @Test
    void aRemovedSchemaFails() {
        List<SchemaEvolutionCheck.Violation> violations = SchemaEvolutionCheck.check(List.of(RELEASED_OFFER), List.of());

        assertThat(violations).singleElement()
                .extracting(SchemaEvolutionCheck.Violation::rule)
                .isEqualTo("REMOVED_SCHEMA");
    }

    @Test
    void aSnapshotRoundTripsThroughItsDirectory(@TempDir Path dir) {
        ReleasedSchemas.write(dir, List.of(RELEASED_OFFER, RequestCommand.getClassSchema()));

        assertThat(ReleasedSchemas.read(dir)).containsExactlyInAnyOrder(RELEASED_OFFER, RequestCommand.getClassSchema());
    }

    private static Schema withExtraField(Schema schema, String fieldJson) {
        String json = schema.toString();
        int end = json.lastIndexOf("]");
        return new Schema.Parser().parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
    }
}
