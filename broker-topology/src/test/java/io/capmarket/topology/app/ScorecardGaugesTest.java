package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.topology.core.score.ScoreState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorecardGaugesTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final ScorecardGauges gauges = new ScorecardGauges(registry, new Clock() {
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
            return clock.instant();
        }
    }, Duration.ofMinutes(1));

    @Test
    void publishedFiguresBecomeGaugesPerCapabilityProducerAndWindow() {
        gauges.update(score());

        assertThat(value("capmarket_scorecard_lead_time_ms", "all", "window", "submitted_to_fulfilled", "p95"))
                .isBetween(9_900.0, 10_100.0);
        assertThat(value("capmarket_scorecard_lead_time_ms", "db-team", "all_time", "submitted_to_fulfilled", "p50"))
                .isBetween(9_900.0, 10_100.0);
        assertThat(registry.get("capmarket_scorecard_failure_rate").tags("capability", "pg", "producer", "all", "window", "window")
                .gauge().value()).isEqualTo(0.5);
        assertThat(registry.get("capmarket_scorecard_waiting").tags("capability", "pg").gauge().value()).isEqualTo(3.0);
        assertThat(registry.get("capmarket_scorecard_utilization").tags("capability", "pg", "producer", "all").gauge().value())
                .isEqualTo(0.25);
    }

    @Test
    void figuresNotRepublishedTurnNaN() {
        gauges.update(score());
        clock = Clock.fixed(T0.plus(Duration.ofMinutes(2)), ZoneOffset.UTC);

        assertThat(registry.get("capmarket_scorecard_waiting").tags("capability", "pg").gauge().value()).isNaN();
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
        state.fulfilled(T0.minusSeconds(10), Duration.ofSeconds(10));
        state.failed(T0.minusSeconds(5));
        ScoreState.Figures figures = state.figures(T0, new ScoreState.Current(8, 2, 3, 5));
        return CapabilityScore.newBuilder().setCapability("pg").setAt(T0).setWindowMs(900_000)
                .setWindow(figures.window()).setAllTime(figures.allTime())
                .setProducers(List.of(new ProducerScore("db-team", figures.window(), figures.allTime()))).build();
    }
}
