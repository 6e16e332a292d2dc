package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.topology.core.OfferRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class OfferIdsTest {

    private static final int BOUND = OfferRules.MAX_OFFER_IDS_PER_PRODUCER;

    @Test
    void aTaskStartingCountsEachProducersOfferIdsFromItsIndexWithdrawnOnesIncludedLegacyOnesNot() {
        List<KeyValue<String, String>> index = List.of(
                KeyValue.pair("pg-eu", new IndexEntry("postgres-database", "db-team").encode()),
                KeyValue.pair("pg-us", IndexEntry.withdrawn("db-team", 1_000).encode()),
                KeyValue.pair("redis-eu", new IndexEntry("redis-cache", "cache-team").encode()),
                KeyValue.pair("pg-old", new IndexEntry("postgres-database", null).encode()));

        OfferIds ids = OfferIds.of(index.iterator());

        assertThat(ids.held("db-team")).isEqualTo(2);
        assertThat(ids.withdrawn("db-team")).isEqualTo(1);
        assertThat(ids.held("cache-team")).isEqualTo(1);
        assertThat(ids.withdrawn("cache-team")).isZero();
        assertThat(ids.held("nobody")).isZero();
    }

    @Test
    void belowTheBoundANewOfferIdIsOneMoreAndReleasesNothing() {
        OfferIds ids = OfferIds.of(List.of(KeyValue.pair("pg-us", IndexEntry.withdrawn("db-team", 1_000).encode())).iterator());

        assertThat(ids.take("db-team")).isEmpty();
        assertThat(ids.held("db-team")).isEqualTo(2);
        assertThat(ids.withdrawn("db-team")).isEqualTo(1);
    }

    @Test
    void atTheBoundANewOfferIdTakesThePlaceOfTheLongestWithdrawnReadInTheOrderOfTheirWithdrawals() {
        List<KeyValue<String, String>> index = liveOffers(BOUND - 3);
        index.add(KeyValue.pair("a-recent", IndexEntry.withdrawn("db-team", 3_000).encode()));
        index.add(KeyValue.pair("b-older", IndexEntry.withdrawn("db-team", 2_000).encode()));
        index.add(KeyValue.pair("c-untimed", IndexEntry.withdrawn("db-team", 0).encode()));
        OfferIds ids = OfferIds.of(index.iterator());
        assertThat(ids.held("db-team")).isEqualTo(BOUND);

        assertThat(ids.take("db-team")).as("withdrawn before times were recorded: the longest").contains("c-untimed");
        assertThat(ids.take("db-team")).contains("b-older");
        ids.withdrew("db-team", "pg-0");
        assertThat(ids.take("db-team")).contains("a-recent");
        assertThat(ids.take("db-team")).as("withdrawn while the task runs: after those read at its start").contains("pg-0");
        assertThat(ids.held("db-team")).isEqualTo(BOUND);
        assertThat(ids.withdrawn("db-team")).isZero();
        assertThat(OfferRules.offerIdRefusal("pg-new", "db-team", ids.held("db-team"), ids.withdrawn("db-team"), "partition 0 of t"))
                .contains("offer pg-new is refused: producer db-team holds 10000 offerIds on partition 0 of t, at most 10000, none "
                        + "of them withdrawn: withdraw one it no longer offers (at the bound, a new offerId takes the place of the "
                        + "longest-withdrawn one)");
    }

    @Test
    void anOfferIdPublishedAgainIsNoLongerWithdrawnAndKeepsItsPlace() {
        List<KeyValue<String, String>> index = liveOffers(BOUND - 2);
        index.add(KeyValue.pair("pg-back", IndexEntry.withdrawn("db-team", 1_000).encode()));
        index.add(KeyValue.pair("pg-gone", IndexEntry.withdrawn("db-team", 2_000).encode()));
        OfferIds ids = OfferIds.of(index.iterator());

        ids.publishedAgain("db-team", "pg-back");

        assertThat(ids.withdrawn("db-team")).isEqualTo(1);
        assertThat(ids.take("db-team")).contains("pg-gone");
        assertThat(OfferRules.offerIdRefusal("pg-new", "db-team", ids.held("db-team"), ids.withdrawn("db-team"), "p")).isPresent();
        assertThat(OfferRules.offerIdRefusal("pg-new", "db-team", BOUND - 1, 0, "p")).isEqualTo(Optional.empty());
    }

    /** An index of {@code count} live offers of db-team, {@code pg-0} onwards. */
    private static List<KeyValue<String, String>> liveOffers(int count) {
        List<KeyValue<String, String>> index = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            index.add(KeyValue.pair("pg-" + i, new IndexEntry("postgres-database", "db-team").encode()));
        }
        return index;
    }
}
