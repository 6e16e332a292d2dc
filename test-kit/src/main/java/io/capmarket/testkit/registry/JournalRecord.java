package io.capmarket.testkit.registry;

import java.util.Objects;

/** One durable change of the registry; the storage replays these on start. */
sealed interface JournalRecord {

    /**
     * A version of a subject; {@code deleted} marks a soft delete.
     *
     * @param schema the canonical schema text ({@code Schema.toString()})
     */
    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) implements JournalRecord {
        public SchemaVersion {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
        }

        SchemaVersion softDeleted() {
            return new SchemaVersion(subject, version, id, schema, true);
        }
    }

    /**
     * A compatibility setting.
     *
     * @param subject the subject, or {@code null} for the global setting
     * @param level   the level, or {@code null} when the subject's setting was removed
     */
    record Config(String subject, CompatibilityLevel level) implements JournalRecord {
    }

    /** A version removed for good (a tombstone in Confluent's {@code _schemas} topic). */
    record VersionRemoved(String subject, int version) implements JournalRecord {
    }
}
