package io.capmarket.gateway.internal;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.runtime.WrittenKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The gateway's metrics on {@code /metrics}: {@code capmarket_gateway_http_requests_seconds}
 * (histogram by method, route and status), {@code capmarket_gateway_long_poll_waiters},
 * {@code capmarket_gateway_sse_clients}, {@code capmarket_gateway_views_catching_up},
 * {@code capmarket_gateway_read_back_records_total},
 * {@code capmarket_gateway_unreadable_records_total{outcome}},
 * {@code capmarket_gateway_body_read_timeouts_total}, the catalog insights
 * ({@code capmarket_insights_*}, {@code capmarket_unmet_demand_refused_total{reason}}; see {@link #insights}), the
 * reports of the insights computed or answered again ({@code capmarket_insights_reports_total{source}}) and how long
 * computing one took ({@code capmarket_insights_computation_seconds}), Kafka Streams and JVM metrics.
 */
public final class GatewayMetrics implements AutoCloseable {

    private static final String UNMET = "capmarket.insights.unmet.demand";
    private static final String ACTIVE_TEAMS = "capmarket.insights.active.teams";
    private static final String FIRST_FULFILLED = "capmarket.insights.new.team.first.fulfilled.seconds";
    private static final String REPEAT_TEAMS = "capmarket.insights.repeat.teams";
    private static final String ABANDONED = "capmarket.insights.abandoned";
    private static final String NEW_TEAMS = "capmarket.insights.new.teams";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private JvmGcMetrics gc;
    private KafkaStreamsMetrics streams;
    private final AtomicLong unusedOffers = new AtomicLong();
    private final AtomicLong nearDuplicates = new AtomicLong();
    private final AtomicLong unusedVersions = new AtomicLong();
    private final AtomicLong pastSunset = new AtomicLong();
    /** The per-capability insights gauges, by metric name; their rows are the catalog's capabilities, a bounded set. */
    private final Map<String, MultiGauge> perCapability;

    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        Gauge.builder("capmarket.insights.unused.offers", unusedOffers::get)
                .description("Listed offers matched to no request within insights.window").register(registry);
        Gauge.builder("capmarket.insights.near.duplicates", nearDuplicates::get)
                .description("Pairs of capabilities whose parameters overlap at least insights.duplicate-similarity").register(registry);
        Gauge.builder("capmarket.insights.unused.versions", unusedVersions::get)
                .description("Capability versions nobody asked for within insights.window").register(registry);
        Gauge.builder("capmarket.insights.past.sunset", pastSunset::get)
                .description("Deprecated versions asked for after their sunset, within insights.window").register(registry);
        perCapability = Map.of(
                UNMET, MultiGauge.builder(UNMET).description("Requests that waited because no offer fits them (version, "
                        + "constraints), all time, of the groups that waited within insights.window").register(registry),
                ACTIVE_TEAMS, MultiGauge.builder(ACTIVE_TEAMS).description("Teams with a request within insights.window")
                        .register(registry),
                FIRST_FULFILLED, MultiGauge.builder(FIRST_FULFILLED).description("Median time from a new team's first request to its "
                        + "first FULFILLED, over the teams new within insights.window").register(registry),
                REPEAT_TEAMS, MultiGauge.builder(REPEAT_TEAMS).description("Teams active within insights.window with two requests or "
                        + "more").register(registry),
                ABANDONED, MultiGauge.builder(ABANDONED).description("Requests cancelled while they waited for an offer, all time")
                        .register(registry),
                NEW_TEAMS, MultiGauge.builder(NEW_TEAMS).description("Teams whose first request was within insights.window")
                        .register(registry));
    }

    /**
     * Sets the insights gauges from a report (the one {@code GET /v1/insights} answered, or the
     * timer's): a capability no longer in the report loses its rows.
     */
    public void insights(CatalogInsights.Report report) {
        unusedOffers.set(report.unusedOffers().size());
        nearDuplicates.set(report.nearDuplicates().size());
        unusedVersions.set(report.unusedVersions().size());
        pastSunset.set(report.pastSunset().size());
        Map<String, Long> unmet = new java.util.TreeMap<>();
        report.outcomes().forEach(outcome -> unmet.put(outcome.capability(), 0L));
        report.unmetDemand().forEach(entry -> unmet.merge(entry.capability(), entry.waited(), Long::sum));
        perCapability.get(UNMET).register(unmet.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("capability", e.getKey()), e.getValue())).toList(), true);
        rows(ACTIVE_TEAMS, report.outcomes(), CatalogInsights.Outcome::activeTeams);
        rows(REPEAT_TEAMS, report.outcomes(), CatalogInsights.Outcome::repeatTeams);
        rows(ABANDONED, report.outcomes(), CatalogInsights.Outcome::abandoned);
        rows(NEW_TEAMS, report.outcomes(), CatalogInsights.Outcome::newTeams);
        perCapability.get(FIRST_FULFILLED).register(report.outcomes().stream().filter(o -> o.timeToFirstFulfilledP50Ms() != null)
                .map(o -> MultiGauge.Row.of(Tags.of("capability", o.capability()), o.timeToFirstFulfilledP50Ms() / 1000.0)).toList(), true);
    }

    private void rows(String name, List<CatalogInsights.Outcome> outcomes, ToDoubleFunction<CatalogInsights.Outcome> value) {
        perCapability.get(name).register(outcomes.stream()
                .map(o -> MultiGauge.Row.of(Tags.of("capability", o.capability()), value.applyAsDouble(o))).toList(), true);
    }

    /** A report of the insights computed ({@code capmarket_insights_reports_total{source="computed"}}), in {@code took}. */
    public void insightsComputed(Duration took) {
        insightsReport("computed");
        Timer.builder("capmarket.insights.computation")
                .description("How long computing a report of the insights took (GET /v1/insights or the gauges' timer)")
                .register(registry)
                .record(took);
    }

    /**
     * A report of the insights answered without computing it: the latest over its window, younger
     * than insights.max-age, or the one another call was computing ({@code source="cached"}).
     */
    public void insightsCached() {
        insightsReport("cached");
    }

    private void insightsReport(String source) {
        Counter.builder("capmarket.insights.reports")
                .description("Reports of the insights computed, or answered again while younger than insights.max-age (cached)")
                .tag("source", source)
                .register(registry)
                .increment();
    }

    /** A submit refused because no such capability or version is offered (the tag is the reason only, never the name). */
    public void unmetDemandRefused(Refusals.Reason reason) {
        Counter.builder("capmarket.unmet.demand.refused")
                .description("Submits this instance refused because the catalog has no such capability or version")
                .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry)
                .increment();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * @param waiters reads waiting for a request to change
     * @param sseClients open event streams
     * @param accepted requests accepted and not yet in the store ({@link AcceptedRequests})
     * @param deciding submits with an Idempotency-Key being decided or waiting their turn ({@link Acceptor#deciding})
     * @param views the request views' tasks running here: catching up, their memories of ids, their list indexes' rebuilds
     * @param readBack records the starting tasks of the views read back ({@link PendingSubmits})
     */
    public void bind(KafkaStreams kafkaStreams, IntSupplier waiters, IntSupplier sseClients, IntSupplier accepted,
            IntSupplier deciding, LocalViews views, LongSupplier readBack) {
        streams = new KafkaStreamsMetrics(kafkaStreams);
        streams.bindTo(registry);
        Gauge.builder("capmarket.gateway.long.poll.waiters", waiters::getAsInt)
                .description("Reads waiting for a request to change (long-polls and event streams)")
                .register(registry);
        Gauge.builder("capmarket.gateway.accepted.unstored", accepted::getAsInt)
                .description("Requests this instance accepted whose first status has not reached its store yet (at most "
                        + AcceptedRequests.MAX_HELD + ")")
                .register(registry);
        Gauge.builder("capmarket.gateway.idempotent.submits.deciding", deciding::getAsInt)
                .description("Submits with an Idempotency-Key this instance is deciding or holding until the one before "
                        + "with the same key is decided (at most " + KeyedSequence.MAX_TASKS + ")")
                .register(registry);
        Gauge.builder("capmarket.gateway.sse.clients", sseClients::getAsInt)
                .description("Open Server-Sent Event streams").register(registry);
        Gauge.builder("capmarket.gateway.views.catching.up", views, LocalViews::catchingUp)
                .description("Partitions of the request views run here whose task started behind request-status and has not "
                        + "read up to where it was yet (the instance is not ready meanwhile)")
                .register(registry);
        FunctionCounter.builder("capmarket.gateway.read.back.records", readBack, LongSupplier::getAsLong)
                .description("Records of requests the starting tasks of the views read back, for the submits the topology had "
                        + "not taken yet")
                .register(registry);
        FunctionCounter.builder("capmarket.gateway.view.ids.full", views, LocalViews::idsFull)
                .description("Memories of the ids a store of the request views holds (the views', the decisions kept beside "
                        + "them) that passed their bound (" + WrittenKeys.MAX_KEYS + "): their reads of unknown ids read the store too")
                .register(registry);
        FunctionCounter.builder("capmarket.gateway.view.unreadable.dropped", views, LocalViews::unreadableDropped)
                .description("Views restored from request-status that could not be read, dropped when their task started "
                        + "(the views skip such a record when they read it)")
                .register(registry);
        FunctionTimer.builder("capmarket.gateway.list.index.rebuild", views, LocalViews::indexRebuilds,
                        LocalViews::indexRebuildNanos, TimeUnit.NANOSECONDS)
                .description("Rebuilds of a views task's list index from its views, one at each start of a task")
                .register(registry);
        FunctionCounter.builder("capmarket.gateway.list.index.rebuilt.entries", views, LocalViews::indexEntriesRebuilt)
                .description("List-index entries the rebuilds wrote, three or four per request view")
                .register(registry);
    }

    /**
     * Counts how often the schema registry client's bounded caches were emptied, as
     * {@code capmarket_schema_registry_cache_evictions_total} (see {@link SchemaRegistryClient#cacheEvictions()}).
     */
    public void bind(SchemaRegistryClient client) {
        FunctionCounter.builder("capmarket.schema.registry.cache.evictions", client, SchemaRegistryClient::cacheEvictions)
                .description("Times a full cache of the schema registry client was emptied (max.schemas.per.subject)")
                .register(registry);
    }

    /**
     * A record the views could not read, skipped ({@code unreadable}), retried because the
     * schema registry was unavailable ({@code registry-unavailable}), or failing the views because
     * the registry cannot be used as configured ({@code registry-misconfigured}).
     */
    public void unreadableRecord(String outcome) {
        Counter.builder("capmarket.gateway.unreadable.records")
                .description("Records the gateway's views could not read: skipped, or retried while the registry is unavailable")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /** A request refused by a rate limit ({@code scope}: caller or team). */
    public void rateLimited(RateLimits.Scope scope) {
        Counter.builder("capmarket.gateway.rate.limited")
                .description("Requests refused with 429: the caller or its team over its rate limit")
                .tag("scope", scope.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry)
                .increment();
    }

    /** A call refused at a bound of what callers hold open ({@code limit}: long-polls or event-streams, per team or per instance). */
    public void limitRefused(String limit) {
        Counter.builder("capmarket.gateway.limit.refusals")
                .description("Calls refused because a team or this instance held as many long-polls or event streams open as allowed")
                .tag("limit", limit)
                .register(registry)
                .increment();
    }

    /** A request body that did not arrive in full within {@code http.body-read-timeout} (answered 408). */
    public void bodyReadTimedOut() {
        Counter.builder("capmarket.gateway.body.read.timeouts")
                .description("Request bodies not received in full within http.body-read-timeout, answered 408")
                .register(registry)
                .increment();
    }

    /** A look at the token file: reloaded, or refused (the tokens in force stay). */
    public void tokensReloaded(TokenFile.Outcome outcome) {
        Counter.builder("capmarket.gateway.token.reloads")
                .description("Changes of the token file taken in force (reloaded) or refused (failed)")
                .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry)
                .increment();
    }

    /** Records one finished HTTP exchange. */
    public void record(Context ctx, float millis) {
        Timer.builder("capmarket.gateway.http.requests")
                .description("HTTP requests by method, route and status")
                .tag("method", ctx.method().name())
                .tag("route", route(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos((long) (millis * 1_000_000)));
    }

    /** The matched route's path pattern ({@code /v1/requests/{id}}), or {@code unmatched}: bounded label values. */
    static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String path = endpoint == null ? null : endpoint.path;
        return path == null || path.isEmpty() || path.equals("*") ? "unmatched" : path;
    }

    @Override
    public void close() {
        if (streams != null) {
            streams.close();
        }
        gc.close();
        registry.close();
    }
}
