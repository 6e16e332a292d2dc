package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.CapabilityDemand;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.LeadTimeFigures;
import io.capmarket.schemas.OfferDemand;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.TeamDemand;
import io.capmarket.schemas.UnmetDemand;
import io.capmarket.schemas.VersionDemand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The insights over a scripted history of a small marketplace, as of {@link #NOW} with a 30-day
 * window (which begins at {@link #FROM}, itself inside): unused offers and versions, unmet demand,
 * refusals, near duplicates, versions asked for past their sunset, and how new teams fared.
 */
class CatalogInsightsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");
    private static final Duration WINDOW = Duration.ofDays(30);
    private static final Instant FROM = NOW.minus(WINDOW);

    private static final String POSTGRES_V1 = schema("\"size\": {\"type\": \"string\"}, \"flavour\": {\"type\": \"string\"}");
    private static final String POSTGRES_V2 = schema("\"sizeGb\": {\"type\": \"integer\"}, \"engine\": {\"type\": \"string\"}, "
            + "\"region\": {\"type\": \"string\"}, \"backups\": {\"type\": \"boolean\"}, \"tier\": {\"type\": \"string\"}");

    // ---- the catalog ---------------------------------------------------------------------------

    /** v1 deprecated with a sunset passed, still asked for after it; v2 current; an offer of each kind of use. */
    private static final CapabilityView POSTGRES = capability("postgres-database",
            List.of(version(1, POSTGRES_V1, true, Instant.parse("2026-11-01T00:00:00Z")), version(2, POSTGRES_V2, false, null)),
            offer("pg-eu", 2, OfferStatus.ACTIVE), offer("pg-us", 2, OfferStatus.ACTIVE), offer("pg-old", 1, OfferStatus.DEPRECATED),
            offer("pg-gone", 2, OfferStatus.RETIRED));
    /** Postgres v2's parameters and one more: a near duplicate (5 of 6 pairs shared). Never asked for, and no scorecard yet. */
    private static final CapabilityView MANAGED_POSTGRES = capability("managed-postgres",
            List.of(version(1, schema("\"sizeGb\": {\"type\": \"integer\"}, \"engine\": {\"type\": \"string\"}, "
                    + "\"region\": {\"type\": \"string\"}, \"backups\": {\"type\": \"boolean\"}, \"tier\": {\"type\": \"string\"}, "
                    + "\"ha\": {\"type\": \"boolean\"}"), false, null)),
            offer("mp-1", 1, OfferStatus.ACTIVE));
    /** The same names as postgres v2 but sizeGb a string: 4 of 6 pairs shared, below 0.8. Its scorecard counts no demand. */
    private static final CapabilityView CACHE = capability("cache",
            List.of(version(1, schema("\"sizeGb\": {\"type\": \"string\"}, \"engine\": {\"type\": \"string\"}, "
                    + "\"region\": {\"type\": \"string\"}, \"backups\": {\"type\": \"boolean\"}, \"tier\": {\"type\": \"string\"}"),
                    false, null)),
            offer("cache-1", 1, OfferStatus.ACTIVE));
    /** Postgres v1's parameters exactly, but postgres is compared by its newest non-deprecated version (v2): no pair. */
    private static final CapabilityView MIRROR = capability("mirror-db",
            List.of(version(1, POSTGRES_V1, true, Instant.parse("2026-10-01T00:00:00Z")), version(2, POSTGRES_V1, false, null)),
            offer("mirror-1", 2, OfferStatus.ACTIVE));
    /** One property only: never compared. Matched exactly at the window's start: used. */
    private static final CapabilityView SEARCH = capability("search-index",
            List.of(version(1, schema("\"sizeGb\": {\"type\": \"integer\"}"), false, null)), offer("si-1", 1, OfferStatus.ACTIVE));

    // ---- what the topology counted ---------------------------------------------------------------

    private static final CapabilityDemand POSTGRES_DEMAND = new CapabilityDemand(
            List.of(new VersionDemand(1, 7L, Instant.parse("2026-11-20T09:00:00Z")), new VersionDemand(2, 40L, NOW.minusSeconds(60))),
            List.of(new OfferDemand("pg-eu", "db-team", 2, 30L, NOW.minus(Duration.ofHours(2))),
                    // matched 1 ms before the window: unused
                    new OfferDemand("pg-us", "db-team", 2, 10L, FROM.minusMillis(1))),
            List.of(new UnmetDemand(2, Map.of("region", List.of("ap-south")), 4L, 1L, NOW.minus(Duration.ofDays(2))),
                    new UnmetDemand(2, Map.of("region", List.of("sa-east")), 9L, 9L, NOW.minus(Duration.ofDays(31)))),
            List.of(team("alpha", 5, Instant.parse("2026-01-01T00:00:00Z"), NOW.minus(Duration.ofDays(1)),
                            Instant.parse("2026-01-01T00:10:00Z"), 0),
                    // a new team, FULFILLED 4 minutes after its first request
                    team("newbie", 1, Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T10:00:00Z"),
                            Instant.parse("2026-11-30T10:04:00Z"), 0),
                    // a new team, FULFILLED 10 minutes after its first request, back for more
                    team("newbie-2", 2, Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-02T00:00:00Z"),
                            Instant.parse("2026-12-01T00:10:00Z"), 0),
                    // a new team that gave up waiting
                    team("newbie-3", 1, Instant.parse("2026-12-02T00:00:00Z"), Instant.parse("2026-12-02T00:00:00Z"), null, 1),
                    // first and last request exactly at the window's start: new and active
                    team("boundary", 1, FROM, FROM, null, 0),
                    // gone quiet before the window
                    team("old", 3, Instant.parse("2025-05-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"),
                            Instant.parse("2025-05-01T01:00:00Z"), 2)));
    private static final CapabilityDemand SEARCH_DEMAND = new CapabilityDemand(
            List.of(new VersionDemand(1, 3L, FROM)),
            List.of(new OfferDemand("si-1", "search-team", 1, 3L, FROM)),
            List.of(new UnmetDemand(1, Map.of(), 2L, 0L, FROM)),
            List.of(team("beta", 3, Instant.parse("2026-06-01T00:00:00Z"), FROM, Instant.parse("2026-06-01T00:30:00Z"), 0)));
    private static final CapabilityDemand MIRROR_DEMAND = new CapabilityDemand(
            List.of(new VersionDemand(1, 2L, Instant.parse("2026-09-15T00:00:00Z")), new VersionDemand(2, 1L, NOW.minusSeconds(5))),
            List.of(new OfferDemand("mirror-1", "db-team", 2, 1L, NOW.minusSeconds(4))), List.of(), List.of());

    private static final List<CapabilityView> CATALOG = List.of(SEARCH, POSTGRES, MIRROR, CACHE, MANAGED_POSTGRES);
    private static final List<CapabilityScore> SCORES = List.of(score("postgres-database", POSTGRES_DEMAND),
            score("search-index", SEARCH_DEMAND), score("mirror-db", MIRROR_DEMAND), score("cache", null));

    private final Refusals refusals = new Refusals(Clock.fixed(NOW.minus(Duration.ofHours(5)), ZoneOffset.UTC), reason -> { });

    private CatalogInsights.Report report() {
        return CatalogInsights.compute(CATALOG, SCORES, refusals.counts(), refusals.since(), NOW, WINDOW, 0.8);
    }

    @Test
    void anOfferNotMatchedWithinTheWindowIsUnusedAndComesWithHowToDeprecateIt() {
        CatalogInsights.Report report = report();

        assertThat(report.unusedOffers()).extracting(CatalogInsights.UnusedOffer::offerId)
                .as("pg-eu and mirror-1 matched lately, si-1 exactly at the window's start; pg-gone is RETIRED; cache counts no demand")
                .containsExactly("mp-1", "pg-us", "pg-old");
        CatalogInsights.UnusedOffer pgUs = report.unusedOffers().get(1);
        assertThat(pgUs).isEqualTo(new CatalogInsights.UnusedOffer("postgres-database", "pg-us", "db-team", 2, OfferStatus.ACTIVE,
                FROM.minusMillis(1), pgUs.sunset()));
        assertThat(pgUs.sunset().date()).isEqualTo(LocalDate.parse("2027-01-03"));
        assertThat(pgUs.sunset().yaml()).isEqualTo("status: DEPRECATED\nsunset: 2027-01-03");
        assertThat(pgUs.sunset().sdk()).isEqualTo("producer.deprecate(\"pg-us\", Instant.parse(\"2027-01-03T00:00:00Z\"))");
        assertThat(report.unusedOffers().get(2).lastMatchedAt()).as("never matched").isNull();
        assertThat(report.unusedOffers().get(2).status()).isEqualTo(OfferStatus.DEPRECATED);
    }

    @Test
    void aVersionNotAskedForWithinTheWindowIsUnused() {
        assertThat(report().unusedVersions()).containsExactly(
                new CatalogInsights.UnusedVersion("managed-postgres", 1, null),
                new CatalogInsights.UnusedVersion("mirror-db", 1, Instant.parse("2026-09-15T00:00:00Z")));
    }

    @Test
    void unmetDemandWithinTheWindowIsListedTheMostWaitedFirst() {
        assertThat(report().unmetDemand()).as("sa-east waited last 31 days ago; search-index exactly at the window's start").containsExactly(
                new CatalogInsights.Unmet("postgres-database", 2, Map.of("region", List.of("ap-south")), 4, 1, NOW.minus(Duration.ofDays(2))),
                new CatalogInsights.Unmet("search-index", 1, Map.of(), 2, 0, FROM));
    }

    @Test
    void refusalsPassThroughWithSinceWhenTheyAreCounted() {
        refusals.refused("graph-db", 1, Refusals.Reason.UNKNOWN_CAPABILITY);
        refusals.refused("postgres-database", 7, Refusals.Reason.UNKNOWN_VERSION);
        refusals.refused("graph-db", 3, Refusals.Reason.UNKNOWN_CAPABILITY);

        CatalogInsights.Report report = report();

        Instant at = NOW.minus(Duration.ofHours(5));
        assertThat(report.refused()).containsExactly(
                new Refusals.Count("graph-db", null, Refusals.Reason.UNKNOWN_CAPABILITY, 2, at),
                new Refusals.Count("postgres-database", 7, Refusals.Reason.UNKNOWN_VERSION, 1, at));
        assertThat(report.refusedSince()).isEqualTo(at);
    }

    @Test
    void capabilitiesWhoseNewestCurrentParametersOverlapEnoughAreNearDuplicates() {
        assertThat(report().nearDuplicates()).containsExactly(new CatalogInsights.NearDuplicate(
                List.of("managed-postgres", "postgres-database"), 5 / 6.0, List.of("backups", "engine", "region", "sizeGb", "tier")));
        assertThat(CatalogInsights.compute(CATALOG, SCORES, List.of(), NOW, NOW, WINDOW, 0.6).nearDuplicates())
                .as("at 0.6 the cache, whose sizeGb is a string, joins: 4 pairs of 6 with postgres, 4 of 7 with managed-postgres")
                .extracting(d -> d.capabilities().get(0) + "~" + d.capabilities().get(1) + "=" + Math.round(d.similarity() * 1000))
                .containsExactly("managed-postgres~postgres-database=833", "cache~postgres-database=667");
        assertThat(CatalogInsights.compute(CATALOG, SCORES, List.of(), NOW, NOW, WINDOW, 1.0).nearDuplicates()).isEmpty();
    }

    @Test
    void nearDuplicatesAreCappedTheMostSimilarFirst() {
        String properties = "\"a\": {\"type\": \"string\"}, \"b\": {\"type\": \"string\"}, \"c\": {\"type\": [\"string\", \"null\"]}";
        List<CapabilityView> alike = new ArrayList<>(IntStream.range(0, 12).mapToObj(i -> capability("same-" + (char) ('a' + i),
                List.of(version(1, schema(properties), false, null)))).toList());
        alike.add(capability("unreadable", List.of(version(1, "{not json", false, null))));
        alike.add(capability("all-deprecated", List.of(version(1, schema(properties), true, NOW))));

        List<CatalogInsights.NearDuplicate> found = CatalogInsights.compute(alike, List.of(), List.of(), NOW, NOW, WINDOW, 0.8)
                .nearDuplicates();

        assertThat(found).as("66 identical pairs, the first 50 by name").hasSize(CatalogInsights.MAX_NEAR_DUPLICATES);
        assertThat(found.get(0)).isEqualTo(new CatalogInsights.NearDuplicate(List.of("same-a", "same-b"), 1.0, List.of("a", "b", "c")));
        assertThat(found).noneMatch(d -> d.capabilities().contains("unreadable") || d.capabilities().contains("all-deprecated"));
    }

    @Test
    void aDeprecatedVersionAskedForAfterItsSunsetIsListed() {
        assertThat(report().pastSunset()).as("mirror-db v1 was last asked for before its sunset").containsExactly(
                new CatalogInsights.PastSunset("postgres-database", 1, Instant.parse("2026-11-01T00:00:00Z"),
                        Instant.parse("2026-11-20T09:00:00Z")));
    }

    @Test
    void outcomesCountActiveNewAndRepeatTeamsAndTheMedianTimeANewTeamWaitedForItsFirstFulfilment() {
        assertThat(report().outcomes()).containsExactly(
                new CatalogInsights.Outcome("mirror-db", 0, 0, null, 0, 0),
                // active: alpha, newbie, newbie-2, newbie-3, boundary; new: all but alpha; repeat: alpha, newbie-2;
                // first FULFILLED after 4 and 10 minutes: a median of 7; abandoned: newbie-3's and old's
                new CatalogInsights.Outcome("postgres-database", 5, 4, 420_000L, 2, 3),
                new CatalogInsights.Outcome("search-index", 1, 0, null, 1, 0));
        assertThat(CatalogInsights.median(List.of(9L, 1L, 5L))).isEqualTo(5L);
        assertThat(CatalogInsights.median(List.of())).isNull();
    }

    @Test
    void theWindowMovesEveryJudgement() {
        CatalogInsights.Report shorter = CatalogInsights.compute(CATALOG, SCORES, List.of(), NOW, NOW, Duration.ofHours(1), 0.8);

        assertThat(shorter.unusedOffers()).extracting(CatalogInsights.UnusedOffer::offerId).as("pg-eu was matched 2 hours ago")
                .containsExactly("mp-1", "pg-eu", "pg-us", "pg-old", "si-1");
        assertThat(shorter.unmetDemand()).isEmpty();
        assertThat(shorter.pastSunset()).as("its version was last asked for days ago").isEmpty();
        assertThat(shorter.outcomes()).filteredOn(o -> o.capability().equals("postgres-database"))
                .containsExactly(new CatalogInsights.Outcome("postgres-database", 0, 0, null, 0, 3));
    }

    @Test
    void theWindowIsReadAndWrittenAsPeopleWriteIt() {
        assertThat(CatalogInsights.WINDOW_PARSER.apply("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(CatalogInsights.WINDOW_PARSER.apply("365d")).isEqualTo(Duration.ofDays(365));
        assertThat(CatalogInsights.WINDOW_PARSER.apply("PT36H")).isEqualTo(Duration.ofHours(36));
        for (String wrong : List.of("59m", "366d", "0s", "-1d", "soon")) {
            assertThatThrownBy(() -> CatalogInsights.WINDOW_PARSER.apply(wrong)).as(wrong).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(List.of(Duration.ofDays(30), Duration.ofHours(36), Duration.ofMinutes(90), Duration.ofSeconds(45),
                Duration.ofMillis(1500))).extracting(CatalogInsights::format).containsExactly("30d", "36h", "90m", "45s", "1500ms");
    }

    @Test
    void theAnswerRendersEverySectionWithInstantsAsIsoAndNullsWhereNothingHappened() {
        refusals.refused("graph-db", 1, Refusals.Reason.UNKNOWN_CAPABILITY);

        JsonNode json = InsightsHandlers.json(report());

        assertThat(json.get("at").asText()).isEqualTo("2026-12-04T20:00:00Z");
        assertThat(json.get("window").asText()).isEqualTo("30d");
        assertThat(json.get("unusedOffers").get(2).toString()).isEqualTo("{\"capability\":\"postgres-database\",\"offerId\":\"pg-old\","
                + "\"producerId\":\"db-team\",\"version\":1,\"status\":\"DEPRECATED\",\"lastMatchedAt\":null,\"sunset\":{\"date\":\"2027-01-03\","
                + "\"yaml\":\"status: DEPRECATED\\nsunset: 2027-01-03\",\"sdk\":\"producer.deprecate(\\\"pg-old\\\", "
                + "Instant.parse(\\\"2027-01-03T00:00:00Z\\\"))\"}}");
        assertThat(json.get("unusedVersions").get(0).toString())
                .isEqualTo("{\"capability\":\"managed-postgres\",\"version\":1,\"lastRequestedAt\":null}");
        assertThat(json.get("unmetDemand").get(0).toString()).isEqualTo("{\"capability\":\"postgres-database\",\"version\":2,"
                + "\"constraints\":{\"region\":[\"ap-south\"]},\"waited\":4,\"failed\":1,\"lastAt\":\"2026-12-02T20:00:00Z\"}");
        assertThat(json.get("refused").toString()).isEqualTo("[{\"capability\":\"graph-db\",\"version\":null,\"reason\":\"unknown capability\","
                + "\"count\":1,\"lastAt\":\"2026-12-04T15:00:00Z\"}]");
        assertThat(json.get("refusedSince").asText()).isEqualTo("2026-12-04T15:00:00Z");
        assertThat(json.get("nearDuplicates").toString()).isEqualTo("[{\"capabilities\":[\"managed-postgres\",\"postgres-database\"],"
                + "\"similarity\":0.833,\"shared\":[\"backups\",\"engine\",\"region\",\"sizeGb\",\"tier\"]}]");
        assertThat(json.get("pastSunset").toString()).isEqualTo("[{\"capability\":\"postgres-database\",\"version\":1,"
                + "\"sunset\":\"2026-11-01T00:00:00Z\",\"lastRequestedAt\":\"2026-11-20T09:00:00Z\"}]");
        assertThat(json.get("outcomes").get(1).toString()).isEqualTo("{\"capability\":\"postgres-database\",\"activeTeams\":5,"
                + "\"newTeams\":4,\"timeToFirstFulfilledP50Ms\":420000,\"repeatTeams\":2,\"abandoned\":3}");
        assertThat(json.get("outcomes").get(0).get("timeToFirstFulfilledP50Ms").isNull()).isTrue();
    }

    // ---- building the history --------------------------------------------------------------------

    private static String schema(String properties) {
        return "{\"type\": \"object\", \"properties\": {" + properties + "}}";
    }

    private static CapabilityVersionView version(int version, String parameterSchema, boolean deprecated, Instant sunset) {
        return new CapabilityVersionView(version, parameterSchema, "{}", deprecated, sunset, null);
    }

    private static CapabilityView capability(String name, List<CapabilityVersionView> versions, OfferView... offers) {
        return CapabilityView.newBuilder().setName(name).setDescription(null).setVersions(versions).setOffers(List.of(offers))
                .setUpdatedAt(NOW).build();
    }

    private static OfferView offer(String offerId, int version, OfferStatus status) {
        return OfferView.newBuilder().setOfferId(offerId).setProducerId(offerId.startsWith("si-") ? "search-team" : "db-team")
                .setVersion(version).setStatus(status).setAttributes(Map.of("region", "eu-west")).setCapacity(5).setInFlight(0)
                .setLeadTimeSloMs(60_000).setProducerLive(true).setObserved(new LeadTimeFigures(0L, null, null)).build();
    }

    private static TeamDemand team(String team, long requests, Instant first, Instant last, Instant firstFulfilled, long abandoned) {
        return new TeamDemand(team, requests, first, last, firstFulfilled, abandoned);
    }

    /** A scorecard carrying only what insights read: the capability and its demand. */
    private static CapabilityScore score(String capability, CapabilityDemand demand) {
        CapabilityScore score = new CapabilityScore();
        score.setCapability(capability);
        score.setDemand(demand);
        return score;
    }
}
