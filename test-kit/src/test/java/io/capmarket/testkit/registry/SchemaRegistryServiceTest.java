package io.capmarket.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SchemaRegistryServiceTest {

    private static final String V1 = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"string\"}]}";
    private static final String V1_SPACED = "{ \"type\" : \"record\", \"name\" : \"A\",\n \"fields\" : [ {\"name\":\"x\",\"type\":\"string\"} ] }";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"string\"},"
            + "{\"name\":\"y\",\"type\":\"int\",\"default\":1}]}";

    private final RecordingJournal journal = new RecordingJournal();
    private final SchemaRegistryService service = new SchemaRegistryService(journal);

    @Test
    void idsAreGlobalAndByContentAndReRegisteringAddsNoVersion() {
        JournalRecord.SchemaVersion first = service.register("a-value", V1);
        JournalRecord.SchemaVersion sameElsewhere = service.register("b-value", V1_SPACED);
        JournalRecord.SchemaVersion again = service.register("a-value", V1_SPACED);
        JournalRecord.SchemaVersion second = service.register("a-value", V2);

        assertThat(first.id()).isEqualTo(1);
        assertThat(sameElsewhere.id()).isEqualTo(1);
        assertThat(again).isEqualTo(first);
        assertThat(second.id()).isEqualTo(2);
        assertThat(second.version()).isEqualTo(2);
        assertThat(service.versions("a-value")).containsExactly(1, 2);
        assertThat(journal.records).hasSize(3);
    }

    @Test
    void softDeletedVersionsDisappearButKeepTheirIdsAndNumbers() {
        service.register("s", V1);
        service.register("s", V2);

        assertThat(service.deleteSubject("s")).containsExactly(1, 2);
        assertThat(service.subjects(false)).isEmpty();
        assertThat(service.subjects(true)).containsExactly("s");
        assertThatThrownBy(() -> service.versions("s")).hasMessageContaining("Subject 's' not found");

        JournalRecord.SchemaVersion back = service.register("s", V1);
        assertThat(back.id()).isEqualTo(1);
        assertThat(back.version()).isEqualTo(3);
    }

    @Test
    void aNewServiceOverTheSameJournalAnswersTheSame() {
        service.register("s", V1);
        service.setSubjectLevel("s", CompatibilityLevel.FULL);
        service.setGlobalLevel(CompatibilityLevel.NONE);

        SchemaRegistryService replayed = new SchemaRegistryService(journal);

        assertThat(replayed.version("s", SchemaRegistryService.LATEST).id()).isEqualTo(1);
        assertThat(replayed.subjectLevel("s")).contains(CompatibilityLevel.FULL);
        assertThat(replayed.globalLevel()).isEqualTo(CompatibilityLevel.NONE);
        assertThat(replayed.register("t", V2).id()).isEqualTo(2);
    }

    @Test
    void aFailedWriteChangesNothing() {
        journal.failing = true;

        assertThatThrownBy(() -> service.register("s", V1))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(50001));
        assertThat(service.subjects(true)).isEmpty();
    }

    @Test
    void unparseableSchemasAreRejectedWith42201() {
        assertThatThrownBy(() -> service.register("s", "{\"type\":\"recordz\"}"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
    }

    @Test
    void confluentRecordShapesRoundTrip() {
        JournalRecord.SchemaVersion version = new JournalRecord.SchemaVersion("s", 2, 7, V1, true);
        JournalRecord.Config global = new JournalRecord.Config(null, CompatibilityLevel.FULL);
        JournalRecord.Config removed = new JournalRecord.Config("s", null);

        assertThat(new String(ConfluentRecordCodec.key(version), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":2,\"magic\":1}");
        assertThat(new String(ConfluentRecordCodec.key(global), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
        for (JournalRecord record : List.of(version, global, removed)) {
            assertThat(ConfluentRecordCodec.decode(ConfluentRecordCodec.key(record), ConfluentRecordCodec.value(record)))
                    .contains(record);
        }
        assertThat(ConfluentRecordCodec.decode("{\"keytype\":\"NOOP\",\"magic\":0}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null))
                .isEmpty();
    }

    @Test
    void aWriteThatFailedButLandedIsReadBackBeforeTheNextIdIsHandedOut() {
        journal.failing = true;
        journal.landsAnyway = true;
        assertThatThrownBy(() -> service.register("a-value", V1)).isInstanceOf(RegistryException.class);
        journal.failing = false;

        JournalRecord.SchemaVersion next = service.register("b-value", V2);

        assertThat(next.id()).as("id 1 went to the schema that landed").isEqualTo(2);
        assertThat(service.register("a-value", V1).id()).as("the landed one is known").isEqualTo(1);
        assertThat(journal.records).hasSize(2);
    }

    private static final class RecordingJournal implements SchemaJournal {
        private final List<JournalRecord> records = new ArrayList<>();
        private boolean failing;
        /** A failing write that the journal kept all the same, as one given up on that still landed. */
        private boolean landsAnyway;

        @Override
        public List<JournalRecord> replay() {
            return List.copyOf(records);
        }

        @Override
        public void append(JournalRecord record) {
            if (failing) {
                if (landsAnyway) {
                    records.add(record);
                }
                throw RegistryException.storeError("broker unavailable", new IllegalStateException("test"));
            }
            records.add(record);
        }

        @Override
        public void close() {
            records.clear();
        }
    }
}
