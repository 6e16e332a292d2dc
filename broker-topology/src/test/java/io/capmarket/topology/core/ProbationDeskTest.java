package io.capmarket.topology.core;

import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.ProducerProbation;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A producer whose record over the scorecard window goes wrong is put on probation: its offers score lower, and
 * the catalog, the scorecard, the events and the decisions say so; it is restored when its record recovers.
 */
class ProbationDeskTest {

    private static final ProbationPolicy PROBATION = new ProbationPolicy(0.5, 0.2, 4, 0.5);

    private final DeskFixture t = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults().withProbation(PROBATION),
            Duration.ofSeconds(30), 3, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10),
            Duration.ofDays(1)));

    private int submitted;

    /** Submits a request, which goes to the only offer with room, and has its producer end it with {@code kind}. */
    private void serve(FulfilmentKind kind) {
        String requestId = "r" + ++submitted;
        t.submit(requestId);
        t.report(requestId, FulfilmentKind.ACCEPTED);
        t.report(requestId, kind, false);
    }

    private ProducerProbation scorecardProbation(String producerId) {
        t.publishScores();
        CapabilityScore score = t.scorecards.get(t.scorecards.size() - 1);
        ProducerScore producer = score.getProducers().stream().filter(p -> p.getProducerId().equals(producerId))
                .findFirst().orElseThrow();
        return producer.getProbation();
    }

    private ProducerProbation catalogProbation(String offerId) {
        OfferView offer = t.catalog.get(PG).getOffers().stream().filter(o -> o.getOfferId().equals(offerId)).findFirst()
                .orElseThrow();
        return offer.getProbation();
    }

    private List<String> probationEvents() {
        return t.events.stream().filter(event -> event.startsWith("probation-")).toList();
    }

    @Test
    void aProducerWhoseWorkGoesWrongIsPutOnProbationAndScoredLower() {
        t.liveOffer("pg-shaky", "shaky-team", 100, Map.of());
        serve(FulfilmentKind.FAILED);
        serve(FulfilmentKind.FAILED);
        serve(FulfilmentKind.FULFILLED);
        assertThat(scorecardProbation("shaky-team")).as("three outcomes are too few to judge").isNull();

        serve(FulfilmentKind.FAILED);
        Instant judged = t.now;
        ProducerProbation probation = scorecardProbation("shaky-team");

        assertThat(probation).isNotNull();
        assertThat(probation.getSince()).isEqualTo(judged);
        assertThat(probation.getScoreFactor()).isEqualTo(0.5);
        assertThat(probation.getReason()).isEqualTo("3 of 4 outcomes in the last 15m went wrong (3 failed, 0 rejected, "
                + "0 fulfilled past the promise); probation from 50%");
        assertThat(probationEvents()).containsExactly("probation-entered:shaky-team:" + probation.getReason());
        assertThat(catalogProbation("pg-shaky")).as("the catalog entry was published with it").isEqualTo(probation);
        assertThat(t.books.scoreOf(PG + "/shaky-team").probationSince()).as("kept in the books").contains(judged);

        t.liveOffer("pg-steady", "steady-team", 100, Map.of());
        t.heartbeat("shaky-team");
        t.submit("after");

        assertThat(t.status("after").getOfferId()).isEqualTo("pg-steady");
        MatchDecision decision = t.status("after").getDecisions().get(0);
        OfferConsidered shaky = decision.getCandidates().stream().filter(o -> o.getOfferId().equals("pg-shaky"))
                .findFirst().orElseThrow();
        assertThat(shaky.getScore().getProbation()).isEqualTo(0.5);
        assertThat(shaky.getDetail()).startsWith("producer shaky-team on probation since " + judged + ", score x0.5: 3 of 4");
        double unweighted = 1.0 * shaky.getScore().getHeadroom() + 1.0 * shaky.getScore().getSpeed()
                + 2.0 * shaky.getScore().getReliability() + 1.0 * shaky.getScore().getPreference();
        assertThat(shaky.getScore().getTotal()).isEqualTo(unweighted * 0.5);
        OfferConsidered steady = decision.getCandidates().get(0);
        assertThat(steady.getScore().getProbation()).isEqualTo(1.0);
        assertThat(steady.getDetail()).isNull();
    }

    @Test
    void workThatBrokeItsPromiseAndThenFailedGoesWrongOnceNotTwice() {
        t.liveOffer("pg-slow", "slow-team", 100, Map.of());
        for (int i = 0; i < 3; i++) {
            serve(FulfilmentKind.FULFILLED);
        }
        t.submit("late");
        t.report("late", FulfilmentKind.ACCEPTED);
        t.advance(Duration.ofSeconds(61));
        assertThat(t.status("late").getSloBreached()).as("past the offer's 60 s promise").isTrue();
        t.heartbeat("slow-team");
        t.report("late", FulfilmentKind.FAILED, false);

        assertThat(scorecardProbation("slow-team")).as("1 of 4 outcomes went wrong: 25%, under the 50% that starts probation")
                .isNull();
        ProducerScore slow = t.scorecards.get(t.scorecards.size() - 1).getProducers().get(0);
        assertThat(slow.getWindow().getSafety().getSloBreaches()).isEqualTo(1);
        assertThat(slow.getWindow().getSafety().getFulfilledLate()).isZero();
    }

    @Test
    void workFulfilledPastItsPromiseGoesWrong() {
        t.liveOffer("pg-slow", "slow-team", 100, Map.of());
        serve(FulfilmentKind.FULFILLED);
        serve(FulfilmentKind.FULFILLED);
        for (String late : List.of("late-1", "late-2")) {
            t.submit(late);
            t.report(late, FulfilmentKind.ACCEPTED);
        }
        t.advance(Duration.ofSeconds(61));
        t.heartbeat("slow-team");
        t.report("late-1", FulfilmentKind.FULFILLED, false);
        t.report("late-2", FulfilmentKind.FULFILLED, false);

        ProducerProbation probation = scorecardProbation("slow-team");

        assertThat(probation).isNotNull();
        assertThat(probation.getReason()).isEqualTo("2 of 4 outcomes in the last 15m went wrong (0 failed, 0 rejected, "
                + "2 fulfilled past the promise); probation from 50%");
    }

    @Test
    void aProducerIsRestoredWhenItsRecordRecoversAndNotBefore() {
        t.liveOffer("pg-shaky", "shaky-team", 100, Map.of());
        for (int i = 0; i < 3; i++) {
            serve(FulfilmentKind.FAILED);
        }
        serve(FulfilmentKind.FULFILLED);
        assertThat(scorecardProbation("shaky-team")).isNotNull();

        for (int i = 0; i < 8; i++) {
            serve(FulfilmentKind.FULFILLED);
        }
        ProducerProbation still = scorecardProbation("shaky-team");
        assertThat(still).as("3 of 12 is 25%: under the entry bound, above the exit one").isNotNull();
        assertThat(still.getReason()).startsWith("3 of 12 outcomes");
        assertThat(probationEvents()).hasSize(1);

        for (int i = 0; i < 4; i++) {
            serve(FulfilmentKind.FULFILLED);
        }
        assertThat(scorecardProbation("shaky-team")).as("3 of 16 is under 20%").isNull();

        assertThat(probationEvents()).hasSize(2).last().isEqualTo(
                "probation-left:shaky-team:3 of 16 outcomes in the last 15m went wrong; restored at 20% or less");
        assertThat(catalogProbation("pg-shaky")).isNull();
        assertThat(t.books.scoreOf(PG + "/shaky-team").probationSince()).isEmpty();
    }

    @Test
    void aProducerWhoseBadRecordAgedOutOfTheWindowIsRestored() {
        t.liveOffer("pg-shaky", "shaky-team", 100, Map.of());
        for (int i = 0; i < 4; i++) {
            serve(FulfilmentKind.FAILED);
        }
        assertThat(scorecardProbation("shaky-team")).isNotNull();

        t.advance(Duration.ofMinutes(16));

        assertThat(scorecardProbation("shaky-team")).isNull();
        assertThat(probationEvents()).last().isEqualTo("probation-left:shaky-team:fewer than 4 outcomes in the last 15m (0)");
    }

    @Test
    void aRestartedDeskReadsWhoIsOnProbationFromItsBooks() {
        t.liveOffer("pg-shaky", "shaky-team", 100, Map.of());
        for (int i = 0; i < 4; i++) {
            serve(FulfilmentKind.FAILED);
        }
        assertThat(scorecardProbation("shaky-team")).isNotNull();
        Instant since = t.books.scoreOf(PG + "/shaky-team").probationSince().orElseThrow();

        Standings restarted = new Standings(t.books, PROBATION, Duration.ofMinutes(15), new io.capmarket.topology.EngineEvents() {
        });

        assertThat(restarted.of(PG)).containsOnlyKeys("shaky-team");
        assertThat(restarted.of(PG).get("shaky-team").getSince()).isEqualTo(since);
    }
}
