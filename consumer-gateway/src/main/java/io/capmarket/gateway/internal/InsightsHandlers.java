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
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/insights}: catalog hygiene from demand ({@link CatalogInsights}), for any
 * authenticated role, over the catalog and scorecard global tables and this instance's
 * {@link Refusals}. The same computation, over the configured window, sets the insights gauges, on
 * each call with that window and on a timer ({@link #refresh}).
 */
public final class InsightsHandlers {

    /** The most catalog entries and scorecards read for one report. */
    static final int MAX_CAPABILITIES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(InsightsHandlers.class);
    private static final Principal.Role[] READERS = Principal.Role.values();

    /**
     * What the insights are computed with.
     *
     * @param window how far back a call that does not say looks ({@code insights.window}), and the gauges
     * @param duplicateSimilarity from which similarity two capabilities are near duplicates
     */
    public record Settings(Duration window, double duplicateSimilarity) {
    }

    private final Catalog catalog;
    private final Refusals refusals;
    private final Clock clock;
    private final Settings settings;
    private final Consumer<CatalogInsights.Report> gauges;

    /** @param gauges told of every report over the configured window */
    public InsightsHandlers(Catalog catalog, Refusals refusals, Clock clock, Settings settings, Consumer<CatalogInsights.Report> gauges) {
        this.catalog = catalog;
        this.refusals = refusals;
        this.clock = clock;
        this.settings = settings;
        this.gauges = gauges;
    }

    /** {@code GET /v1/insights?window=30d}. */
    public void insights(Context ctx) {
        HttpInput.principal(ctx, READERS);
        ctx.json(json(report(window(ctx.queryParam("window")))));
    }

    /** Computes the report over the configured window for the gauges; skipped while the stores restore. */
    public void refresh() {
        try {
            report(settings.window());
        } catch (RetryLaterException e) {
            LOG.debug("insights gauges not refreshed: {}", e.getMessage());
        } catch (RuntimeException e) {
            // the timer would stop calling again after an exception: log it and keep the next run
            LOG.warn("insights gauges not refreshed", e);
        }
    }

    private CatalogInsights.Report report(Duration window) {
        CatalogInsights.Report report = CatalogInsights.compute(catalog.capabilities(null, MAX_CAPABILITIES, view -> true),
                catalog.scores(null, MAX_CAPABILITIES, score -> true), refusals.counts(), refusals.since(), clock.instant(), window,
                settings.duplicateSimilarity());
        if (window.equals(settings.window())) {
            gauges.accept(report);
        }
        return report;
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
