package io.capmarket.topology.core;

import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Finished requests leave the books, and their statuses with them, once kept past {@code day2.retain-finished}. */
class FinishedRequestsDeskTest {

    private static final Duration RETAIN = Duration.ofHours(1);

    private final DeskFixture t = new DeskFixture(settings(RETAIN));

    private static TopologySettings settings(Duration retain) {
        return new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3, Duration.ofSeconds(1),
                Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1), PriorityGrants.NONE,
                new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofMinutes(2), Duration.ofDays(1),
                        Duration.ofDays(3), retain));
    }

    @BeforeEach
    void anOffer() {
        t.approve("db-team", PG);
        t.heartbeat("db-team");
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", 1_000_000, Map.of())).build());
    }

    @Test
    void aCancelledRequestIsKeptForItsRetentionThenDeletedWithItsStatus() {
        t.submit("r1");
        t.cancel("r1");
        assertThat(t.status("r1").getState()).isEqualTo(RequestState.CANCELLED);

        t.now = t.now.plus(RETAIN).minusMillis(1);
        assertThat(t.sweepFinished()).isZero();
        assertThat(t.books.request("r1")).as("kept until its retention has passed").isNotNull();

        t.now = t.now.plusMillis(1);
        assertThat(t.sweepFinished()).isEqualTo(1);
        assertThat(t.books.request("r1")).isNull();
        assertThat(t.deleted).containsExactly("r1");
        assertThat(t.events).contains("purged:" + PG);
        assertThat(t.sweepFinished()).as("deleted once").isZero();
    }

    @Test
    void liveAndUnfinishedRequestsAreNeverDeletedHoweverOld() {
        t.submit("live");
        t.report("live", FulfilmentKind.ACCEPTED);
        t.report("live", FulfilmentKind.FULFILLED);
        t.submit("matched");
        t.submit("accepted");
        t.report("accepted", FulfilmentKind.ACCEPTED);

        t.now = t.now.plus(Duration.ofDays(365));
        t.sweepFinished();

        assertThat(t.deleted).isEmpty();
        assertThat(List.of("live", "matched", "accepted")).allSatisfy(id -> assertThat(t.books.request(id)).isNotNull());
    }

    @Test
    void aDeprovisionedResourceIsKeptForItsRetentionFromItsDeprovisionNotItsSubmission() {
        t.submit("r1");
        t.report("r1", FulfilmentKind.ACCEPTED);
        t.report("r1", FulfilmentKind.FULFILLED);
        t.now = t.now.plus(Duration.ofDays(40));
        t.cancel("r1");
        t.reportOn("r1", FulfilmentKind.FULFILLED, false);
        assertThat(t.status("r1").getState()).isEqualTo(RequestState.DEPROVISIONED);

        t.now = t.now.plus(RETAIN.dividedBy(2));
        assertThat(t.sweepFinished()).isZero();
        t.now = t.now.plus(RETAIN.dividedBy(2));
        assertThat(t.sweepFinished()).isEqualTo(1);
        assertThat(t.deleted).containsExactly("r1");
    }

    @Test
    void aSweepGoesOnWhileItsBatchesDeleteSomeUpToItsMostThenTheNextGoesOnFromThere() {
        int most = FinishedRequests.SWEEP_BATCH * FinishedRequests.MAX_BATCHES;
        List<String> ids = cancelled("r", most + FinishedRequests.SWEEP_BATCH * 5 / 2);
        t.submit("still-live"); // sorts after every r-id, so the last batch holds it
        t.now = t.now.plus(RETAIN);

        List<Integer> perSweep = List.of(t.sweepFinished(), t.sweepFinished(), t.sweepFinished());

        assertThat(perSweep).containsExactly(most, FinishedRequests.SWEEP_BATCH * 5 / 2, 0);
        assertThat(t.deleted).as("in id order, each once").containsExactlyElementsOf(ids);
        assertThat(t.books.request("still-live")).isNotNull();
    }

    @Test
    void aBatchThatDeletesNothingEndsTheSweepAndTheNextSweepGoesOnAfterIt() {
        IntStream.range(0, FinishedRequests.SWEEP_BATCH).forEach(i -> t.submit(String.format("a%04d", i)));
        List<String> finished = cancelled("b", 500);
        t.now = t.now.plus(RETAIN);

        assertThat(t.sweepFinished()).as("a batch of unfinished requests").isZero();
        assertThat(t.sweepFinished()).isEqualTo(500);
        assertThat(t.deleted).containsExactlyElementsOf(finished);
    }

    @Test
    void aSweepAfterABatchThatEndedTheStoreExactlyStartsAgainFromTheFirst() {
        List<String> ids = IntStream.range(0, FinishedRequests.SWEEP_BATCH).mapToObj(i -> String.format("a%04d", i)).toList();
        ids.forEach(t::submit);
        assertThat(t.sweepFinished()).as("a full batch, none finished").isZero();

        t.cancel(ids.get(0));
        t.now = t.now.plus(RETAIN);

        assertThat(t.sweepFinished()).isEqualTo(1);
        assertThat(t.deleted).containsExactly(ids.get(0));
    }

    @Test
    void aZeroRetentionKeepsFinishedRequestsForGood() {
        DeskFixture forGood = new DeskFixture(settings(Duration.ZERO));
        forGood.submit("r1");
        forGood.cancel("r1");
        forGood.now = forGood.now.plus(Duration.ofDays(3650));

        assertThat(forGood.sweepFinished()).isZero();
        assertThat(forGood.books.request("r1")).isNotNull();
        assertThat(forGood.deleted).isEmpty();
    }

    /** Submits and cancels {@code count} requests named {@code prefix} and a number; their ids, in order. */
    private List<String> cancelled(String prefix, int count) {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> String.format("%s%05d", prefix, i)).toList();
        ids.forEach(id -> {
            t.submit(id);
            t.cancel(id);
        });
        return ids;
    }

    @Test
    void aDeletedRequestsIdIsUnknownAgain() {
        t.submit("r1");
        t.cancel("r1");
        t.now = t.now.plus(RETAIN);
        t.sweepFinished();

        t.report("r1", "pg-eu", "db-team", 1, FulfilmentKind.ACCEPTED, false);
        assertThat(t.refusals).singleElement().asString().startsWith("report:r1:").contains("unknown request");

        t.heartbeat("db-team");
        t.submit("r1");
        assertThat(t.status("r1").getState()).as("a new request under the same id").isEqualTo(RequestState.MATCHED);
        assertThat(t.status("r1").getHistory()).extracting(h -> h.getState()).containsExactly(RequestState.SUBMITTED,
                RequestState.MATCHED);
    }

    @Test
    void theRuleIsFinishedAndLastChangedAtLeastTheRetentionAgo() {
        t.submit("r1");
        var matched = t.status("r1");
        assertThat(FinishedRequests.expired(matched, RETAIN, t.now.plus(Duration.ofDays(1000)))).isFalse();
        t.cancel("r1");
        var cancelled = t.status("r1");
        assertThat(FinishedRequests.expired(cancelled, RETAIN, cancelled.getUpdatedAt().plus(RETAIN).minusNanos(1))).isFalse();
        assertThat(FinishedRequests.expired(cancelled, RETAIN, cancelled.getUpdatedAt().plus(RETAIN))).isTrue();
        assertThat(FinishedRequests.expired(cancelled, Duration.ZERO, cancelled.getUpdatedAt().plus(Duration.ofDays(3650))))
                .as("a zero retention: kept for good").isFalse();
        assertThat(FinishedRequests.expired(cancelled, Duration.ofDays(Long.MAX_VALUE / 86_400), t.now))
                .as("a retention too long for an instant").isFalse();
    }
}
