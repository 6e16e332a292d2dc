package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.topology.EngineEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class TopologyMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TopologyMetrics metrics = new TopologyMetrics(registry);

    @Test
    void engineEventsBecomePrometheusSeries() {
        metrics.submitted("postgres-database");
        metrics.submitted("postgres-database");
        metrics.matched("postgres-database", "db-team", false);
        metrics.matched("postgres-database", "db-team", true);
        metrics.finished("postgres-database", "FULFILLED");
        metrics.sloBreached("postgres-database", "db-team");
        metrics.acceptDeadlineMissed("postgres-database", "db-team");
        metrics.ignored("stale-attempt");
        metrics.deadLettered("deserialization");
        metrics.deadLettered(EngineEvents.IDENTITY);
        metrics.misattributed("producer");
        metrics.threadReplaced(new IllegalStateException());

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("capmarket_requests_submitted_total{capability=\"postgres-database\"} 2.0")
                .contains("capmarket_matches_total{capability=\"postgres-database\",producer=\"db-team\",rematch=\"false\"} 1.0")
                .contains("capmarket_matches_total{capability=\"postgres-database\",producer=\"db-team\",rematch=\"true\"} 1.0")
                .contains("capmarket_requests_finished_total{capability=\"postgres-database\",state=\"FULFILLED\"} 1.0")
                .contains("capmarket_slo_breaches_total{capability=\"postgres-database\",producer=\"db-team\"} 1.0")
                .contains("capmarket_accept_deadline_missed_total{capability=\"postgres-database\",producer=\"db-team\"} 1.0")
                .contains("capmarket_ignored_events_total{reason=\"stale-attempt\"} 1.0")
                .contains("capmarket_dead_letters_total{reason=\"deserialization\"} 1.0")
                .contains("capmarket_dead_letters_total{reason=\"identity\"} 1.0")
                .contains("capmarket_dead_letters_total{reason=\"contract\"} 0.0")
                .contains("capmarket_misattributed_total{reason=\"producer\"} 1.0")
                .contains("capmarket_misattributed_total{reason=\"capability\"} 0.0")
                .contains("capmarket_stream_thread_replacements_total{exception=\"IllegalStateException\"} 1.0")
                .contains("capmarket_stream_thread_replacements_total{exception=\"none\"} 0.0");
    }

    @Test
    void theWaitingGaugeFollowsStartsAndStopsAndIsRemovedAtZero() {
        metrics.waiting("kafka-topic");
        metrics.waiting("kafka-topic");
        metrics.waiting("vpn-tunnel");
        metrics.stoppedWaiting("kafka-topic");
        assertThat(registry.scrape()).contains("capmarket_waiting{capability=\"kafka-topic\"} 1.0")
                .contains("capmarket_waiting{capability=\"vpn-tunnel\"} 1.0");

        metrics.stoppedWaiting("kafka-topic");
        metrics.stoppedWaiting("kafka-topic");

        assertThat(registry.find("capmarket.waiting").tag("capability", "kafka-topic").gauges()).isEmpty();
        assertThat(registry.get("capmarket.waiting").tag("capability", "vpn-tunnel").gauge().value()).isEqualTo(1.0);
        metrics.waiting("kafka-topic");
        assertThat(registry.get("capmarket.waiting").tag("capability", "kafka-topic").gauge().value()).as("back, from zero")
                .isEqualTo(1.0);
    }

    @Test
    void theWaitingGaugeTakesTheCountTheBooksHoldAndIsRemovedAtZero() {
        metrics.waiting("kafka-topic");
        metrics.waitingCounted("kafka-topic", 4);
        metrics.waitingCounted("vpn-tunnel", 2);
        assertThat(registry.get("capmarket.waiting").tag("capability", "kafka-topic").gauge().value()).isEqualTo(4.0);
        assertThat(registry.get("capmarket.waiting").tag("capability", "vpn-tunnel").gauge().value()).isEqualTo(2.0);
        metrics.stoppedWaiting("kafka-topic");
        assertThat(registry.get("capmarket.waiting").tag("capability", "kafka-topic").gauge().value()).isEqualTo(3.0);

        metrics.waitingCounted("kafka-topic", 0);

        assertThat(registry.find("capmarket.waiting").tag("capability", "kafka-topic").gauges()).isEmpty();
        metrics.waiting("kafka-topic");
        assertThat(registry.get("capmarket.waiting").tag("capability", "kafka-topic").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void seriesADashboardReadsExistAtZeroFromACapabilitysFirstEventAndAProducersFirstMatch() {
        metrics.submitted("kafka-topic");
        metrics.matched("kafka-topic", "stream-team", false);

        assertThat(registry.scrape())
                .contains("capmarket_requests_finished_total{capability=\"kafka-topic\",state=\"FULFILLED\"} 0.0")
                .contains("capmarket_requests_finished_total{capability=\"kafka-topic\",state=\"FAILED\"} 0.0")
                .contains("capmarket_requests_finished_total{capability=\"kafka-topic\",state=\"CANCELLED\"} 0.0")
                .contains("capmarket_slo_breaches_total{capability=\"kafka-topic\",producer=\"stream-team\"} 0.0")
                .contains("capmarket_accept_deadline_missed_total{capability=\"kafka-topic\",producer=\"stream-team\"} 0.0")
                .contains("capmarket_matches_total{capability=\"kafka-topic\",producer=\"stream-team\",rematch=\"false\"} 1.0")
                .doesNotContain("rematch=\"true\"");
    }

    @Test
    void missingTagValuesDoNotThrow() {
        metrics.matched(null, "", false);
        metrics.ignored(null);

        assertThat(registry.scrape()).contains("capmarket_matches_total{capability=\"unknown\",producer=\"unknown\",rematch=\"false\"} 1.0");
    }

    @Test
    void jvmMetricsAreBound() {
        metrics.bindJvm();

        assertThat(registry.scrape()).contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
        metrics.close();
    }
}
