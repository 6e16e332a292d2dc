package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.Priority;
import io.capmarket.topology.core.Deadline;
import io.capmarket.topology.core.WaitTicket;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StoreKeysTest {

    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void waitlistKeysSortByPriorityThenAge() {
        String lowOld = StoreKeys.waiting(new WaitTicket("pg", Priority.LOW, T, "a"));
        String normalNew = StoreKeys.waiting(new WaitTicket("pg", Priority.NORMAL, T.plusSeconds(5), "b"));
        String normalOld = StoreKeys.waiting(new WaitTicket("pg", Priority.NORMAL, T, "c"));
        String critical = StoreKeys.waiting(new WaitTicket("pg", Priority.CRITICAL, T.plusSeconds(9), "d"));

        List<String> sorted = Stream.of(lowOld, normalNew, normalOld, critical).sorted().toList();

        assertThat(sorted).containsExactly(critical, normalOld, normalNew, lowOld);
        assertThat(sorted).allSatisfy(k -> assertThat(k).startsWith(StoreKeys.waitPrefix("pg")));
    }

    @Test
    void waitlistKeysRoundTrip() {
        for (Priority priority : Priority.values()) {
            WaitTicket ticket = new WaitTicket("pg", priority, T.plusMillis(7), "team.r/with/slashes");
            assertThat(StoreKeys.parseWaiting(StoreKeys.waiting(ticket))).isEqualTo(ticket);
        }
    }

    @Test
    void aCapabilitysOffersShareAPrefixOthersDoNot() {
        assertThat(StoreKeys.offer("pg", "o1")).startsWith(StoreKeys.offerPrefix("pg"));
        assertThat(StoreKeys.offer("pg-extra", "o1")).doesNotStartWith(StoreKeys.offerPrefix("pg"));
    }

    @Test
    void aScanAfterATicketStartsAtTheNextOneAndStaysInItsCapability() {
        WaitTicket first = new WaitTicket("pg", Priority.HIGH, T, "a");
        WaitTicket next = new WaitTicket("pg", Priority.HIGH, T, "b");
        WaitTicket last = new WaitTicket("pg", Priority.LOW, T.plusSeconds(99), "z");
        String from = StoreKeys.waitingAfter(first);
        String to = StoreKeys.waitEnd("pg");

        assertThat(StoreKeys.waiting(first)).isLessThan(from);
        assertThat(StoreKeys.waiting(next)).isGreaterThanOrEqualTo(from).isLessThanOrEqualTo(to);
        assertThat(StoreKeys.waiting(last)).isLessThanOrEqualTo(to);
        for (String other : List.of("pg-extra", "pg0", "pga", "p")) {
            String key = StoreKeys.waiting(new WaitTicket(other, Priority.CRITICAL, T, "a"));
            assertThat(key.compareTo(from) >= 0 && key.compareTo(to) <= 0).as(other).isFalse();
        }
    }

    @Test
    void aWaitlistEntryNamesItsTeamAndAnEntryOfAnEarlierVersionHasNone() {
        WaitTicket ticket = new WaitTicket("pg", Priority.HIGH, T, "r-1", "alpha");
        String key = StoreKeys.waiting(ticket);

        assertThat(StoreKeys.parseWaiting(key, StoreKeys.waitingTeam("alpha"))).isEqualTo(ticket);
        assertThat(StoreKeys.parseWaiting(key, "r-1").team()).as("the value an earlier version wrote: the requestId").isEmpty();
    }
}
