package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.CapabilityDemand;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.TeamDemand;
import io.capmarket.schemas.UnmetDemand;
import io.capmarket.schemas.config.ConfigParsers;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Catalog hygiene from demand: offers nobody uses, versions nobody asks for, demand no offer fits,
 * submits refused for a capability or version nobody offers, capabilities that look like each other,
 * versions still asked for past their sunset, and how new teams fare. Pure: the catalog, the
 * scorecards' {@link CapabilityDemand} (counts since the topology began, each entry with when it
 * last moved), this instance's {@link Refusals}, {@code now} and the window in; a {@link Report} out.
 *
 * <p>"Within the window" means at or after {@code now - window}. A capability whose scorecard
 * carries no demand (a topology that does not count it) is left out of the demand-based lists; one
 * without a scorecard yet counts as never asked for. The catalog keeps no time an offer was listed
 * at, so every listed offer (not RETIRED) is judged, however recently it came.
 */
public final class CatalogInsights {

    /** The shortest window. */
    public static final Duration MIN_WINDOW = Duration.ofHours(1);
    /** The longest window. */
    public static final Duration MAX_WINDOW = Duration.ofDays(365);
    /** The default window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    /** The rule of a window, in configuration and in {@code ?window=}. */
    public static final String WINDOW_RULE = "a duration from 1h to 365d, like 30d or 12h";
    /** Reads a window ({@link #WINDOW_RULE}); throws {@link IllegalArgumentException} otherwise. */
    public static final Function<String, Object> WINDOW_PARSER = ConfigParsers.durationBetween(MIN_WINDOW, MAX_WINDOW, WINDOW_RULE);
    /** The default similarity from which two capabilities are near duplicates. */
    public static final double DEFAULT_DUPLICATE_SIMILARITY = 0.8;
    /** The most near-duplicate pairs reported, the most similar first. */
    public static final int MAX_NEAR_DUPLICATES = 50;
    /** How far ahead the sunset suggested for an unused offer is: the notice consumers get to move on. */
    public static final Duration SUNSET_NOTICE = Duration.ofDays(30);
    /** The fewest top-level properties a parameter schema needs for its capability to be compared. */
    static final int MIN_PROPERTIES = 2;
    /** Separates a property's name from its type in the pairs compared; no JSON type holds it. */
    private static final char TYPE_SEPARATOR = '\u0000';

    private CatalogInsights() {
    }

    /**
     * What one computation found.
     *
     * @param refusedSince since when {@code refused} counts (this instance's start)
     */
    public record Report(Instant at, Duration window, List<UnusedOffer> unusedOffers, List<UnusedVersion> unusedVersions,
            List<Unmet> unmetDemand, List<Refusals.Count> refused, Instant refusedSince, List<NearDuplicate> nearDuplicates,
            List<PastSunset> pastSunset, List<Outcome> outcomes) {
    }

    /**
     * A listed offer matched to no request within the window, with how its producer would deprecate it.
     *
     * @param lastMatchedAt when a request was last matched to it, or null when never
     */
    public record UnusedOffer(String capability, String offerId, String producerId, int version, OfferStatus status,
            Instant lastMatchedAt, SunsetHint sunset) {
    }

    /**
     * How a producer deprecates an offer, announcing a sunset {@link #SUNSET_NOTICE} ahead.
     *
     * @param date the suggested sunset
     * @param yaml the lines of an offer file ({@code capmarket sync})
     * @param sdk the producer SDK's call
     */
    public record SunsetHint(LocalDate date, String yaml, String sdk) {

        static SunsetHint of(String offerId, Instant now) {
            LocalDate date = LocalDate.ofInstant(now.plus(SUNSET_NOTICE), ZoneOffset.UTC);
            return new SunsetHint(date, "status: DEPRECATED\nsunset: " + date,
                    "producer.deprecate(\"" + offerId + "\", Instant.parse(\"" + date + "T00:00:00Z\"))");
        }
    }

    /** @param lastRequestedAt when it was last asked for, or null when never */
    public record UnusedVersion(String capability, int version, Instant lastRequestedAt) {
    }

    /**
     * Requests that waited because no offer fits them, by group (version and constraints), for the
     * groups that waited within the window; the counts are the groups' own, since the topology began
     * counting them: a producer to recruit.
     */
    public record Unmet(String capability, int version, Map<String, List<String>> constraints, long waited, long failed, Instant lastAt) {
    }

    /**
     * Two capabilities whose parameters look alike.
     *
     * @param capabilities the two names, in order
     * @param similarity the Jaccard similarity of their top-level (property, JSON type) pairs
     * @param shared the property names they share with the same type
     */
    public record NearDuplicate(List<String> capabilities, double similarity, List<String> shared) {
    }

    /** A deprecated version asked for after its sunset. */
    public record PastSunset(String capability, int version, Instant sunset, Instant lastRequestedAt) {
    }

    /**
     * How teams fare with one capability.
     *
     * @param activeTeams teams with a request within the window
     * @param newTeams teams whose first request is within the window
     * @param timeToFirstFulfilledP50Ms the median, over new teams with a FULFILLED request, from their first request to their
     *     first FULFILLED; null when there is none
     * @param repeatTeams active teams with two requests or more (all time)
     * @param abandoned requests cancelled while they waited for an offer, every team's, all time
     */
    public record Outcome(String capability, int activeTeams, int newTeams, Long timeToFirstFulfilledP50Ms, int repeatTeams,
            long abandoned) {
    }

    /**
     * Computes the report.
     *
     * @param catalog the catalog's entries
     * @param scores the scorecards, at most one per capability
     * @param refused this instance's refusals ({@link Refusals#counts()})
     * @param refusedSince since when they are counted
     * @param window how far back "recently" reaches
     * @param duplicateSimilarity from which similarity (0..1) two capabilities are near duplicates
     */
    public static Report compute(Collection<CapabilityView> catalog, Collection<CapabilityScore> scores, List<Refusals.Count> refused,
            Instant refusedSince, Instant now, Duration window, double duplicateSimilarity) {
        Instant from = now.minus(window);
        Map<String, CapabilityScore> scoreOf = new HashMap<>();
        scores.forEach(score -> scoreOf.put(score.getCapability(), score));
        List<CapabilityView> byName = catalog.stream().sorted(Comparator.comparing(CapabilityView::getName)).toList();

        List<UnusedOffer> unusedOffers = new ArrayList<>();
        List<UnusedVersion> unusedVersions = new ArrayList<>();
        List<PastSunset> pastSunset = new ArrayList<>();
        for (CapabilityView capability : byName) {
            CapabilityScore score = scoreOf.get(capability.getName());
            if (score != null && score.getDemand() == null) {
                continue;
            }
            CapabilityDemand demand = score == null ? null : score.getDemand();
            Map<String, Instant> matched = new HashMap<>();
            Map<Integer, Instant> requested = new HashMap<>();
            if (demand != null) {
                demand.getOffers().forEach(offer -> matched.merge(offer.getOfferId(), offer.getLastMatchedAt(), CatalogInsights::later));
                demand.getVersions().forEach(v -> requested.merge(v.getVersion(), v.getLastRequestedAt(), CatalogInsights::later));
            }
            for (OfferView offer : capability.getOffers()) {
                Instant last = matched.get(offer.getOfferId());
                if (offer.getStatus() != OfferStatus.RETIRED && !within(last, from)) {
                    unusedOffers.add(new UnusedOffer(capability.getName(), offer.getOfferId(), offer.getProducerId(), offer.getVersion(),
                            offer.getStatus(), last, SunsetHint.of(offer.getOfferId(), now)));
                }
            }
            for (CapabilityVersionView version : capability.getVersions()) {
                Instant last = requested.get(version.getVersion());
                if (!within(last, from)) {
                    unusedVersions.add(new UnusedVersion(capability.getName(), version.getVersion(), last));
                }
                Instant sunset = version.getSunsetAt();
                if (version.getDeprecated() && sunset != null && sunset.isBefore(now) && last != null && last.isAfter(sunset)
                        && within(last, from)) {
                    pastSunset.add(new PastSunset(capability.getName(), version.getVersion(), sunset, last));
                }
            }
        }

        List<Unmet> unmet = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        scores.stream().filter(score -> score.getDemand() != null).sorted(Comparator.comparing(CapabilityScore::getCapability))
                .forEach(score -> {
                    for (UnmetDemand entry : score.getDemand().getUnmet()) {
                        if (within(entry.getLastAt(), from)) {
                            unmet.add(new Unmet(score.getCapability(), entry.getVersion(), new TreeMap<>(entry.getConstraints()),
                                    entry.getWaited(), entry.getFailed(), entry.getLastAt()));
                        }
                    }
                    outcomes.add(outcome(score.getCapability(), score.getDemand().getTeams(), from));
                });
        unmet.sort(Comparator.comparingLong(Unmet::waited).reversed().thenComparing(Unmet::capability)
                .thenComparingInt(Unmet::version));

        return new Report(now, window, List.copyOf(unusedOffers), List.copyOf(unusedVersions), List.copyOf(unmet), List.copyOf(refused),
                refusedSince, nearDuplicates(byName, duplicateSimilarity), List.copyOf(pastSunset), List.copyOf(outcomes));
    }

    private static Outcome outcome(String capability, List<TeamDemand> teams, Instant from) {
        int active = 0;
        int repeat = 0;
        long abandoned = 0;
        List<Long> firstFulfilled = new ArrayList<>();
        int fresh = 0;
        for (TeamDemand team : teams) {
            abandoned += team.getAbandoned();
            if (within(team.getLastRequestedAt(), from)) {
                active++;
                if (team.getRequests() >= 2) {
                    repeat++;
                }
            }
            if (within(team.getFirstRequestedAt(), from)) {
                fresh++;
                if (team.getFirstFulfilledAt() != null) {
                    firstFulfilled.add(Duration.between(team.getFirstRequestedAt(), team.getFirstFulfilledAt()).toMillis());
                }
            }
        }
        return new Outcome(capability, active, fresh, median(firstFulfilled), repeat, abandoned);
    }

    /** The median (the mean of the middle two of an even count), or null of nothing. */
    static Long median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /**
     * Pairs of capabilities whose newest non-deprecated version's parameter schema has top-level
     * (property, JSON type) pairs with a Jaccard similarity of at least {@code threshold}, both with
     * at least {@value #MIN_PROPERTIES} properties; the {@value #MAX_NEAR_DUPLICATES} most similar,
     * then by names. Quadratic in the capabilities, over small sets: a catalog of hundreds is cheap.
     */
    static List<NearDuplicate> nearDuplicates(List<CapabilityView> byName, double threshold) {
        List<String> names = new ArrayList<>();
        List<Set<String>> properties = new ArrayList<>();
        for (CapabilityView capability : byName) {
            Set<String> typed = typedProperties(capability);
            if (typed.size() >= MIN_PROPERTIES) {
                names.add(capability.getName());
                properties.add(typed);
            }
        }
        List<NearDuplicate> found = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Set<String> shared = new TreeSet<>(properties.get(i));
                shared.retainAll(properties.get(j));
                int union = properties.get(i).size() + properties.get(j).size() - shared.size();
                double similarity = (double) shared.size() / union;
                if (similarity >= threshold) {
                    found.add(new NearDuplicate(List.of(names.get(i), names.get(j)), similarity,
                            shared.stream().map(pair -> pair.substring(0, pair.indexOf(TYPE_SEPARATOR))).sorted().toList()));
                }
            }
        }
        found.sort(Comparator.comparingDouble(NearDuplicate::similarity).reversed()
                .thenComparing(d -> d.capabilities().get(0)).thenComparing(d -> d.capabilities().get(1)));
        return List.copyOf(found.subList(0, Math.min(found.size(), MAX_NEAR_DUPLICATES)));
    }

    /**
     * The top-level properties of the newest non-deprecated version's parameter schema, each as
     * "name, type" ({@code type} as written: one type, several joined, or none); empty when there is
     * no such version or its schema cannot be read.
     */
    static Set<String> typedProperties(CapabilityView capability) {
        CapabilityVersionView newest = capability.getVersions().stream().filter(v -> !v.getDeprecated())
                .max(Comparator.comparingInt(CapabilityVersionView::getVersion)).orElse(null);
        if (newest == null) {
            return Set.of();
        }
        JsonNode schema;
        try {
            schema = Json.MAPPER.readTree(newest.getParameterSchema());
        } catch (IOException e) {
            return Set.of();
        }
        JsonNode properties = schema == null ? null : schema.get("properties");
        if (properties == null || !properties.isObject()) {
            return Set.of();
        }
        Set<String> typed = new HashSet<>();
        properties.properties().forEach(property -> typed.add(property.getKey() + TYPE_SEPARATOR + type(property.getValue())));
        return typed;
    }

    private static String type(JsonNode property) {
        JsonNode type = property.get("type");
        if (type == null) {
            return "";
        }
        if (type.isArray()) {
            Set<String> types = new TreeSet<>();
            type.forEach(t -> types.add(t.asText()));
            return String.join("|", types);
        }
        return type.asText();
    }

    /** The window as people write it: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, else milliseconds. */
    public static String format(Duration window) {
        return ConfigParsers.describe(window);
    }

    private static boolean within(Instant at, Instant from) {
        return at != null && !at.isBefore(from);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
