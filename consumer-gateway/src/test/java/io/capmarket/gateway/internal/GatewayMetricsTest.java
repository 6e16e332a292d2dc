package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.OfferStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");

    @Test
    void theInsightsGaugesFollowTheLatestReportAndACapabilityNoLongerInItLosesItsRows() {
        try (GatewayMetrics metrics = new GatewayMetrics()) {
            metrics.insights(report(List.of(new CatalogInsights.Outcome("postgres-database", 5, 4, 420_000L, 2, 3),
                    new CatalogInsights.Outcome("object-bucket", 1, 0, null, 0, 0))));
            metrics.unmetDemandRefused(Refusals.Reason.UNKNOWN_CAPABILITY);
            metrics.unmetDemandRefused(Refusals.Reason.UNKNOWN_CAPABILITY);

            String scrape = metrics.registry().scrape();
            assertThat(scrape).contains("capmarket_insights_unused_offers 1.0", "capmarket_insights_near_duplicates 0.0",
                    "capmarket_insights_unmet_demand{capability=\"postgres-database\"} 4.0",
                    "capmarket_insights_unmet_demand{capability=\"object-bucket\"} 0.0",
                    "capmarket_insights_active_teams{capability=\"postgres-database\"} 5.0",
                    "capmarket_insights_new_team_first_fulfilled_seconds{capability=\"postgres-database\"} 420.0",
                    "capmarket_insights_repeat_teams{capability=\"postgres-database\"} 2.0",
                    "capmarket_insights_abandoned{capability=\"postgres-database\"} 3.0",
                    "capmarket_insights_new_teams{capability=\"postgres-database\"} 4.0",
                    "capmarket_insights_unused_versions 0.0", "capmarket_insights_past_sunset 0.0",
                    "capmarket_unmet_demand_refused_total{reason=\"unknown_capability\"} 2.0");
            assertThat(scrape).as("no median without a new team FULFILLED")
                    .doesNotContain("capmarket_insights_new_team_first_fulfilled_seconds{capability=\"object-bucket\"}");

            metrics.insights(report(List.of(new CatalogInsights.Outcome("postgres-database", 6, 4, 420_000L, 2, 3))));

            assertThat(metrics.registry().scrape()).contains("capmarket_insights_active_teams{capability=\"postgres-database\"} 6.0")
                    .doesNotContain("capability=\"object-bucket\"");
        }
    }

    private static CatalogInsights.Report report(List<CatalogInsights.Outcome> outcomes) {
        return new CatalogInsights.Report(NOW, Duration.ofDays(30),
                List.of(new CatalogInsights.UnusedOffer("object-bucket", "bucket-eu", "db-team", 1, OfferStatus.ACTIVE, null,
                        CatalogInsights.SunsetHint.of("bucket-eu", NOW))),
                List.of(), List.of(new CatalogInsights.Unmet("postgres-database", 1, Map.of("region", List.of("ap-south")), 4, 1, NOW)),
                List.of(), NOW, List.of(), List.of(), outcomes);
    }
}
