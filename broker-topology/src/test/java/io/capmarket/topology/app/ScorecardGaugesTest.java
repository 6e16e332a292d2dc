package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.LeadTimeFigures;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.topology.core.score.ScoreState;
import io.capmarket.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorecardGaugesTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock(T0);
    private final ScorecardGauges gauges = new ScorecardGauges(registry, clock, Duration.ofMinutes(1));

    @Test
    void publishedFiguresBecomeGaugesPerCapabilityProducerAndWindow() {
        gauges.update(score());

        assertThat(value("capmarket_scorecard_lead_time_seconds", "all", "window", "submitted_to_fulfilled", "0.95"))
                .isBetween(9.9, 10.1);
        assertThat(value("capmarket_scorecard_lead_time_seconds", "db-team", "all_time", "submitted_to_fulfilled", "0.5"))
                .isBetween(9.9, 10.1);
        assertThat(registry.get("capmarket_scorecard_failure_rate").tags("capability", "pg", "producer", "all", "window", "window")
                .gauge().value()).isEqualTo(0.5);
        assertThat(registry.get("capmarket_scorecard_waiting").tags("capability", "pg").gauge().value()).isEqualTo(3.0);
        assertThat(registry.get("capmarket_scorecard_utilization").tags("capability", "pg", "producer", "all").gauge().value())
                .isEqualTo(0.25);
    }

    @Test
    void aProducerOnProbationReadsOneUntilItIsRestored() {
        CapabilityScore score = score();
        gauges.update(score);
        assertThat(registry.get("capmarket_producer_probation").tags("capability", "pg", "producer", "db-team").gauge().value())
                .isZero();

        score.getProducers().get(0).setProbation(new io.capmarket.schemas.ProducerProbation(T0, "3 of 4 went wrong", 0.5));
        gauges.update(score);

        assertThat(registry.get("capmarket_producer_probation").tags("capability", "pg", "producer", "db-team").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void figuresNotRepublishedTurnNaN() {
        gauges.update(score());
        clock.advance(Duration.ofMinutes(2));

        assertThat(registry.get("capmarket_scorecard_waiting").tags("capability", "pg").gauge().value()).isNaN();
    }

    @Test
    void figuresNotRepublishedAreRemovedAtTheNextUpdateOnceStale() {
        gauges.update(score());
        clock.advance(Duration.ofMinutes(2));
        gauges.update(view("pg-eu"));

        assertThat(registry.find("capmarket_scorecard_waiting").gauges()).isEmpty();
        assertThat(registry.find("capmarket_scorecard_lead_time_seconds").gauges()).isEmpty();
        assertThat(registry.get("capmarket_offer_capacity").tags("offer", "pg-eu").gauge().value()).isEqualTo(4.0);
    }

    @Test
    void anOfferThatLeavesItsCapabilitysViewLosesItsGauges() {
        gauges.update(view("pg-eu", "pg-us"));
        assertThat(registry.find("capmarket_offer_in_flight").gauges()).hasSize(2);

        gauges.update(view("pg-us"));

        assertThat(registry.find("capmarket_offer_in_flight").gauges()).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("offer")).isEqualTo("pg-us"));
        assertThat(registry.find("capmarket_offer_capacity").tag("offer", "pg-eu").gauges()).isEmpty();
    }

    private static CapabilityView view(String... offerIds) {
        List<OfferView> offers = java.util.Arrays.stream(offerIds).map(id -> OfferView.newBuilder().setOfferId(id).setProducerId("db-team")
                .setVersion(1).setStatus(OfferStatus.ACTIVE).setAttributes(java.util.Map.of()).setCapacity(4).setInFlight(1)
                .setLeadTimeSloMs(60_000).setProducerLive(true).setObserved(new LeadTimeFigures(0L, null, null)).build()).toList();
        return CapabilityView.newBuilder().setName("pg").setDescription("").setVersions(List.of()).setOffers(offers)
                .setUpdatedAt(T0).build();
    }

    private double value(String name, String producer, String window, String step, String quantile) {
        return registry.get(name).tags("capability", "pg", "producer", producer, "window", window, "step", step,
                "quantile", quantile).gauge().value();
    }

    private static CapabilityScore score() {
        ScoreState state = new ScoreState(Duration.ofMinutes(15));
        state.submitted(T0.minusSeconds(20));
        state.submitted(T0.minusSeconds(20));
        state.matched(T0.minusSeconds(19), Duration.ofSeconds(1));
        state.fulfilled(T0.minusSeconds(10), Duration.ofSeconds(10), false);
        state.failed(T0.minusSeconds(5));
        ScoreState.Figures figures = state.figures(T0, new ScoreState.Current(8, 2, 3, 5));
        return CapabilityScore.newBuilder().setCapability("pg").setAt(T0).setWindowMs(900_000)
                .setWindow(figures.window()).setAllTime(figures.allTime())
                .setProducers(List.of(new ProducerScore("db-team", figures.window(), figures.allTime(), null))).build();
    }
}
