package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topology.CapabilityCounters;
import io.capmarket.topology.TestRecords;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loads counted from kept requests when a task starts: what the desk kept while it ran. */
class LoadTallyTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Offer PG_EU = new Offer("pg-eu", "db-team", "pg", 1, Map.of(), 5, 60_000, OfferStatus.ACTIVE);
    private static final Offer PG_US = new Offer("pg-us", "db-team", "pg", 1, Map.of(), 5, 60_000, OfferStatus.ACTIVE);

    @Test
    void assignedRequestsCountAgainstTheirOfferAndUnfinishedOnesAgainstTheirCapability() {
        LoadTally tally = new LoadTally();

        tally.add(Lifecycle.matched(submitted("r1", "pg"), PG_EU, T0));
        tally.add(Lifecycle.matched(submitted("r2", "pg"), PG_EU, T0));
        tally.add(Lifecycle.matched(submitted("r3", "pg"), PG_US, T0));
        tally.add(Lifecycle.waiting(submitted("r4", "pg"), "no offer with capacity", T0));
        tally.add(Lifecycle.fulfilled(Lifecycle.matched(submitted("r5", "pg"), PG_EU, T0), Map.of(), "done", T0));
        tally.add(Lifecycle.cancelled(Lifecycle.matched(submitted("r6", "pg"), PG_US, T0), "not needed", T0));
        tally.add(Lifecycle.waiting(submitted("r7", "bucket"), "no offer", T0));

        assertThat(tally.requests()).isEqualTo(7);
        assertThat(tally.inFlight("pg")).containsExactlyInAnyOrderEntriesOf(Map.of("pg-eu", 2, "pg-us", 1));
        assertThat(tally.inFlight("bucket")).isEmpty();
        assertThat(tally.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "pg", new CapabilityCounters(1, 4), "bucket", new CapabilityCounters(1, 1)));
    }

    @Test
    void nothingKeptCountsNothing() {
        LoadTally tally = new LoadTally();

        assertThat(tally.requests()).isZero();
        assertThat(tally.counts()).isEmpty();
        assertThat(tally.inFlight("pg")).isEmpty();
    }

    private static RequestStatus submitted(String requestId, String capability) {
        return Lifecycle.submitted(TestRecords.submit(requestId, capability, Priority.NORMAL, Map.of(), "app-team", T0), T0);
    }
}
