package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RefusalsTest {

    private static final Instant START = Instant.parse("2026-12-04T08:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final List<Refusals.Reason> counted = new ArrayList<>();

    @Test
    void eachKeyCountsItsRefusalsTheMostRefusedFirstAndTellsTheCounterOfEach() {
        Refusals refusals = new Refusals(clock, counted::add);
        refusals.refused("graph-db", 1, Refusals.Reason.UNKNOWN_CAPABILITY);
        now.set(START.plusSeconds(10));
        refusals.refused("graph-db", 2, Refusals.Reason.UNKNOWN_CAPABILITY);
        refusals.refused("postgres-database", 9, Refusals.Reason.UNKNOWN_VERSION);

        assertThat(refusals.counts()).as("an unknown capability is one key whatever the version asked").containsExactly(
                new Refusals.Count("graph-db", null, Refusals.Reason.UNKNOWN_CAPABILITY, 2, START.plusSeconds(10)),
                new Refusals.Count("postgres-database", 9, Refusals.Reason.UNKNOWN_VERSION, 1, START.plusSeconds(10)));
        assertThat(refusals.since()).isEqualTo(START);
        assertThat(counted).containsExactly(Refusals.Reason.UNKNOWN_CAPABILITY, Refusals.Reason.UNKNOWN_CAPABILITY,
                Refusals.Reason.UNKNOWN_VERSION);
    }

    @Test
    void pastItsBoundTheLeastRecentlyRefusedKeyIsDropped() {
        Refusals refusals = new Refusals(clock, counted::add, 3);
        for (String name : List.of("a", "b", "c")) {
            refusals.refused(name, 1, Refusals.Reason.UNKNOWN_CAPABILITY);
            now.set(now.get().plus(Duration.ofSeconds(1)));
        }
        refusals.refused("a", 1, Refusals.Reason.UNKNOWN_CAPABILITY);
        refusals.refused("d", 1, Refusals.Reason.UNKNOWN_CAPABILITY);

        assertThat(refusals.counts()).extracting(Refusals.Count::capability).as("b was refused least recently").containsExactly("a", "c", "d");
        assertThat(new Refusals(clock, counted::add).counts()).isEmpty();
        assertThat(Refusals.MAX_KEYS).isEqualTo(1_000);
    }

    @Test
    void aNameThatIsNotACatalogNameIsCountedUnderAPlaceholder() {
        Refusals refusals = new Refusals(clock, counted::add);
        refusals.refused("Robert'); DROP TABLE", 1, Refusals.Reason.UNKNOWN_CAPABILITY);
        refusals.refused("x".repeat(101), 1, Refusals.Reason.UNKNOWN_CAPABILITY);
        refusals.refused(null, 1, Refusals.Reason.UNKNOWN_CAPABILITY);

        assertThat(refusals.counts()).containsExactly(
                new Refusals.Count(Refusals.INVALID_NAME, null, Refusals.Reason.UNKNOWN_CAPABILITY, 3, START));
    }
}
