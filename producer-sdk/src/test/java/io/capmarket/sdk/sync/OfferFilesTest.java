package io.capmarket.sdk.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.OfferStatus;
import io.capmarket.sdk.Approval;
import io.capmarket.sdk.InvalidConfigurationException;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfferFilesTest {

    private static final String TWO_OFFERS = """
            offers:
              - offerId: pg16-eu-west
                capability: postgres-database
                version: 2
                description: PostgreSQL 16, daily backups
                parameterSchema:
                  type: object
                  properties:
                    size: {type: string, enum: [small, medium]}
                    replicas: {type: integer}
                  required: [size]
                updatableParameters: [size]
                outputSchema: '{"type": "object", "properties": {"host": {"type": "string"}}}'
                attributes: {region: eu-west, tier: gold}
                capacity: 50
                leadTime: 10m
                maxTtl: 30d
                approval:
                  when: {size: [medium]}
                  approvers: [role:admin, team:dba]
                  expiresAfter: 2d
              - offerId: pg14-eu-west
                capability: postgres-database
                capacity: 5
                leadTime: 1h
                status: deprecated
                sunset: 2026-06-30
            """;

    private static List<String> problems(String yaml) {
        try {
            OfferFiles.parse("offers/pg.yaml", yaml);
        } catch (InvalidOfferException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems");
    }

    @Test
    void readsAListOfOffersWithYamlAndJsonSchemas() {
        List<Offer> offers = OfferFiles.parse("offers/pg.yaml", TWO_OFFERS);

        assertThat(offers).extracting(Offer::offerId).containsExactly("pg16-eu-west", "pg14-eu-west");
        Offer pg16 = offers.get(0);
        assertThat(pg16.capabilityVersion()).isEqualTo(2);
        assertThat(pg16.parameterSchema()).isEqualTo("{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\","
                + "\"enum\":[\"small\",\"medium\"]},\"replicas\":{\"type\":\"integer\"}},\"required\":[\"size\"]}");
        assertThat(pg16.outputSchema()).isEqualTo("{\"type\":\"object\",\"properties\":{\"host\":{\"type\":\"string\"}}}");
        assertThat(pg16.attributes()).containsEntry("region", "eu-west").containsEntry("tier", "gold");
        assertThat(pg16.leadTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(offers.get(1).status()).isEqualTo(OfferStatus.DEPRECATED);
        assertThat(offers.get(1).sunsetAt()).isEqualTo(Instant.parse("2026-06-30T00:00:00Z"));
        assertThat(offers.get(1).parameterSchema()).isEqualTo(Offer.ANY_OBJECT_SCHEMA);
        assertThat(pg16.updatableParameters()).containsExactly("size");
        assertThat(offers.get(1).updatableParameters()).isEmpty();
        assertThat(pg16.maxTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(offers.get(1).maxTtl()).as("no bound when not given").isNull();
        assertThat(pg16.approval()).isEqualTo(Approval.when("size", "medium").approvers("role:admin", "team:dba")
                .expiresAfter(Duration.ofDays(2)));
        assertThat(offers.get(1).approval()).as("none asked when not given").isNull();
    }

    /** An offer at lines 1 to 7 whose parameter schema declares size (small, medium, large) and replicas, before its approval. */
    private static final String PG = """
            offerId: a
            capability: postgres-database
            capacity: 1
            leadTime: 1m
            parameterSchema:
              type: object
              properties: {size: {type: string, enum: [small, medium, large]}, replicas: {type: integer}}
            """;

    @Test
    void anApprovalNeedsOnlyApproversAndTakesValuesAsTheirText() {
        List<Offer> offers = OfferFiles.parse("offers/pg.yaml", PG + """
                approval:
                  approvers: [team:dba]
                ---
                """ + PG.replace("offerId: a", "offerId: b") + """
                approval: {when: {replicas: [2, 3]}, approvers: [role:admin], expiresAfter: PT36H}
                ---
                """ + PG.replace("offerId: a", "offerId: c") + """
                approval: ~
                """);

        assertThat(offers.get(0).approval()).as("every request").isEqualTo(Approval.always().approvers("team:dba"));
        assertThat(offers.get(1).approval()).isEqualTo(Approval.when("replicas", "2", "3").approvers("role:admin")
                .expiresAfter(Duration.ofHours(36)));
        assertThat(offers.get(2).approval()).as("null: none").isNull();
    }

    @Test
    void anApprovalOfTheWrongShapeIsNamedAtItsLine() {
        assertThat(problems(PG + "approval: role:admin\n")).containsExactly("offers/pg.yaml:8: offer a: approval must be a "
                + "mapping like {when: {size: [large]}, approvers: [role:admin]}, but was 'role:admin'");
        assertThat(problems(PG + "approval:\n")).as("left empty").containsExactly("offers/pg.yaml:8: offer a: approval must be "
                + "a mapping like {when: {size: [large]}, approvers: [role:admin]}, but was ''");
        assertThat(problems(PG + """
                approval:
                  approvers: [role:admin]
                  whne: {size: [large]}
                """)).containsExactly("offers/pg.yaml:10: offer a: unknown field 'approval.whne' (did you mean 'when'?); "
                + "the fields of approval are [when, approvers, expiresAfter]");
        assertThat(problems(PG + """
                approval:
                  when: [size]
                  approvers: [role:admin]
                """)).containsExactly("offers/pg.yaml:9: offer a: approval.when must be a mapping of parameters to the values "
                + "that call for an approval, like {size: [large]}, but was a list");
        assertThat(problems(PG + """
                approval:
                  when: {size: large}
                  approvers: [role:admin]
                """)).containsExactly("offers/pg.yaml:9: offer a: approval.when.size must be a list of values like [large], "
                + "but was 'large'");
        assertThat(problems(PG + """
                approval:
                  approvers: role:admin
                """)).containsExactly("offers/pg.yaml:9: offer a: approval.approvers must be a list of approvers like "
                + "[role:admin, team:dba], but was 'role:admin'");
        assertThat(problems(PG + """
                approval:
                  approvers:
                    - role:admin
                    - {team: dba}
                """)).containsExactly("offers/pg.yaml:11: offer a: approval.approvers must list approvers, but one was a mapping");
        assertThat(problems(PG + """
                approval:
                  approvers: [role:admin]
                  expiresAfter: two days
                """)).containsExactly("offers/pg.yaml:10: offer a: approval.expiresAfter must be a duration like 90m, 2d or "
                + "PT48H, but was 'two days'");
    }

    @Test
    void anApprovalBreakingARuleIsNamedAtTheLineOfItsField() {
        assertThat(problems(PG + """
                approval:
                  when: {size: [large]}
                """)).containsExactly("offers/pg.yaml:8: offer a: approval.approvers must name at least one approver "
                + "('role:admin', 'team:dba')");
        assertThat(problems(PG + """
                approval:
                  when: {size: [large]}
                  approvers: [role:admin, role:dba]
                """)).containsExactly("offers/pg.yaml:10: offer a: approval.approvers: 'role:dba' names no role; roles are "
                + "[consumer, producer, approver, admin]");
        assertThat(problems(PG + """
                approval:
                  when: {size: []}
                  approvers: [role:admin]
                """)).containsExactly("offers/pg.yaml:9: offer a: approval.when.size must list at least one value that calls "
                + "for an approval");
        assertThat(problems(PG + """
                approval:
                  approvers: [role:admin]
                  when: {sise: [large]}
                """)).containsExactly("offers/pg.yaml:10: offer a: approval.when must name top-level properties of "
                + "parameterSchema [size, replicas], but 'sise' is not one");
        assertThat(problems(PG + """
                approval:
                  when: {size: [xl]}
                  approvers: [role:admin]
                """)).containsExactly("offers/pg.yaml:9: offer a: approval.when.size must list values of its enum in "
                + "parameterSchema [small, medium, large], but 'xl' is not one");
        assertThat(problems(PG + """
                approval:
                  approvers: [role:admin]
                  expiresAfter: 0s
                """)).containsExactly("offers/pg.yaml:10: offer a: approval.expiresAfter must be greater than 0 and at most 3650d "
                + "when given, but was 0s");
    }

    @Test
    void maxTtlIsADurationGreaterThanZero() {
        assertThat(problems("""
                offerId: a
                capability: postgres-database
                capacity: 1
                leadTime: 1m
                maxTtl: a week
                """)).containsExactly("offers/pg.yaml:5: offer a: maxTtl must be a duration like 12h, 7d or P30D, but was 'a week'");
        assertThat(problems("""
                offerId: a
                capability: postgres-database
                capacity: 1
                leadTime: 1m
                maxTtl: 0s
                """)).containsExactly("offers/pg.yaml:5: offer a: maxTtl must be greater than 0 and at most 3650d when given, but "
                + "was 0s");
        assertThat(problems("""
                offerId: a
                capability: postgres-database
                capacity: 1
                leadTime: 1m
                maxTtl: 3651d
                """)).containsExactly("offers/pg.yaml:5: offer a: maxTtl must be greater than 0 and at most 3650d when given, but "
                + "was 3651d");
    }

    @Test
    void updatableParametersAreAListOfTopLevelParametersOfTheSchema() {
        assertThat(problems("""
                offerId: a
                capability: postgres-database
                capacity: 1
                leadTime: 1m
                parameterSchema:
                  type: object
                  properties: {size: {type: string}, replicas: {type: integer}}
                updatableParameters: [size, tier]
                """)).containsExactly("offers/pg.yaml:8: offer a: updatableParameters must name top-level properties of "
                + "parameterSchema [size, replicas], but 'tier' is not one");
        assertThat(problems("""
                offerId: a
                capability: postgres-database
                capacity: 1
                leadTime: 1m
                updatableParameters: size
                """)).containsExactly("offers/pg.yaml:5: updatableParameters must be a list of parameter names like [size], "
                + "but was 'size'");
        assertThat(problems("""
                offerId: a
                capability: postgres-database
                capacity: 1
                leadTime: 1m
                updatableParameters:
                  - size
                  - {name: tier}
                """)).containsExactly("offers/pg.yaml:7: updatableParameters must list parameter names, but one was a mapping");
    }

    @Test
    void readsOneOfferPerDocument() {
        List<Offer> offers = OfferFiles.parse("o.yaml", """
                offerId: a
                capability: kafka-topic
                capacity: 1
                leadTime: 30s
                ---
                offerId: b
                capability: kafka-topic
                capacity: 2
                leadTime: PT1M
                """);

        assertThat(offers).extracting(Offer::offerId).containsExactly("a", "b");
    }

    @Test
    void problemsNameFileLineFieldValueAndRule() {
        assertThat(problems("""
                offers:
                  - offerId: pg16-eu-west
                    capability: Postgres
                    capacity: -3
                    leadTime: 10 minutes
                    capcity: 4
                """)).containsExactly(
                "offers/pg.yaml:6: unknown field 'capcity' (did you mean 'capacity'?); the fields are [offerId, capability, version, "
                        + "description, parameterSchema, updatableParameters, outputSchema, attributes, capacity, leadTime, maxTtl, "
                        + "approval, status, sunset]",
                "offers/pg.yaml:5: offer pg16-eu-west: leadTime must be a duration like 500ms, 30s, 10m, 2h, 1d or PT10M, "
                        + "but was '10 minutes'",
                "offers/pg.yaml:3: offer pg16-eu-west: capability must be a kebab-case name like postgres-database, but was 'Postgres'",
                "offers/pg.yaml:4: offer pg16-eu-west: capacity must be greater than 0, but was -3");
    }

    @Test
    void missingFieldsPointAtTheOffer() {
        assertThat(problems("""
                offers:
                  - offerId: a
                    capability: kafka-topic
                """)).containsExactly(
                "offers/pg.yaml:2: offer a: capacity must be given (requests in flight at most), but was missing",
                "offers/pg.yaml:2: offer a: leadTime must be given (the promised p95 lead time, like 10m), but was missing");
    }

    @Test
    void schemaProblemsPointAtTheSchema() {
        assertThat(problems("""
                offerId: a
                capability: kafka-topic
                capacity: 1
                leadTime: 1m
                parameterSchema:
                  type: object
                  properties:
                    partitions: {type: int}
                """)).containsExactly("offers/pg.yaml:5: offer a: parameterSchema.properties.partitions.type must be one of "
                + "[array, boolean, integer, null, number, object, string], but was 'int'");
        assertThat(problems("""
                offerId: a
                capability: kafka-topic
                capacity: 1
                leadTime: 1m
                outputSchema: '{"type": "object"'
                """)).singleElement().asString().startsWith("offers/pg.yaml:5: offer a: outputSchema must be valid JSON, but");
    }

    @Test
    void yamlSyntaxErrorsHaveTheirLine() {
        assertThat(problems("""
                offers:
                  - offerId: a
                    capability: [unclosed
                    capacity: 1
                """)).singleElement().asString().startsWith("offers/pg.yaml:").contains("invalid YAML");
        assertThat(problems("""
                offerId: a
                offerId: b
                """)).singleElement().asString().startsWith("offers/pg.yaml:2: invalid YAML: Duplicate field 'offerId'");
    }

    @Test
    void wrongTypesAndStatusesAreNamed() {
        assertThat(problems("""
                offerId: a
                capability: kafka-topic
                capacity: many
                leadTime: 1m
                status: GONE
                attributes: [eu]
                """)).containsExactly(
                "offers/pg.yaml:6: attributes must be a mapping of names to values, but was a list",
                "offers/pg.yaml:3: capacity must be a whole number, but was 'many'",
                "offers/pg.yaml:5: offer a: status must be one of [ACTIVE, PAUSED, DEPRECATED, RETIRED], but was 'GONE'");
        assertThat(problems("""
                offerId: a
                capability: kafka-topic
                capacity: 1
                leadTime: 1m
                status: DEPRECATED
                """)).containsExactly("offers/pg.yaml:5: offer a: sunset must be given for a DEPRECATED offer (when it will be "
                + "retired), but was missing");
    }

    @Test
    void aDirectoryIsReadRecursivelyAndDuplicatesAcrossFilesAreRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "offerId: one\ncapability: kafka-topic\ncapacity: 1\nleadTime: 1m\n");
        Files.createDirectories(dir.resolve("eu"));
        Files.writeString(dir.resolve("eu/b.yml"), "offers:\n  - offerId: two\n    capability: kafka-topic\n    capacity: 1\n"
                + "    leadTime: 1m\n");
        Files.writeString(dir.resolve("README.md"), "not an offer");

        assertThat(OfferFiles.read(dir)).extracting(Offer::offerId).containsExactly("one", "two");

        Files.writeString(dir.resolve("eu/c.yaml"), "offerId: one\ncapability: kafka-topic\ncapacity: 1\nleadTime: 1m\n");
        assertThatThrownBy(() -> OfferFiles.read(dir)).isInstanceOf(InvalidOfferException.class)
                .hasMessage(dir.resolve("eu/c.yaml") + ":1: offerId one is already declared at " + dir.resolve("a.yaml")
                        + ":1; offerIds must be unique");
    }

    @Test
    void anEmptyDirectoryIsRefusedRatherThanWithdrawingEverything(@TempDir Path dir) {
        assertThatThrownBy(() -> OfferFiles.read(dir)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("has none; to withdraw every offer, keep a file with 'offers: []'");
        assertThat(OfferFiles.parse("empty.yaml", "offers: []")).isEmpty();
    }

    @Test
    void severalFilesTextsAreReadTogetherAndDuplicatesAcrossThemAreRefused() {
        String one = "offerId: one\ncapability: kafka-topic\ncapacity: 1\nleadTime: 1m\n";
        String two = "offerId: two\ncapability: kafka-topic\ncapacity: 1\nleadTime: 1m\n";
        Map<String, String> files = new LinkedHashMap<>();
        files.put("jar:offers/a.yaml", one);
        files.put("jar:offers/b.yaml", two);

        assertThat(OfferFiles.parse(files)).extracting(Offer::offerId).containsExactly("one", "two");

        files.put("jar:offers/c.yaml", one);
        assertThatThrownBy(() -> OfferFiles.parse(files)).isInstanceOf(InvalidOfferException.class)
                .hasMessage("jar:offers/c.yaml:1: offerId one is already declared at jar:offers/a.yaml:1; offerIds must be unique");
    }
}
