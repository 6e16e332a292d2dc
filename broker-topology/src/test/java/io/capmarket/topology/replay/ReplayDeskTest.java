package io.capmarket.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.topology.TestRecords;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The what-if replay on the pure desk: a scripted day recorded by the desk itself
 * ({@link RecordingMarket#twoOfferDay}) is replayed with no change (every decision as recorded),
 * without its fast offer (the work goes to the slow one, and takes longer), with preference
 * weighing nothing (requests that preferred the slow offer's region spread to the fast one), and
 * with an offer added and a capacity changed.
 */
class ReplayDeskTest {

    static final String PG = "postgres-database";
    static final Instant FROM = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant TO = FROM.plus(Duration.ofDays(1));
    static final TopologySettings SETTINGS = RecordingMarket.TWO_OFFER_DAY_SETTINGS;

    private static RecordedLog day;

    @BeforeAll
    static void record() {
        day = RecordingMarket.twoOfferDay(SETTINGS, FROM);
    }

    @Test
    void anUnchangedReplayDecidesEveryRequestAsRecorded() {
        ReplayReport report = Replay.run(day, SETTINGS, WhatIf.NONE);

        assertThat(report.decisions().requests()).isEqualTo(280);
        assertThat(report.decisions().same()).as(report.render()).isEqualTo(280);
        assertThat(report.decisions().differing()).isEmpty();
        assertThat(report.overall().simulated()).isEqualTo(report.overall().recorded());
        assertThat(report.offers()).allSatisfy(use -> {
            assertThat(use.simulatedMatches()).isEqualTo(use.recordedMatches());
            assertThat(use.simulatedUtilisation()).isEqualTo(use.recordedUtilisation());
        });
        // the day is not trivial: both offers worked, requests waited, rejections were matched again, work failed
        ReplayReport.Side recorded = report.overall().recorded();
        assertThat(report.offers()).extracting(ReplayReport.OfferUse::recordedMatches).allSatisfy(m -> assertThat(m).isPositive());
        assertThat(recorded.reassignments()).isPositive();
        assertThat(recorded.failed()).isPositive();
        assertThat(recorded.waitP95().orElseThrow()).isGreaterThan(Duration.ofMinutes(1));
        assertThat(recorded.fulfilled()).isGreaterThan(200);
        assertThat(report.render()).contains("decisions: 280 of 280 requests decided as recorded");
    }

    @Test
    void commandsSentAMomentBeforeTheDeskTookThemAreReplayedWhenItTookThem() {
        // as on a live log: each submit, cancel and report recorded when its writer sent it, 300 ms before the desk took it
        List<Recorded> sent = new ArrayList<>();
        for (Recorded fact : day.facts()) {
            sent.add(fact instanceof Recorded.Command command
                    ? new Recorded.Command(command.at().minusMillis(300), command.capability(), command.event()) : fact);
        }
        sent.sort(Comparator.comparing(Recorded::at));
        RecordedLog log = new RecordedLog(FROM, TO, sent);

        ReplayReport report = Replay.run(log, SETTINGS, WhatIf.NONE);

        assertThat(report.decisions().same()).as(report.render()).isEqualTo(280);
        assertThat(report.overall().simulated()).isEqualTo(report.overall().recorded());
    }

    @Test
    void theSecondHalfOfTheDayAfterAWarmUpOnTheFirstIsDecidedAsRecorded() {
        Instant noon = FROM.plus(Duration.ofHours(12));
        ReplayReport report = Replay.run(day, noon, SETTINGS, WhatIf.NONE);

        assertThat(report.from()).isEqualTo(noon);
        assertThat(report.decisions().requests()).as("the requests from noon").isEqualTo(120);
        assertThat(report.decisions().same()).isEqualTo(120);
        assertThat(report.overall().simulated()).isEqualTo(report.overall().recorded());
        assertThat(report.assumptions().get(0)).startsWith("the requests of the warm-up from " + FROM + " were replayed too");
        assertThatThrownBy(() -> Replay.run(day, TO, SETTINGS, WhatIf.NONE))
                .hasMessageStartingWith("reportFrom must be in the log's window");
    }

    @Test
    void withoutItsFastOfferTheWorkGoesToTheSlowOneAndTakesLonger() {
        ReplayReport report = Replay.run(day, SETTINGS, new WhatIf(Map.of(), Set.of("pg-fast"), List.of(), Map.of()));

        ReplayReport.OfferUse fast = use(report, "pg-fast");
        ReplayReport.OfferUse slow = use(report, "pg-slow");
        assertThat(fast.recordedMatches()).isPositive();
        assertThat(fast.simulatedMatches()).isZero();
        assertThat(fast.simulatedUtilisation()).isZero();
        assertThat(slow.simulatedMatches()).isGreaterThan(slow.recordedMatches());
        assertThat(slow.simulatedUtilisation()).isGreaterThan(slow.recordedUtilisation());
        ReplayReport.Figures overall = report.overall();
        assertThat(overall.simulated().leadTimeP50().orElseThrow()).isGreaterThan(overall.recorded().leadTimeP50().orElseThrow());
        assertThat(report.decisions().same()).isLessThan(report.decisions().requests());
        assertThat(report.assumptions()).anySatisfy(line -> assertThat(line)
                .contains("producer slow-team on postgres-database: accepts in 25s", "works 35m00s"));
        assertThat(report.render()).contains("without offer pg-fast");
    }

    @Test
    void withPreferenceWeighingNothingRequestsThatPreferredUsEastSpreadToTheFastOffer() {
        ReplayReport report = Replay.run(day, SETTINGS, new WhatIf(Map.of("preference", 0.0), Set.of(), List.of(), Map.of()));

        ReplayReport.OfferUse fast = use(report, "pg-fast");
        assertThat(fast.simulatedMatches()).isGreaterThan(fast.recordedMatches());
        assertThat(report.decisions().same()).isLessThan(report.decisions().requests());
        assertThat(report.change()).containsExactly("weights preference=0.0");
    }

    @Test
    void anAddedOfferTakesWorkAndACapacityChangeShowsInTheUtilisation() {
        var added = TestRecords.offer("pg-new", "new-team", PG, 10, Map.of("region", "us-east"), FROM);
        added.setLeadTimeSloMs(Duration.ofMinutes(20).toMillis());
        ReplayReport report = Replay.run(day, SETTINGS, new WhatIf(Map.of(), Set.of(), List.of(added), Map.of("pg-slow", 40)));

        assertThat(use(report, "pg-new").recordedMatches()).isZero();
        assertThat(use(report, "pg-new").simulatedMatches()).isPositive();
        assertThat(report.assumptions()).anySatisfy(line -> assertThat(line).contains("producer new-team on postgres-database (no record "
                + "of its own; the capability's)"));
        assertThat(report.change()).containsExactly("with offer pg-new of producer new-team (postgres-database v1, capacity 10)",
                "capacity of offer pg-slow 40");
    }

    @Test
    void aChangeNamingAnOfferTheLogDoesNotHoldIsRefusedWithTheOffersItHolds() {
        assertThatThrownBy(() -> Replay.run(day, SETTINGS, new WhatIf(Map.of(), Set.of("pg-gone"), List.of(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("without-offer: offer pg-gone is not in the log of the window; its offers are [pg-fast, pg-slow]");
        assertThatThrownBy(() -> Replay.run(day, SETTINGS, new WhatIf(Map.of(), Set.of(), List.of(), Map.of("pg-gone", 3))))
                .hasMessage("capacity: offer pg-gone is neither in the log of the window nor added; the offers are [pg-fast, pg-slow]");
        assertThatThrownBy(() -> new WhatIf(Map.of("cost", 1.0), Set.of(), List.of(), Map.of()))
                .hasMessage("weights: factor must be one of [headroom, speed, reliability, preference], but was 'cost'");
    }

    private static ReplayReport.OfferUse use(ReplayReport report, String offerId) {
        return report.offers().stream().filter(u -> u.offerId().equals(offerId)).findFirst().orElseThrow();
    }
}
