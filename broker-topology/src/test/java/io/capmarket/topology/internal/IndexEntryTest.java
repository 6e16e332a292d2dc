package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndexEntryTest {

    @Test
    void anEntryKeepsItsCapabilityAndOwner() {
        IndexEntry entry = new IndexEntry("postgres-database", "db-team");

        assertThat(entry.encode()).isEqualTo("postgres-database/db-team");
        assertThat(IndexEntry.decode(entry.encode())).isEqualTo(entry);
    }

    @Test
    void anEntryFromBeforeOwnersWereRecordedHasNone() {
        assertThat(IndexEntry.decode("postgres-database")).isEqualTo(new IndexEntry("postgres-database", null));
        assertThat(new IndexEntry("postgres-database", null).encode()).isEqualTo("postgres-database");
        assertThat(IndexEntry.decode(null)).isNull();
    }
}
