package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RetryLaterException;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/insights}: catalog hygiene from demand ({@link CatalogInsights}), for any
 * authenticated role, over the catalog and scorecard global tables and this instance's
 * {@link Refusals}. The same computation, over the configured window, sets the insights gauges, on
 * each computation over that window and on a timer ({@link #refresh}).
 *
 * <p>Bounded: a report is computed at most once per window per max-age. The latest report of each
 * of at most {@link #MAX_WINDOWS} windows is kept (the window computed longest ago dropped first,
 * whose running computation still answers its callers) and answered again while younger than
 * max-age (its {@code at} tells when it was computed); one computation per window runs at a time,
 * the other callers for that window wait for it and share its report, or its failure, which is not
 * kept. No lock is held while computing. Counted as
 * {@code capmarket_insights_reports_total{source}} ({@link GatewayMetrics#insightsComputed},
 * {@link GatewayMetrics#insightsCached}).
 */
public final class InsightsHandlers {

    /** The most catalog entries and scorecards read for one report. */
    static final int MAX_CAPABILITIES = 10_000;
    /** The most windows whose latest report is kept. */
    static final int MAX_WINDOWS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(InsightsHandlers.class);
    private static final Principal.Role[] READERS = Principal.Role.values();

    /**
     * What the insights are computed with.
     *
     * @param window how far back a call that does not say looks ({@code insights.window}), and the gauges
     * @param duplicateSimilarity from which similarity two capabilities are near duplicates
     * @param maxAge how long a report is answered again before it is computed anew ({@code insights.max-age})
     */
    public record Settings(Duration window, double duplicateSimilarity, Duration maxAge) {
    }

    private final Function<Duration, CatalogInsights.Report> compute;
    private final Clock clock;
    private final Settings settings;
    private final GatewayMetrics metrics;
    /** The latest report by window, or its computation while it runs; the least recently computed first. */
    private final Map<Duration, CompletableFuture<CatalogInsights.Report>> latest = new LinkedHashMap<>();

    /** @param metrics told of every report, and its gauges of every one over the configured window */
    public InsightsHandlers(Catalog catalog, Refusals refusals, Clock clock, Settings settings, GatewayMetrics metrics) {
        this(window -> CatalogInsights.compute(catalog.capabilities(null, MAX_CAPABILITIES, view -> true),
                catalog.scores(null, MAX_CAPABILITIES, score -> true), refusals.counts(), refusals.since(), clock.instant(), window,
                settings.duplicateSimilarity()), clock, settings, metrics);
    }

    /** @param compute the report over a window, {@code at} the clock's instant */
    InsightsHandlers(Function<Duration, CatalogInsights.Report> compute, Clock clock, Settings settings, GatewayMetrics metrics) {
        this.compute = compute;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** {@code GET /v1/insights?window=30d}. */
    public void insights(Context ctx) {
        HttpInput.principal(ctx, READERS);
        ctx.json(json(report(window(ctx.queryParam("window")))));
    }

    /**
     * Computes the report over the configured window for the gauges, unless one younger than max-age
     * is there already (the gauges were set from it); skipped while the stores restore, or while that
     * report is being computed.
     */
    public void refresh() {
        try {
            if (report(settings.window(), false).isEmpty()) {
                LOG.debug("insights gauges not refreshed: a report over {} is being computed",
                        CatalogInsights.format(settings.window()));
            }
        } catch (RetryLaterException e) {
            LOG.debug("insights gauges not refreshed: {}", e.getMessage());
        } catch (RuntimeException e) {
            // the timer would stop calling again after an exception: log it and keep the next run
            LOG.warn("insights gauges not refreshed", e);
        }
    }

    /** The report over a window: the latest while younger than max-age, else computed here or by the call computing it. */
    CatalogInsights.Report report(Duration window) {
        return report(window, true).orElseThrow();
    }

    /**
     * The report over a window: the latest while younger than max-age, else a new one, computed by
     * this call, or by the call computing it already: waited for, unless {@code wait} is false (empty).
     */
    private Optional<CatalogInsights.Report> report(Duration window, boolean wait) {
        CompletableFuture<CatalogInsights.Report> report;
        CompletableFuture<CatalogInsights.Report> computing = null;
        synchronized (latest) {
            report = latest.get(window);
            if (report == null || report.isDone() && !fresh(report.join())) {
                computing = new CompletableFuture<>();
                latest.remove(window);
                latest.put(window, computing);
                if (latest.size() > MAX_WINDOWS) {
                    latest.remove(latest.keySet().iterator().next());
                }
                report = computing;
            } else if (!report.isDone() && !wait) {
                return Optional.empty();
            }
        }
        if (computing != null) {
            return Optional.of(compute(window, computing));
        }
        CatalogInsights.Report shared = join(report);
        metrics.insightsCached();
        return Optional.of(shared);
    }

    /** Whether a report is younger than max-age (one from a later instant than now, the clock set back, is not). */
    private boolean fresh(CatalogInsights.Report report) {
        Duration age = Duration.between(report.at(), clock.instant());
        return !age.isNegative() && age.compareTo(settings.maxAge()) < 0;
    }

    /** Computes the report over a window into {@code computing}, or its failure, which is not kept. */
    private CatalogInsights.Report compute(Duration window, CompletableFuture<CatalogInsights.Report> computing) {
        long start = System.nanoTime();
        try {
            CatalogInsights.Report report = compute.apply(window);
            metrics.insightsComputed(Duration.ofNanos(System.nanoTime() - start));
            if (window.equals(settings.window())) {
                metrics.insights(report);
            }
            computing.complete(report);
            return report;
        } catch (Throwable e) {
            synchronized (latest) {
                latest.remove(window, computing);
            }
            computing.completeExceptionally(e);
            throw e;
        }
    }

    /** A shared computation's report, or its failure as it was thrown. */
    private static CatalogInsights.Report join(CompletableFuture<CatalogInsights.Report> report) {
        try {
            return report.join();
        } catch (CompletionException e) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** The {@code window} query parameter ({@link CatalogInsights#WINDOW_RULE}), else the configured window. */
    private Duration window(String text) {
        if (text == null || text.isEmpty()) {
            return settings.window();
        }
        try {
            return (Duration) CatalogInsights.WINDOW_PARSER.apply(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedRequestException("the query parameter window is invalid",
                    List.of(new FieldError("window", text, CatalogInsights.WINDOW_RULE)));
        }
    }

    /** The answer's JSON: instants as ISO-8601, the window as written ({@code 30d}). */
    static JsonNode json(CatalogInsights.Report report) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("at", report.at().toString());
        root.put("window", CatalogInsights.format(report.window()));
        ArrayNode unusedOffers = root.putArray("unusedOffers");
        report.unusedOffers().forEach(offer -> {
            ObjectNode node = unusedOffers.addObject().put("capability", offer.capability()).put("offerId", offer.offerId())
                    .put("producerId", offer.producerId()).put("version", offer.version()).put("status", offer.status().name());
            instant(node, "lastMatchedAt", offer.lastMatchedAt());
            node.putObject("sunset").put("date", offer.sunset().date().toString()).put("yaml", offer.sunset().yaml())
                    .put("sdk", offer.sunset().sdk());
        });
        ArrayNode unusedVersions = root.putArray("unusedVersions");
        report.unusedVersions().forEach(version -> instant(unusedVersions.addObject().put("capability", version.capability())
                .put("version", version.version()), "lastRequestedAt", version.lastRequestedAt()));
        ArrayNode unmet = root.putArray("unmetDemand");
        report.unmetDemand().forEach(entry -> {
            ObjectNode node = unmet.addObject().put("capability", entry.capability()).put("version", entry.version());
            ObjectNode constraints = node.putObject("constraints");
            entry.constraints().forEach((name, values) -> values.forEach(constraints.putArray(name)::add));
            node.put("waited", entry.waited()).put("failed", entry.failed());
            instant(node, "lastAt", entry.lastAt());
        });
        ArrayNode refused = root.putArray("refused");
        report.refused().forEach(count -> instant(refused.addObject().put("capability", count.capability())
                .put("version", count.version()).put("reason", count.reason().label()).put("count", count.count()),
                "lastAt", count.lastAt()));
        instant(root, "refusedSince", report.refusedSince());
        ArrayNode duplicates = root.putArray("nearDuplicates");
        report.nearDuplicates().forEach(pair -> {
            ObjectNode node = duplicates.addObject();
            pair.capabilities().forEach(node.putArray("capabilities")::add);
            node.put("similarity", Math.round(pair.similarity() * 1000) / 1000.0);
            pair.shared().forEach(node.putArray("shared")::add);
        });
        ArrayNode pastSunset = root.putArray("pastSunset");
        report.pastSunset().forEach(version -> instant(instant(pastSunset.addObject().put("capability", version.capability())
                .put("version", version.version()), "sunset", version.sunset()), "lastRequestedAt", version.lastRequestedAt()));
        ArrayNode outcomes = root.putArray("outcomes");
        report.outcomes().forEach(outcome -> outcomes.addObject().put("capability", outcome.capability())
                .put("activeTeams", outcome.activeTeams()).put("newTeams", outcome.newTeams())
                .put("timeToFirstFulfilledP50Ms", outcome.timeToFirstFulfilledP50Ms()).put("repeatTeams", outcome.repeatTeams())
                .put("abandoned", outcome.abandoned()));
        return root;
    }

    private static ObjectNode instant(ObjectNode node, String name, Instant at) {
        return at == null ? node.putNull(name) : node.put(name, at.toString());
    }
}
