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
    void anOfferWithdrawnKeepsItsOwnerAndWhenItWasWithdrawnAndNoCapability() {
        IndexEntry withdrawn = IndexEntry.withdrawn("db-team", 1_700_000_000_123L);

        assertThat(withdrawn.encode()).isEqualTo("/db-team/1700000000123");
        assertThat(IndexEntry.decode("/db-team/1700000000123")).isEqualTo(withdrawn);
        assertThat(withdrawn.isWithdrawn()).isTrue();
        assertThat(withdrawn.capability()).isNull();
        assertThat(withdrawn.withdrawnAt()).isEqualTo(1_700_000_000_123L);
        assertThat(new IndexEntry("postgres-database", "db-team").isWithdrawn()).isFalse();
        assertThatThrownBy(() -> new IndexEntry(null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an index entry names a capability, an owner or both, but named neither");
        assertThatThrownBy(() -> new IndexEntry("postgres-database", "db-team", 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("only the entry of a withdrawn offer has a withdrawal time, but postgres-database has 5");
    }

    @Test
    void anOfferWithdrawnBeforeWithdrawalTimesWereRecordedHasNone() {
        assertThat(IndexEntry.decode("/db-team")).isEqualTo(IndexEntry.withdrawn("db-team", 0));
        assertThat(IndexEntry.withdrawn("db-team", 0).encode()).isEqualTo("/db-team");
    }
}
