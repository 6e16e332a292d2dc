package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class OfferIntakeTest {

    @Test
    void aTaskStartingCountsEachProducersOfferIdsFromItsIndexWithdrawnOnesIncludedLegacyOnesNot() {
        List<KeyValue<String, String>> index = List.of(
                KeyValue.pair("pg-eu", new IndexEntry("postgres-database", "db-team").encode()),
                KeyValue.pair("pg-us", IndexEntry.withdrawn("db-team").encode()),
                KeyValue.pair("redis-eu", new IndexEntry("redis-cache", "cache-team").encode()),
                KeyValue.pair("pg-old", new IndexEntry("postgres-database", null).encode()));

        assertThat(OfferIntake.countByOwner(index.iterator())).isEqualTo(Map.of("db-team", 2, "cache-team", 1));
    }
}
