package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void anOfferWithdrawnKeepsItsOwnerAndNoCapability() {
        IndexEntry withdrawn = IndexEntry.withdrawn("db-team");

        assertThat(withdrawn.encode()).isEqualTo("/db-team");
        assertThat(IndexEntry.decode("/db-team")).isEqualTo(withdrawn);
        assertThat(withdrawn.isWithdrawn()).isTrue();
        assertThat(withdrawn.capability()).isNull();
        assertThat(new IndexEntry("postgres-database", "db-team").isWithdrawn()).isFalse();
        assertThatThrownBy(() -> new IndexEntry(null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an index entry names a capability, an owner or both, but named neither");
    }
}
