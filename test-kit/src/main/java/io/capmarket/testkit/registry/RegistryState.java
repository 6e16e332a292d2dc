package io.capmarket.testkit.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's contents, folded from {@link JournalRecord}s. Not thread-safe: the service
 * guards it with its lock.
 */
final class RegistryState {

    private final Map<String, NavigableMap<Integer, JournalRecord.SchemaVersion>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.DEFAULT;
    private int maxId;

    void apply(JournalRecord record) {
        if (record instanceof JournalRecord.SchemaVersion version) {
            subjects.computeIfAbsent(version.subject(), key -> new TreeMap<>()).put(version.version(), version);
            schemasById.put(version.id(), version.schema());
            idsBySchema.putIfAbsent(version.schema(), version.id());
            maxId = Math.max(maxId, version.id());
        } else if (record instanceof JournalRecord.VersionRemoved removed) {
            NavigableMap<Integer, JournalRecord.SchemaVersion> versions = subjects.get(removed.subject());
            if (versions != null) {
                versions.remove(removed.version());
            }
        } else if (record instanceof JournalRecord.Config config) {
            if (config.subject() == null) {
                globalLevel = config.level() == null ? CompatibilityLevel.DEFAULT : config.level();
            } else if (config.level() == null) {
                subjectLevels.remove(config.subject());
            } else {
                subjectLevels.put(config.subject(), config.level());
            }
        }
    }

    List<String> liveSubjects(boolean includeDeleted) {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (includeDeleted ? !versions.isEmpty() : !live(name).isEmpty()) {
                names.add(name);
            }
        });
        return names;
    }

    /** The subject's versions that are not soft-deleted, by version number. */
    NavigableMap<Integer, JournalRecord.SchemaVersion> live(String subject) {
        NavigableMap<Integer, JournalRecord.SchemaVersion> result = new TreeMap<>();
        subjects.getOrDefault(subject, new TreeMap<>()).forEach((number, version) -> {
            if (!version.deleted()) {
                result.put(number, version);
            }
        });
        return result;
    }

    /** The highest version number ever used in the subject, deleted or not; 0 when none. */
    int highestVersion(String subject) {
        NavigableMap<Integer, JournalRecord.SchemaVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    Optional<Integer> idOf(String canonicalSchema) {
        return Optional.ofNullable(idsBySchema.get(canonicalSchema));
    }

    int nextId() {
        return maxId + 1;
    }

    List<JournalRecord.SchemaVersion> liveVersionsWithId(int id) {
        List<JournalRecord.SchemaVersion> result = new ArrayList<>();
        subjects.forEach((name, versions) -> versions.values().stream()
                .filter(version -> version.id() == id && !version.deleted())
                .forEach(result::add));
        return result;
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }
}
