package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private final OffsetTracker<String> tracker = new OffsetTracker<>();

    @Test
    void anOffsetIsCommittableOnlyWhenEveryEarlierRecordIsDone() {
        tracker.received("p0", 10);
        tracker.received("p0", 11);
        tracker.received("p0", 12);

        tracker.done("p0", 11);
        tracker.done("p0", 12);
        assertThat(tracker.toCommit()).isEmpty();
        assertThat(tracker.unfinished()).isEqualTo(1);

        tracker.done("p0", 10);
        assertThat(tracker.toCommit()).isEqualTo(Map.of("p0", 13L));
    }

    @Test
    void committedOffsetsAreNotOfferedAgainAndPartitionsAreIndependent() {
        tracker.received("p0", 0);
        tracker.received("p1", 5);
        tracker.done("p0", 0);
        tracker.markCommitted(tracker.toCommit());

        assertThat(tracker.toCommit()).isEmpty();
        tracker.done("p1", 5);
        assertThat(tracker.toCommit()).isEqualTo(Map.of("p1", 6L));
    }

    @Test
    void aPartitionHoldsOpenEveryRecordFromItsFirstNotDoneOn() {
        tracker.received("p0", 10);
        tracker.received("p0", 11);
        tracker.received("p0", 12);
        tracker.received("p1", 0);
        tracker.done("p0", 11);
        tracker.done("p0", 12);

        assertThat(tracker.open("p0")).isEqualTo(3);
        assertThat(tracker.doneBehind("p0")).isEqualTo(2);
        assertThat(tracker.open("p1")).isEqualTo(1);
        assertThat(tracker.doneBehind("p1")).isZero();

        tracker.done("p0", 10);
        assertThat(tracker.open("p0")).isZero();
        assertThat(tracker.doneBehind("p0")).isZero();
        assertThat(tracker.open("p9")).isZero();
    }

    @Test
    void aForgottenPartitionIgnoresLateCompletions() {
        tracker.received("p0", 0);
        tracker.forget(Set.of("p0"));
        tracker.done("p0", 0);

        assertThat(tracker.toCommit()).isEmpty();
        assertThat(tracker.unfinished()).isZero();
    }
}
