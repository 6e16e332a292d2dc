package io.capmarket.testkit.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The registry's operations, independent of HTTP. Every operation holds one lock, so ids and
 * versions are handed out strictly in order and a change is visible only once the journal
 * has stored it.
 */
final class SchemaRegistryService {

    /** The version argument meaning "the newest live version". */
    static final int LATEST = -1;

    private final SchemaJournal journal;
    private RegistryState state;
    /**
     * Whether a write failed: the journal may hold it all the same (a write given up on may still
     * land), so the next write reads the journal again first and never hands out its id or version twice.
     */
    private boolean unsure;

    SchemaRegistryService(SchemaJournal journal) {
        this.journal = journal;
        this.state = replayed(journal);
    }

    private static RegistryState replayed(SchemaJournal journal) {
        RegistryState replayed = new RegistryState();
        journal.replay().forEach(replayed::apply);
        return replayed;
    }

    synchronized List<String> subjects(boolean includeDeleted) {
        return state.liveSubjects(includeDeleted);
    }

    synchronized List<Integer> versions(String subject) {
        return List.copyOf(liveVersions(subject).keySet());
    }

    /** Registers a schema under a subject, or returns the version that already holds it. */
    synchronized JournalRecord.SchemaVersion register(String subject, String schemaText) {
        settle();
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        NavigableMap<Integer, JournalRecord.SchemaVersion> live = state.live(subject);
        for (JournalRecord.SchemaVersion version : live.values()) {
            if (version.schema().equals(canonical)) {
                return version;
            }
        }
        List<String> problems = CompatibilityChecker.incompatibilities(schema, parsed(live), effectiveLevel(subject));
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(subject, problems);
        }
        int id = state.idOf(canonical).orElseGet(state::nextId);
        JournalRecord.SchemaVersion version =
                new JournalRecord.SchemaVersion(subject, state.highestVersion(subject) + 1, id, canonical, false);
        write(version);
        return version;
    }

    /** Finds the live version of a subject holding this schema. */
    synchronized JournalRecord.SchemaVersion lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        return liveVersions(subject).values().stream()
                .filter(version -> version.schema().equals(canonical))
                .findFirst()
                .orElseThrow(() -> RegistryException.schemaNotFound("not registered under subject '" + subject + "'"));
    }

    synchronized JournalRecord.SchemaVersion version(String subject, int version) {
        NavigableMap<Integer, JournalRecord.SchemaVersion> live = liveVersions(subject);
        JournalRecord.SchemaVersion found = version == LATEST ? live.lastEntry().getValue() : live.get(version);
        if (found == null) {
            throw RegistryException.versionNotFound(subject, version);
        }
        return found;
    }

    synchronized String schemaById(int id) {
        return state.schemaById(id).orElseThrow(() -> RegistryException.schemaNotFound("no schema with id " + id));
    }

    synchronized List<JournalRecord.SchemaVersion> versionsWithId(int id) {
        schemaById(id);
        return state.liveVersionsWithId(id);
    }

    /** Soft-deletes every live version of the subject and returns their numbers. */
    synchronized List<Integer> deleteSubject(String subject) {
        settle();
        List<Integer> deleted = new ArrayList<>();
        for (JournalRecord.SchemaVersion version : liveVersions(subject).values()) {
            write(version.softDeleted());
            deleted.add(version.version());
        }
        return deleted;
    }

    /** Soft-deletes one version and returns its number. */
    synchronized int deleteVersion(String subject, int version) {
        settle();
        JournalRecord.SchemaVersion found = version(subject, version);
        write(found.softDeleted());
        return found.version();
    }

    /**
     * Tests a schema against the subject without registering it.
     *
     * @param version a version number, {@link #LATEST} for the rule of the subject's level, or
     *                {@code null} for every live version
     * @return the incompatibilities; empty when compatible
     */
    synchronized List<String> testCompatibility(String subject, Integer version, String schemaText) {
        Schema schema = parse(schemaText);
        NavigableMap<Integer, JournalRecord.SchemaVersion> live = liveVersions(subject);
        CompatibilityLevel level = effectiveLevel(subject);
        if (version == null) {
            return CompatibilityChecker.incompatibilities(schema, parsed(live), transitive(level));
        }
        if (version == LATEST) {
            return CompatibilityChecker.incompatibilities(schema, parsed(live), level);
        }
        JournalRecord.SchemaVersion against = version(subject, version);
        NavigableMap<Integer, Schema> single = new TreeMap<>();
        single.put(against.version(), parse(against.schema()));
        return CompatibilityChecker.incompatibilities(schema, single, level);
    }

    synchronized CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    synchronized void setGlobalLevel(CompatibilityLevel level) {
        write(new JournalRecord.Config(null, level));
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return state.subjectLevel(subject);
    }

    synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
        write(new JournalRecord.Config(subject, level));
    }

    /** Removes the subject's own level and returns it. */
    synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        settle();
        CompatibilityLevel previous = state.subjectLevel(subject)
                .orElseThrow(() -> RegistryException.subjectConfigNotFound(subject));
        write(new JournalRecord.Config(subject, null));
        return previous;
    }

    private CompatibilityLevel effectiveLevel(String subject) {
        return state.subjectLevel(subject).orElse(state.globalLevel());
    }

    private NavigableMap<Integer, JournalRecord.SchemaVersion> liveVersions(String subject) {
        NavigableMap<Integer, JournalRecord.SchemaVersion> live = state.live(subject);
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return live;
    }

    private void write(JournalRecord record) {
        try {
            journal.append(record);
        } catch (RuntimeException e) {
            unsure = true;
            throw e;
        }
        state.apply(record);
    }

    /** Reads the journal again after a failed write, before anything is decided from the state. */
    private void settle() {
        if (unsure) {
            state = replayed(journal);
            unsure = false;
        }
    }

    private static CompatibilityLevel transitive(CompatibilityLevel level) {
        return switch (level) {
            case BACKWARD -> CompatibilityLevel.BACKWARD_TRANSITIVE;
            case FORWARD -> CompatibilityLevel.FORWARD_TRANSITIVE;
            case FULL -> CompatibilityLevel.FULL_TRANSITIVE;
            default -> level;
        };
    }

    private static NavigableMap<Integer, Schema> parsed(NavigableMap<Integer, JournalRecord.SchemaVersion> versions) {
        NavigableMap<Integer, Schema> schemas = new TreeMap<>();
        versions.forEach((number, version) -> schemas.put(number, parse(version.schema())));
        return schemas;
    }

    /**
     * Parses Avro schema text.
     *
     * @throws RegistryException 42201 when the text is not a valid Avro schema
     */
    static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("the schema is empty");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (AvroRuntimeException e) {
            throw RegistryException.invalidSchema(e.getMessage());
        }
    }
}
