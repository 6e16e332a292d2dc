package io.capmarket.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.NavigableMap;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompatibilityCheckerTest {

    private static final Schema NAME = record("{\"name\":\"name\",\"type\":\"string\"}");
    private static final Schema NAME_AGE_WITH_DEFAULT =
            record("{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\",\"default\":0}");
    private static final Schema NAME_EMAIL_NO_DEFAULT =
            record("{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"email\",\"type\":\"string\"}");
    private static final Schema NAME_AS_INT = record("{\"name\":\"name\",\"type\":\"int\"}");

    @ParameterizedTest
    @EnumSource(CompatibilityLevel.class)
    void addingAFieldWithADefaultPassesEveryLevel(CompatibilityLevel level) {
        assertThat(CompatibilityChecker.incompatibilities(NAME_AGE_WITH_DEFAULT, versions(NAME), level)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = CompatibilityLevel.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void changingAFieldTypeFailsEveryLevelButNone(CompatibilityLevel level) {
        assertThat(CompatibilityChecker.incompatibilities(NAME_AS_INT, versions(NAME), level))
                .isNotEmpty()
                .allSatisfy(message -> assertThat(message).contains("TYPE_MISMATCH").contains("/fields/0/type"));
    }

    @Test
    void noneAcceptsAnything() {
        assertThat(CompatibilityChecker.incompatibilities(NAME_AS_INT, versions(NAME), CompatibilityLevel.NONE)).isEmpty();
    }

    @Test
    void backwardRejectsANewFieldWithoutDefaultButForwardAcceptsIt() {
        assertThat(CompatibilityChecker.incompatibilities(NAME_EMAIL_NO_DEFAULT, versions(NAME), CompatibilityLevel.BACKWARD))
                .singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("/fields/1")
                .contains("the new schema cannot read data written with version 1");
        assertThat(CompatibilityChecker.incompatibilities(NAME_EMAIL_NO_DEFAULT, versions(NAME), CompatibilityLevel.FORWARD))
                .isEmpty();
        assertThat(CompatibilityChecker.incompatibilities(NAME_EMAIL_NO_DEFAULT, versions(NAME), CompatibilityLevel.FULL))
                .hasSize(1);
    }

    @Test
    void forwardRejectsRemovingAFieldWithoutDefaultButBackwardAcceptsIt() {
        assertThat(CompatibilityChecker.incompatibilities(NAME, versions(NAME_EMAIL_NO_DEFAULT), CompatibilityLevel.FORWARD))
                .singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("version 1 cannot read data written with the new schema");
        assertThat(CompatibilityChecker.incompatibilities(NAME, versions(NAME_EMAIL_NO_DEFAULT), CompatibilityLevel.BACKWARD))
                .isEmpty();
        assertThat(CompatibilityChecker.incompatibilities(NAME, versions(NAME_EMAIL_NO_DEFAULT), CompatibilityLevel.FULL))
                .hasSize(1);
    }

    @Test
    void backwardTransitiveChecksEveryVersionWhileBackwardChecksTheLatestOnly() {
        Schema aString = record("{\"name\":\"a\",\"type\":\"string\"}");
        Schema empty = record("");
        Schema aIntWithDefault = record("{\"name\":\"a\",\"type\":\"int\",\"default\":0}");
        NavigableMap<Integer, Schema> history = versions(aString, empty);

        assertThat(CompatibilityChecker.incompatibilities(aIntWithDefault, history, CompatibilityLevel.BACKWARD)).isEmpty();
        assertThat(CompatibilityChecker.incompatibilities(aIntWithDefault, history, CompatibilityLevel.BACKWARD_TRANSITIVE))
                .singleElement().asString().contains("TYPE_MISMATCH").contains("version 1");
    }

    @Test
    void forwardAndFullTransitiveCheckEveryVersionWhileTheirPlainLevelsCheckTheLatestOnly() {
        Schema aInt = record("{\"name\":\"a\",\"type\":\"int\"}");
        Schema aIntWithDefault = record("{\"name\":\"a\",\"type\":\"int\",\"default\":0}");
        Schema empty = record("");
        NavigableMap<Integer, Schema> history = versions(aInt, aIntWithDefault);

        assertThat(CompatibilityChecker.incompatibilities(empty, history, CompatibilityLevel.FORWARD)).isEmpty();
        assertThat(CompatibilityChecker.incompatibilities(empty, history, CompatibilityLevel.FULL)).isEmpty();
        assertThat(CompatibilityChecker.incompatibilities(empty, history, CompatibilityLevel.FORWARD_TRANSITIVE))
                .singleElement().asString().contains("version 1 cannot read");
        assertThat(CompatibilityChecker.incompatibilities(empty, history, CompatibilityLevel.FULL_TRANSITIVE))
                .singleElement().asString().contains("version 1 cannot read");
    }

    @ParameterizedTest
    @EnumSource(CompatibilityLevel.class)
    void theFirstVersionIsAlwaysCompatible(CompatibilityLevel level) {
        assertThat(CompatibilityChecker.incompatibilities(NAME_AS_INT, new TreeMap<>(), level)).isEmpty();
    }

    @Test
    void levelsParseIgnoringCaseAndRejectUnknownOnesWith42203() {
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(42203);
                    assertThat(e.httpStatus()).isEqualTo(422);
                })
                .hasMessageContaining("'SIDEWAYS'");
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":[" + fields + "]}");
    }

    private static NavigableMap<Integer, Schema> versions(Schema... schemas) {
        NavigableMap<Integer, Schema> versions = new TreeMap<>();
        for (int i = 0; i < schemas.length; i++) {
            versions.put(i + 1, schemas[i]);
        }
        return versions;
    }
}
