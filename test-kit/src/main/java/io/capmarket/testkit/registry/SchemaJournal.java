package io.capmarket.testkit.registry;

import java.util.List;

/** Where the registry keeps its changes. Single writer: one registry instance per journal. */
interface SchemaJournal extends AutoCloseable {

    /** A journal that keeps nothing: the registry lives in memory only. */
    SchemaJournal IN_MEMORY = new SchemaJournal() {
        @Override
        public List<JournalRecord> replay() {
            return List.of();
        }

        @Override
        public void append(JournalRecord record) {
            // Nothing to persist: RegistryState is the only copy.
        }

        @Override
        public void close() {
            // Holds no resources.
        }
    };

    /** Reads every change written so far, oldest first. Called once, before serving. */
    List<JournalRecord> replay();

    /** Stores a change durably; returns only once it is stored. */
    void append(JournalRecord record);

    @Override
    void close();
}
