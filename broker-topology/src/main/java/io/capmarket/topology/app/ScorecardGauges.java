package io.capmarket.topology.app;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.LeadTimeFigures;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.schemas.ScoreFigures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The scorecards this instance publishes, as Prometheus gauges, so dashboards and alerts can use
 * them, named by Prometheus' conventions (base units, quantiles as numbers). Each capability is
 * published by the one instance that owns it; when ownership moves, the old instance's gauges read
 * NaN after {@code staleAfter} instead of repeating old figures, and are removed at its next
 * update after that; an offer's gauges are removed when the offer leaves its capability's view.
 *
 * <table>
 *   <caption>Prometheus names (tags: capability, producer ("all" for the capability), window ("window" or "all_time"))</caption>
 *   <tr><td>{@code capmarket_scorecard_lead_time_seconds{step,quantile="0.5"|"0.95"}}</td><td>median and 95th percentile of submitted_to_matched, matched_to_accepted, submitted_to_fulfilled</td></tr>
 *   <tr><td>{@code capmarket_scorecard_failure_rate}</td><td>failed / (fulfilled + failed)</td></tr>
 *   <tr><td>{@code capmarket_scorecard_slo_breaches}</td><td>work past the lead-time promise</td></tr>
 *   <tr><td>{@code capmarket_scorecard_rejections}</td><td>rejected or not accepted in time</td></tr>
 *   <tr><td>{@code capmarket_scorecard_fulfilled_per_second}</td><td>throughput</td></tr>
 *   <tr><td>{@code capmarket_scorecard_utilization}</td><td>in flight / capacity (window only)</td></tr>
 *   <tr><td>{@code capmarket_scorecard_waiting}, {@code capmarket_scorecard_backlog}</td><td>queue and unfinished work (capability only)</td></tr>
 *   <tr><td>{@code capmarket_producer_probation}</td><td>1 while the producer is on probation for the capability, else 0 (producers only, no window tag)</td></tr>
 * </table>
 */
final class ScorecardGauges {

    /** How often stale gauges are looked for at most. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration staleAfter;
    private final Map<Meter.Id, Value> values = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> offersByCapability = new ConcurrentHashMap<>();
    private volatile long lastSweep = Long.MIN_VALUE / 2;

    ScorecardGauges(MeterRegistry registry, Clock clock, Duration staleAfter) {
        this.registry = registry;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /** Per offer: {@code capmarket_offer_producer_live} (1 or 0), {@code capmarket_offer_in_flight}, {@code capmarket_offer_capacity}. */
    void update(io.capmarket.schemas.CapabilityView view) {
        Set<String> offered = new HashSet<>();
        for (io.capmarket.schemas.OfferView offer : view.getOffers()) {
            offered.add(offer.getOfferId());
            Tags tags = Tags.of("capability", view.getName(), "offer", offer.getOfferId(), "producer", offer.getProducerId());
            set("capmarket_offer_producer_live", tags, offer.getProducerLive() ? 1 : 0);
            set("capmarket_offer_in_flight", tags, offer.getInFlight());
            set("capmarket_offer_capacity", tags, offer.getCapacity());
        }
        Set<String> before = offersByCapability.put(view.getName(), offered);
        if (before != null) {
            before.removeAll(offered);
            if (!before.isEmpty()) {
                remove(id -> id.getName().startsWith("capmarket_offer_") && view.getName().equals(id.getTag("capability"))
                        && before.contains(id.getTag("offer")));
            }
        }
        removeStale();
    }

    void update(CapabilityScore score) {
        String capability = score.getCapability();
        figures(capability, "all", "window", score.getWindow());
        figures(capability, "all", "all_time", score.getAllTime());
        set("capmarket_scorecard_waiting", Tags.of("capability", capability), score.getWindow().getEfficiency().getWaiting());
        set("capmarket_scorecard_backlog", Tags.of("capability", capability), score.getWindow().getScalability().getBacklog());
        for (ProducerScore producer : score.getProducers()) {
            figures(capability, producer.getProducerId(), "window", producer.getWindow());
            figures(capability, producer.getProducerId(), "all_time", producer.getAllTime());
            set("capmarket_producer_probation", Tags.of("capability", capability, "producer", producer.getProducerId()),
                    producer.getProbation() == null ? 0 : 1);
        }
        removeStale();
    }

    private void figures(String capability, String producer, String window, ScoreFigures figures) {
        Tags tags = Tags.of("capability", capability, "producer", producer, "window", window);
        lead(tags, "submitted_to_matched", figures.getSpeed().getSubmittedToMatched());
        lead(tags, "matched_to_accepted", figures.getSpeed().getMatchedToAccepted());
        lead(tags, "submitted_to_fulfilled", figures.getSpeed().getSubmittedToFulfilled());
        lead(tags, "update", figures.getSpeed().getUpdate());
        lead(tags, "deprovision", figures.getSpeed().getDeprovision());
        lead(tags, "approval_wait", figures.getSpeed().getApprovalWait());
        set("capmarket_scorecard_failure_rate", tags, figures.getSafety().getFailureRate());
        set("capmarket_scorecard_update_failures", tags, figures.getSafety().getUpdateFailures());
        set("capmarket_scorecard_orphans", tags, figures.getSafety().getOrphans());
        set("capmarket_scorecard_slo_breaches", tags, figures.getSafety().getSloBreaches());
        set("capmarket_scorecard_rejections", tags, figures.getSafety().getRejected());
        set("capmarket_scorecard_fulfilled_per_second", tags, figures.getScalability().getFulfilledPerMinute() / 60.0);
        if (window.equals("window")) {
            set("capmarket_scorecard_utilization", Tags.of("capability", capability, "producer", producer),
                    figures.getEfficiency().getUtilization());
        }
    }

    private void lead(Tags tags, String step, LeadTimeFigures figures) {
        Tags stepTags = tags.and("step", step);
        set("capmarket_scorecard_lead_time_seconds", stepTags.and("quantile", "0.5"), seconds(figures.getP50Ms()));
        set("capmarket_scorecard_lead_time_seconds", stepTags.and("quantile", "0.95"), seconds(figures.getP95Ms()));
    }

    private static double seconds(Long millis) {
        return millis == null ? Double.NaN : millis / 1000.0;
    }

    private void set(String name, Tags tags, double value) {
        values.computeIfAbsent(new Meter.Id(name, tags, null, null, Meter.Type.GAUGE), id -> {
            Value holder = new Value();
            Gauge.builder(name, holder, this::read).tags(tags).register(registry);
            return holder;
        }).set(value, clock.millis());
    }

    /**
     * Removes the gauges of figures no update has set for {@code staleAfter}: their key has left
     * this instance. Looks at every gauge, so at most once per {@link #SWEEP_INTERVAL} (a publication
     * updates every capability in a row).
     */
    private void removeStale() {
        long now = clock.millis();
        if (now - lastSweep < SWEEP_INTERVAL.toMillis()) {
            return;
        }
        lastSweep = now;
        remove(id -> now - values.get(id).updatedAt > staleAfter.toMillis());
    }

    private void remove(Predicate<Meter.Id> which) {
        for (Meter.Id id : List.copyOf(values.keySet())) {
            if (which.test(id)) {
                values.remove(id);
                registry.find(id.getName()).tags(id.getTags()).meters().forEach(registry::remove);
            }
        }
    }

    private double read(Value value) {
        return clock.millis() - value.updatedAt > staleAfter.toMillis() ? Double.NaN : value.value;
    }

    private static final class Value {
        private volatile double value = Double.NaN;
        private volatile long updatedAt;

        void set(double newValue, long at) {
            this.value = newValue;
            this.updatedAt = at;
        }
    }
}
