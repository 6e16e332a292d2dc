package io.capmarket.topology.app;

import io.capmarket.topology.EngineEvents;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.config.ConfigParsers;
import io.capmarket.topology.core.CapabilityDesk;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's metrics: what the engine does ({@link EngineEvents}), dead letters, stream
 * thread replacements, Kafka Streams' own metrics and the JVM's, in one Micrometer registry.
 *
 * <table>
 *   <caption>Prometheus names</caption>
 *   <tr><td>{@code capmarket_requests_submitted_total{capability}}</td><td>requests submitted (duplicates excluded)</td></tr>
 *   <tr><td>{@code capmarket_matches_total{capability,producer,rematch}}</td><td>requests matched to an offer</td></tr>
 *   <tr><td>{@code capmarket_waiting{capability}}</td><td>requests waiting for an offer in the capabilities this instance owns (removed at zero)</td></tr>
 *   <tr><td>{@code capmarket_requests_finished_total{capability,state}}</td><td>requests FULFILLED, FAILED or CANCELLED</td></tr>
 *   <tr><td>{@code capmarket_requests_purged_total{capability}}</td><td>finished requests deleted, with their
 *       statuses, once kept past {@code day2.retain-finished}</td></tr>
 *   <tr><td>{@code capmarket_slo_breaches_total{capability,producer}}</td><td>work past the offer's lead-time promise</td></tr>
 *   <tr><td>{@code capmarket_accept_deadline_missed_total{capability,producer}}</td><td>assignments not accepted in time</td></tr>
 *   <tr><td>{@code capmarket_ignored_events_total{reason}}</td><td>inputs recorded but not applied</td></tr>
 *   <tr><td>{@code capmarket_dead_letters_total{reason}}</td><td>records sent to dead-letters: unreadable or failing
 *       (deserialization, processing, serialization), claiming another identity than their topic's (identity), refused
 *       by the rules (refused), conflicting with a capability version's contract (contract), fulfilment reports for
 *       another's work (misattributed) or not applied (not-applied)</td></tr>
 *   <tr><td>{@code capmarket_history_trimmed_total{capability}}</td><td>progress reports and notes recorded at the
 *       history bound, each replacing its request's last entry of its kind</td></tr>
 *   <tr><td>{@code capmarket_deadline_checks_failed_total{kind}}</td><td>due checks of a request that failed, were
 *       undone and run again a minute later, the others due with them still run (each logged at ERROR with its request;
 *       declared at zero with kind="none")</td></tr>
 *   <tr><td>{@code capmarket_waitlist_drains_failed_total{capability}}</td><td>requests served from a waitlist on the
 *       clock whose step failed and was undone, each served again at the next tick while the rest of the waitlist is
 *       served (each logged at ERROR; declared at zero with capability="none")</td></tr>
 *   <tr><td>{@code capmarket_misattributed_total{reason}}</td><td>fulfilment reports for work their producer does not
 *       hold, by what differs (producer, capability)</td></tr>
 *   <tr><td>{@code capmarket_offer_ids_released_total{producer}}</td><td>withdrawn offerIds a producer at its bound of
 *       offerIds on a partition gave up for new ones, longest-withdrawn first</td></tr>
 *   <tr><td>{@code capmarket_stream_thread_replacements_total{exception}}</td><td>stream threads replaced after a failure
 *       (declared at zero with exception="none")</td></tr>
 *   <tr><td>{@code capmarket_scorecard_*}</td><td>the scorecards this instance publishes, as gauges (see {@link ScorecardGauges})</td></tr>
 * </table>
 *
 * <p>Counters count per instance and, under exactly-once, count an attempt: a record handled in a
 * transaction that is later aborted is counted again when it is processed again. Thread-safe;
 * no method throws.
 */
public final class TopologyMetrics implements EngineEvents, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyMetrics.class);

    private static final String UNKNOWN = "unknown";
    /** The tag value of the series declared at zero before anything is counted: replacements, failed checks and drains. */
    static final String NO_REPLACEMENT = "none";

    /** Scorecard gauges of a capability this instance no longer publishes turn NaN after this long. */
    public static final java.time.Duration SCORECARD_STALE_AFTER = java.time.Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final ScorecardGauges scorecards;
    private final Map<String, AtomicLong> waiting = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    /** The per-request counters by capability: the engine's events for every request cost one look-up each. */
    private final Map<String, CapabilityMeters> capabilities = new ConcurrentHashMap<>();
    private final List<AutoCloseable> bindings = new CopyOnWriteArrayList<>();

    /** Metrics recorded in {@code registry}. */
    public TopologyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.scorecards = new ScorecardGauges(registry, java.time.Clock.systemUTC(), SCORECARD_STALE_AFTER);
        for (String reason : List.of("deserialization", "processing", "serialization", IDENTITY, REFUSED, CONTRACT,
                MISATTRIBUTED, NOT_APPLIED)) {
            declare("capmarket.dead.letters", "reason", reason);
        }
        // an alert on misattribution needs its series before the first one
        for (String reason : List.of("producer", "capability")) {
            declare("capmarket.misattributed", "reason", reason);
        }
        // the replacements' sum exists from the start, so an alert sees the first replacement as an increase
        declare("capmarket.stream.thread.replacements", "exception", NO_REPLACEMENT);
        // at zero too, so that an alert sees the first failure as an increase
        declare("capmarket.deadline.checks.failed", "kind", NO_REPLACEMENT);
        declare("capmarket.waitlist.drains.failed", "capability", NO_REPLACEMENT);
    }

    /** Exports the published scorecard as {@code capmarket_scorecard_*} gauges (see {@link ScorecardGauges}). */
    @Override
    public void scorecard(io.capmarket.schemas.CapabilityScore score) {
        scorecards.update(score);
    }

    /** The registry the metrics are in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Adds JVM memory, GC, thread, class-loading, CPU and uptime metrics. */
    public TopologyMetrics bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        bindings.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return this;
    }

    /**
     * Counts how often the schema registry client's bounded caches were emptied, as
     * {@code capmarket_schema_registry_cache_evictions_total} (see {@link SchemaRegistryClient#cacheEvictions()}).
     */
    public TopologyMetrics bind(SchemaRegistryClient client) {
        FunctionCounter.builder("capmarket.schema.registry.cache.evictions", client, SchemaRegistryClient::cacheEvictions)
                .description("Times a full cache of the schema registry client was emptied (max.schemas.per.subject)")
                .register(registry);
        return this;
    }

    /** Adds Kafka Streams' own metrics (and its clients') for {@code streams}, until {@link #close()}. */
    public TopologyMetrics bind(KafkaStreams streams) {
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
        bindings.add(metrics);
        return this;
    }

    @Override
    public void submitted(String capability) {
        try {
            meters(capability).submitted.increment();
        } catch (RuntimeException e) {
            // metrics must never fail a stream thread
        }
    }

    @Override
    public void matched(String capability, String producerId, boolean rematch) {
        try {
            meters(capability).producer(producerId).matches(rematch).increment();
        } catch (RuntimeException e) {
            // metrics must never fail a stream thread
        }
    }

    @Override
    public void catalog(io.capmarket.schemas.CapabilityView view) {
        scorecards.update(view);
    }

    @Override
    public void waiting(String capability) {
        waiting.compute(orUnknown(capability), (c, value) -> {
            AtomicLong count = value != null ? value : waitingGauge(c);
            count.incrementAndGet();
            return count;
        });
    }

    /** At zero the capability's gauge is removed: none waits here, or the capability moved to another instance. */
    @Override
    public void stoppedWaiting(String capability) {
        // after a rebalance this instance may see a request stop waiting that it never saw start
        waiting.computeIfPresent(orUnknown(capability), (c, count) -> {
            if (count.decrementAndGet() > 0) {
                return count;
            }
            registry.find("capmarket.waiting").tag("capability", c).meters().forEach(registry::remove);
            return null;
        });
    }

    @Override
    public void finished(String capability, String state) {
        try {
            meters(capability).finished(state).increment();
        } catch (RuntimeException e) {
            // metrics must never fail a stream thread
        }
    }

    @Override
    public void sloBreached(String capability, String producerId) {
        try {
            meters(capability).producer(producerId).sloBreaches.increment();
        } catch (RuntimeException e) {
            // metrics must never fail a stream thread
        }
    }

    @Override
    public void acceptDeadlineMissed(String capability, String producerId) {
        try {
            meters(capability).producer(producerId).acceptDeadlineMissed.increment();
        } catch (RuntimeException e) {
            // metrics must never fail a stream thread
        }
    }

    @Override
    public void resourceOperation(String capability, String operation, String outcome) {
        count("capmarket.resource.operations", "capability", capability, "operation", operation, "outcome", outcome);
    }

    @Override
    public void approval(String capability, String outcome) {
        count("capmarket.approvals", "capability", capability, "outcome", outcome);
    }

    @Override
    public void probation(String capability, String producerId, boolean entered, String reason) {
        count("capmarket.probation.changes", "capability", capability, "producer", producerId, "change",
                entered ? "entered" : "left");
        LOG.info("producer {} {} probation for {}: {}", producerId, entered ? "put on" : "restored from", capability, reason);
    }

    @Override
    public void quotaHeld(String capability) {
        count("capmarket.quota.held", "capability", capability);
    }

    @Override
    public void ignored(String reason) {
        count("capmarket.ignored.events", "reason", reason);
    }

    @Override
    public void deadLettered(String reason) {
        count("capmarket.dead.letters", "reason", reason);
    }

    @Override
    public void misattributed(String reason) {
        count("capmarket.misattributed", "reason", reason);
    }

    @Override
    public void historyTrimmed(String capability) {
        count("capmarket.history.trimmed", "capability", capability);
    }

    @Override
    public void checkFailed(String requestId, String kind, RuntimeException failure) {
        LOG.error("the {} check of request {} failed, was undone and runs again in {}; the other due checks ran: {}", kind,
                requestId, ConfigParsers.describe(CapabilityDesk.CHECK_RETRY), failure.toString(), failure);
        count("capmarket.deadline.checks.failed", "kind", kind);
    }

    @Override
    public void drainFailed(String capability, RuntimeException failure) {
        LOG.error("serving a waiting request of {} failed and was undone; the next tick serves it again, the rest of the "
                + "waitlist was served: {}", capability, failure.toString(), failure);
        count("capmarket.waitlist.drains.failed", "capability", capability);
    }

    @Override
    public void purged(String capability) {
        count("capmarket.requests.purged", "capability", capability);
    }

    @Override
    public void offerIdReleased(String producerId) {
        count("capmarket.offer.ids.released", "producer", producerId);
    }

    @Override
    public void writtenKeysFull(String store) {
        count("capmarket.written.keys.full", "store", store);
    }

    /** A stream thread died of {@code failure} and is being replaced. */
    public void threadReplaced(Throwable failure) {
        count("capmarket.stream.thread.replacements", "exception", failure == null ? UNKNOWN : failure.getClass().getSimpleName());
    }

    @Override
    public void waitingCounted(String capability, long count) {
        waiting.compute(orUnknown(capability), (c, value) -> {
            if (count > 0) {
                AtomicLong kept = value != null ? value : waitingGauge(c);
                kept.set(count);
                return kept;
            }
            if (value != null) {
                registry.find("capmarket.waiting").tag("capability", c).meters().forEach(registry::remove);
            }
            return null;
        });
    }

    private AtomicLong waitingGauge(String capability) {
        AtomicLong value = new AtomicLong();
        Gauge.builder("capmarket.waiting", value, AtomicLong::get)
                .description("requests waiting for an offer in the capabilities this instance owns (removed at zero)")
                .tag("capability", capability)
                .register(registry);
        return value;
    }

    private void declare(String name, String... tags) {
        try {
            counter(name, tags);
        } catch (RuntimeException e) {
            // metrics must never fail a stream thread
        }
    }

    private void count(String name, String... tags) {
        try {
            counter(name, tags).increment();
        } catch (RuntimeException e) {
            // metrics must never fail a stream thread
        }
    }

    /**
     * The counter of {@code name} with {@code tags}, from a map keyed by the plain strings: the
     * engine counts several events per request, and a registry look-up builds and sorts tags each time.
     */
    private Counter counter(String name, String... tags) {
        String[] key = new String[tags.length + 1];
        key[0] = name;
        for (int i = 0; i < tags.length; i++) {
            key[i + 1] = i % 2 == 1 ? orUnknown(tags[i]) : tags[i];
        }
        return counters.computeIfAbsent(List.of(key), k -> Counter.builder(name)
                .tags(k.subList(1, k.size()).toArray(String[]::new)).register(registry));
    }

    private CapabilityMeters meters(String capability) {
        CapabilityMeters known = capabilities.get(capability == null ? UNKNOWN : capability);
        return known != null ? known : capabilities.computeIfAbsent(orUnknown(capability), CapabilityMeters::new);
    }

    /**
     * One capability's counters. Its finished series exist at zero from its first event on, and a
     * producer's breach and missed-deadline series from that producer's first match: a dashboard
     * or an alert reads them before the first one happens.
     */
    private final class CapabilityMeters {

        private final String capability;
        private final Counter submitted;
        private final Map<String, Counter> finished = new ConcurrentHashMap<>();
        private final Map<String, ProducerMeters> producers = new ConcurrentHashMap<>();

        CapabilityMeters(String capability) {
            this.capability = capability;
            this.submitted = counter("capmarket.requests.submitted", "capability", capability);
            for (String state : List.of("FULFILLED", "FAILED", "CANCELLED")) {
                finished.put(state, counter("capmarket.requests.finished", "capability", capability, "state", state));
            }
        }

        Counter finished(String state) {
            Counter known = finished.get(state == null ? UNKNOWN : state);
            return known != null ? known : finished.computeIfAbsent(orUnknown(state),
                    s -> counter("capmarket.requests.finished", "capability", capability, "state", s));
        }

        ProducerMeters producer(String producerId) {
            ProducerMeters known = producers.get(producerId == null ? UNKNOWN : producerId);
            return known != null ? known : producers.computeIfAbsent(orUnknown(producerId), ProducerMeters::new);
        }

        /** A producer's counters within the capability; its two match series are created when first counted. */
        private final class ProducerMeters {

            private final String producerId;
            private final Counter sloBreaches;
            private final Counter acceptDeadlineMissed;
            private final Counter[] matches = new Counter[2];

            ProducerMeters(String producerId) {
                this.producerId = producerId;
                this.sloBreaches = counter("capmarket.slo.breaches", "capability", capability, "producer", producerId);
                this.acceptDeadlineMissed = counter("capmarket.accept.deadline.missed", "capability", capability,
                        "producer", producerId);
            }

            Counter matches(boolean rematch) {
                int index = rematch ? 1 : 0;
                Counter known = matches[index];
                if (known == null) {
                    // a race registers the same meter twice, and the registry hands both the one it holds
                    known = counter("capmarket.matches", "capability", capability, "producer", producerId,
                            "rematch", Boolean.toString(rematch));
                    matches[index] = known;
                }
                return known;
            }
        }
    }

    private static String orUnknown(String value) {
        return value == null || value.isEmpty() ? UNKNOWN : value;
    }

    /** Unbinds Kafka Streams and GC metrics; the registry itself is the caller's. */
    @Override
    public void close() {
        for (AutoCloseable binding : bindings) {
            try {
                binding.close();
            } catch (Exception e) {
                // closing metrics must not hide the reason for closing
            }
        }
        bindings.clear();
    }
}
