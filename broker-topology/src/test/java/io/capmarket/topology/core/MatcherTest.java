package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.within;

import io.capmarket.schemas.OfferStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MatcherTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final String CAPABILITY = "postgres-database";
    private static final Duration BOUND = MatchingPolicy.DEFAULT_LIVENESS_BOUND;
    /** An idle, never-observed, never-failed offer under the default weights (1 + 1 + 2 + 1). */
    private static final double PERFECT = 5.0;

    private Matcher matcher = new Matcher(MatchingPolicy.ofDefaults());
    private final List<Offer> offers = new ArrayList<>();
    private final Map<String, OfferLoad> loads = new HashMap<>();
    private final Map<String, ProducerLiveness> liveness = new HashMap<>();

    @Test
    void rejectsANullPolicy() {
        assertThatNullPointerException().isThrownBy(() -> new Matcher(null)).withMessage("policy");
    }

    @Test
    void matchesAnIdleActiveOfferWithoutALoadEntry() {
        Offer a = offer("offer-a").add();

        Decision decision = match(request());

        assertThat(chosen(decision)).isEqualTo(new Chosen(a, PERFECT));
    }

    @Nested
    class Filter {

        @Test
        void anotherMajorVersionIsNeverMatchedEvenWhenItWouldScoreHigher() {
            offer("offer-a").capacity(10).add();
            load("offer-a", 9, null, 0.5);
            offer("offer-b").version(2).add();

            assertThat(matchedId(request())).isEqualTo("offer-a");
            assertThat(matchedId(request(2))).isEqualTo("offer-b");
        }

        @Test
        void anotherCapabilityIsIgnored() {
            offer("offer-a").capability("redis-cache").add();

            assertThat(noMatchReason(request())).isEqualTo("no offer of postgres-database v1");
        }

        @ParameterizedTest
        @EnumSource(value = OfferStatus.class, names = "ACTIVE", mode = EnumSource.Mode.EXCLUDE)
        void onlyActiveOffersAreMatched(OfferStatus status) {
            offer("offer-a").status(status).add();

            assertThat(noMatchReason(request()))
                    .isEqualTo("no offer can serve postgres-database v1: offer-a " + status);
        }

        @Test
        void aProducerThatNeverSentAHeartbeatIsNotLive() {
            offer("offer-a").producer("db-team").add();
            liveness.remove("db-team");

            assertThat(noMatchReason(request()))
                    .isEqualTo("no offer can serve postgres-database v1: "
                            + "offer-a producer db-team not live (no heartbeat)");
        }

        @Test
        void anUnhealthyProducerIsNotLiveEvenWithAFreshHeartbeat() {
            offer("offer-a").producer("db-team").add();
            heartbeat("db-team", NOW, false);

            assertThat(noMatchReason(request()))
                    .isEqualTo("no offer can serve postgres-database v1: "
                            + "offer-a producer db-team not live (unhealthy)");
        }

        @Test
        void aHeartbeatOlderThanTheBoundIsStale() {
            offer("offer-a").producer("db-team").add();
            heartbeat("db-team", NOW.minus(BOUND).minusMillis(1), true);

            assertThat(noMatchReason(request())).isEqualTo(
                    "no offer can serve postgres-database v1: "
                            + "offer-a producer db-team not live (last heartbeat 30.001s ago)");
        }

        @Test
        void aHeartbeatExactlyAtTheBoundIsFresh() {
            offer("offer-a").producer("db-team").add();
            heartbeat("db-team", NOW.minus(BOUND), true);

            assertThat(matchedId(request())).isEqualTo("offer-a");
        }

        @Test
        void aHeartbeatFromTheFutureIsFresh() {
            offer("offer-a").producer("db-team").add();
            heartbeat("db-team", NOW.plus(Duration.ofMinutes(5)), true);

            assertThat(matchedId(request())).isEqualTo("offer-a");
        }

        @Test
        void theLivenessBoundComesFromThePolicy() {
            matcher = new Matcher(MatchingPolicy.ofDefaults().withLivenessBound(Duration.ofSeconds(5)));
            offer("offer-a").producer("db-team").add();
            offer("offer-b").producer("cache-team").add();
            heartbeat("db-team", NOW.minusSeconds(6), true);
            heartbeat("cache-team", NOW.minusSeconds(5), true);

            assertThat(matchedId(request())).isEqualTo("offer-b");
            assertThat(noMatchReason(request(Set.of("offer-b")))).isEqualTo(
                    "no offer can serve postgres-database v1: "
                            + "offer-a producer db-team not live (last heartbeat 6s ago), "
                            + "offer-b already tried");
        }

        @Test
        void aFullOfferIsNotMatchedAndOneWithASlotLeftIs() {
            offer("offer-a").capacity(3).add();
            load("offer-a", 3, null, 0.0);

            assertThat(noMatchReason(request()))
                    .isEqualTo("no offer can serve postgres-database v1: offer-a full (3/3)");

            load("offer-a", 2, null, 0.0);
            assertThat(matchedId(request())).isEqualTo("offer-a");
        }

        @Test
        void anOverAssignedOrZeroCapacityOfferIsFull() {
            offer("offer-a").capacity(3).add();
            load("offer-a", 4, null, 0.0);
            offer("offer-b").capacity(0).add();

            assertThat(noMatchReason(request()))
                    .isEqualTo("no offer can serve postgres-database v1: offer-a full (4/3), offer-b full (0/0)");
        }

        @Test
        void aSingleValueConstraintIsEquality() {
            offer("offer-a").attribute("region", "eu-west").add();

            assertThat(matchedId(constrained(Map.of("region", List.of("eu-west"))))).isEqualTo("offer-a");
            assertThat(noMatchReason(constrained(Map.of("region", List.of("eu-north"))))).isEqualTo(
                    "no offer can serve postgres-database v1: offer-a constraint region=[eu-north] not met (eu-west)");
        }

        @Test
        void aMultiValueConstraintIsSetMembership() {
            offer("offer-a").attribute("region", "eu-west").add();

            assertThat(matchedId(constrained(Map.of("region", List.of("eu-north", "eu-west"))))).isEqualTo("offer-a");
            assertThat(noMatchReason(constrained(Map.of("region", List.of("eu-north", "us-east"))))).isEqualTo(
                    "no offer can serve postgres-database v1: offer-a constraint region=[eu-north, us-east] not met "
                            + "(eu-west)");
        }

        @Test
        void aConstraintOnAnAttributeTheOfferLacksIsNotMet() {
            offer("offer-a").attribute("tier", "gold").add();

            assertThat(noMatchReason(constrained(Map.of("region", List.of("eu-west"))))).isEqualTo(
                    "no offer can serve postgres-database v1: offer-a constraint region=[eu-west] not met (no region)");
        }

        @Test
        void aConstraintWithNoValuesCannotBeMet() {
            offer("offer-a").attribute("region", "eu-west").add();

            assertThat(noMatchReason(constrained(Map.of("region", List.of())))).isEqualTo(
                    "no offer can serve postgres-database v1: offer-a constraint region=[] cannot be met");
        }

        @Test
        void everyConstraintMustHoldAndTheReasonNamesTheFirstFailingKey() {
            offer("offer-a").attribute("region", "eu-west").attribute("tier", "gold").attribute("zone", "a").add();

            assertThat(matchedId(constrained(Map.of("region", List.of("eu-west"), "tier", List.of("gold")))))
                    .isEqualTo("offer-a");
            assertThat(noMatchReason(constrained(Map.of("region", List.of("eu-west"), "zone", List.of("b"),
                    "tier", List.of("silver"))))).isEqualTo(
                    "no offer can serve postgres-database v1: offer-a constraint tier=[silver] not met (gold)");
        }

        @Test
        void excludedOffersAreNotMatchedAgain() {
            offer("offer-a").add();
            offer("offer-b").add();
            load("offer-b", 5, null, 0.0);

            assertThat(matchedId(request())).isEqualTo("offer-a");
            assertThat(matchedId(request(Set.of("offer-a")))).isEqualTo("offer-b");
            assertThat(noMatchReason(request(Set.of("offer-a", "offer-b")))).isEqualTo(
                    "no offer can serve postgres-database v1: offer-a already tried, offer-b already tried");
        }

        @Test
        void anUnansweredOfferIsTriedAgainOnlyWhenNoOtherOfferQualifies() {
            offer("offer-a").add();
            offer("offer-b").add();

            assertThat(matchedId(retrying(Set.of("offer-a"), Set.of("offer-a")))).isEqualTo("offer-b");
            assertThat(matchedId(retrying(Set.of("offer-a", "offer-b"), Set.of("offer-a")))).isEqualTo("offer-a");
        }

        @Test
        void anUnansweredOfferComesBackOnlyWhenItMeetsEveryOtherRule() {
            offer("offer-a").capacity(5).add();
            load("offer-a", 5, null, 0.0);

            assertThat(noMatchReason(retrying(Set.of("offer-a"), Set.of("offer-a")))).isEqualTo(
                    "no offer can serve postgres-database v1: offer-a already tried");
        }
    }

    @Nested
    class Scoring {

        @Test
        void moreHeadroomWinsOverMoreRemainingSlots() {
            offer("offer-a").capacity(10).add();
            load("offer-a", 5, null, 0.0);
            offer("offer-b").capacity(2).add();

            Decision decision = match(request());

            assertThat(chosen(decision)).isEqualTo(new Chosen(offers.get(1), PERFECT));
        }

        @Test
        void keepingThePromiseWinsOverAShorterPromise() {
            offer("offer-a").leadTimeSlo(1_000).add();
            load("offer-a", 0, 2_000L, 0.0);
            offer("offer-b").leadTimeSlo(2_000).add();
            load("offer-b", 0, 1_000L, 0.0);

            assertThat(chosen(match(request()))).isEqualTo(new Chosen(offers.get(1), PERFECT));
            assertThat(score("offer-a")).isCloseTo(PERFECT - 0.5, within(1e-12));
        }

        @Test
        void anUnobservedOfferGetsTheBenefitOfTheDoubtOverASlowOne() {
            offer("offer-a").leadTimeSlo(1_000).add();
            load("offer-a", 0, 1_500L, 0.0);
            offer("offer-b").leadTimeSlo(2_000).add();

            assertThat(matchedId(request())).isEqualTo("offer-b");
            assertThat(score("offer-a")).isCloseTo(PERFECT - 1.0 / 3, within(1e-12));
        }

        @Test
        void aLowerRecentFailureRateWins() {
            offer("offer-a").add();
            load("offer-a", 0, null, 0.5);
            offer("offer-b").leadTimeSlo(5_000).add();
            load("offer-b", 0, null, 0.25);

            assertThat(matchedId(request())).isEqualTo("offer-b");
            assertThat(score("offer-b")).isCloseTo(PERFECT - 0.5, within(1e-12));
        }

        @Test
        void anOutOfRangeOrUnreadableFailureRateIsClamped() {
            offer("offer-a").add();

            load("offer-a", 0, null, 1.5);
            assertThat(score("offer-a")).isEqualTo(PERFECT - 2);
            load("offer-a", 0, null, -0.5);
            assertThat(score("offer-a")).isEqualTo(PERFECT);
            load("offer-a", 0, null, Double.NaN);
            assertThat(score("offer-a")).isEqualTo(PERFECT - 2);
        }

        @Test
        void meetingMorePreferencesWins() {
            offer("offer-a").attribute("tier", "gold").attribute("region", "us-east").add();
            offer("offer-b").attribute("tier", "gold").attribute("region", "eu-west").leadTimeSlo(5_000).add();
            MatchRequest request = preferring(Map.of("tier", "gold", "region", "eu-west"));

            assertThat(chosen(match(request))).isEqualTo(new Chosen(offers.get(1), PERFECT));
            assertThat(score(request, "offer-a")).isCloseTo(PERFECT - 0.5, within(1e-12));
        }

        @Test
        void withoutPreferencesEveryOfferMeetsThemAll() {
            offer("offer-a").attribute("tier", "bronze").add();

            assertThat(score("offer-a")).isEqualTo(PERFECT);
        }

        @Test
        void theScoreIsTheWeightedSumOfTheComponents() {
            offer("offer-a").capacity(4).leadTimeSlo(1_000).attribute("tier", "gold").add();
            load("offer-a", 1, 1_250L, 0.1);
            MatchRequest request = preferring(Map.of("tier", "gold", "region", "eu-west"));

            // headroom 3/4 + speed 1000/1250 + 2 × reliability 0.9 + preference 1/2
            assertThat(score(request, "offer-a")).isCloseTo(0.75 + 0.8 + 1.8 + 0.5, within(1e-12));
        }

        @Test
        void theWeightsComeFromThePolicy() {
            offer("offer-a").add();
            load("offer-a", 0, null, 0.9);
            offer("offer-b").capacity(2).add();
            load("offer-b", 1, null, 0.0);

            assertThat(matchedId(request())).isEqualTo("offer-b");

            matcher = new Matcher(new MatchingPolicy(BOUND, 1.0, 0.0, 0.0, 0.0));
            assertThat(chosen(match(request()))).isEqualTo(new Chosen(offers.get(0), 1.0));
        }
    }

    @Nested
    class TieBreak {

        @Test
        void aShorterLeadTimePromiseWinsATie() {
            offer("offer-a").leadTimeSlo(2_000).add();
            offer("offer-b").leadTimeSlo(1_000).capacity(5).add();

            assertThat(chosen(match(request()))).isEqualTo(new Chosen(offers.get(1), PERFECT));
        }

        @Test
        void anUnobservedOfferTiesWithOneKeepingItsPromiseAndThePromiseDecides() {
            offer("offer-a").leadTimeSlo(2_000).add();
            load("offer-a", 0, 1_000L, 0.0);
            offer("offer-b").leadTimeSlo(1_000).add();

            assertThat(matchedId(request())).isEqualTo("offer-b");
        }

        @Test
        void thenMoreRemainingCapacity() {
            offer("offer-a").capacity(4).add();
            load("offer-a", 2, null, 0.0);
            offer("offer-b").capacity(8).add();
            load("offer-b", 4, null, 0.0);

            assertThat(chosen(match(request()))).isEqualTo(new Chosen(offers.get(1), PERFECT - 0.5));
        }

        @Test
        void thenTheSmallerOfferId() {
            offer("offer-b").add();
            offer("offer-a").add();
            offer("offer-c").add();

            assertThat(matchedId(request())).isEqualTo("offer-a");
        }

        @Test
        void scoresWithinEpsilonAreTied() {
            offer("offer-a").leadTimeSlo(2_000).add();
            load("offer-a", 0, null, 0.1);
            offer("offer-b").leadTimeSlo(1_000).add();
            load("offer-b", 0, null, 0.1 + 1e-12);

            assertThat(matchedId(request())).isEqualTo("offer-b");

            load("offer-b", 0, null, 0.1 + 1e-6);
            assertThat(matchedId(request())).isEqualTo("offer-a");
        }

        @Test
        void tiesAreMeasuredFromTheBestScoreNotChained() {
            // each 0.6e-9 below the previous: b is tied with a, c only with b, so c must not win
            offer("offer-a").leadTimeSlo(3_000).add();
            load("offer-a", 0, null, 0.1);
            offer("offer-b").leadTimeSlo(2_000).add();
            load("offer-b", 0, null, 0.1 + 0.3e-9);
            offer("offer-c").leadTimeSlo(1_000).add();
            load("offer-c", 0, null, 0.1 + 0.6e-9);

            assertThat(matchedId(request())).isEqualTo("offer-b");
        }
    }

    @Nested
    class OrderIndependence {

        @Test
        void shufflingTheOffersNeverChangesTheDecision() {
            offer("offer-e").leadTimeSlo(1_000).add();
            offer("offer-d").leadTimeSlo(1_000).add();
            offer("offer-f").leadTimeSlo(1_000).capacity(20).add();
            load("offer-f", 10, null, 0.0);
            offer("offer-g").leadTimeSlo(500).add();
            load("offer-g", 0, 1_000L, 0.0);
            // a chain of near-ties (d/e, h, c each 0.6e-9 apart) where each next one has the shorter promise:
            // only h is tied with the best, so an order-dependent pairwise comparison would sometimes pick c
            offer("offer-h").leadTimeSlo(700).add();
            load("offer-h", 0, null, 0.3e-9);
            offer("offer-c").leadTimeSlo(500).add();
            load("offer-c", 0, null, 0.6e-9);
            offer("offer-b").status(OfferStatus.PAUSED).leadTimeSlo(100).add();
            offer("offer-a").version(2).leadTimeSlo(100).add();
            Decision expected = match(request());
            assertThat(expected).isInstanceOfSatisfying(Decision.Matched.class, matched -> {
                assertThat(matched.offer().offerId()).isEqualTo("offer-h");
                assertThat(matched.score()).isCloseTo(PERFECT, within(1e-8));
            });

            Random random = new Random(20261126L);
            for (int i = 0; i < 500; i++) {
                Collections.shuffle(offers, random);
                assertThat(chosen(match(request()))).as("order %s", offers).isEqualTo(chosen(expected));
            }
        }

        @Test
        void shufflingTheOffersNeverChangesTheNoMatchReason() {
            offer("offer-c").status(OfferStatus.RETIRED).add();
            offer("offer-a").capacity(1).add();
            load("offer-a", 1, null, 0.0);
            offer("offer-b").producer("db-team").add();
            liveness.remove("db-team");
            String expected = noMatchReason(request());

            Random random = new Random(7L);
            for (int i = 0; i < 100; i++) {
                Collections.shuffle(offers, random);
                assertThat(noMatchReason(request())).isEqualTo(expected);
            }
            assertThat(expected).isEqualTo("no offer can serve postgres-database v1: offer-a full (1/1), "
                    + "offer-b producer db-team not live (no heartbeat), offer-c RETIRED");
        }
    }

    @Nested
    class NoMatchReason {

        @Test
        void noOffersAtAll() {
            assertThat(noMatchReason(request(2))).isEqualTo("no offer of postgres-database v2");
        }

        @Test
        void onlyOffersOfOtherVersions() {
            offer("offer-a").version(3).add();
            offer("offer-b").version(1).add();
            offer("offer-c").version(3).add();

            assertThat(noMatchReason(request(2))).isEqualTo("no offer of postgres-database v2 (offered: v1, v3)");
        }

        @Test
        void eachOfferIsNamedWithWhatRuledItOutInOfferIdOrder() {
            offer("offer-e").attribute("region", "eu-north").add();
            offer("offer-c").attribute("region", "eu-west").add();
            offer("offer-a").attribute("region", "eu-north").capacity(3).add();
            load("offer-a", 3, null, 0.0);
            offer("offer-z").attribute("region", "eu-north").version(2).add();
            offer("offer-d").attribute("region", "eu-north").status(OfferStatus.PAUSED).add();
            offer("offer-b").attribute("region", "eu-north").producer("db-team").add();
            liveness.remove("db-team");
            MatchRequest request = new MatchRequest("req-1", CAPABILITY, 1, Map.of("region", List.of("eu-north")),
                    Map.of(), Set.of("offer-e"));

            assertThat(noMatchReason(request)).isEqualTo("no offer can serve postgres-database v1: "
                    + "offer-a full (3/3), offer-b producer db-team not live (no heartbeat), "
                    + "offer-c constraint region=[eu-north] not met (eu-west), offer-d PAUSED, offer-e already tried");
        }

        @Test
        void theMostLastingReasonIsNamed() {
            offer("offer-a").status(OfferStatus.DEPRECATED).capacity(1).producer("db-team").add();
            load("offer-a", 1, null, 0.0);
            liveness.remove("db-team");

            assertThat(noMatchReason(request(Set.of("offer-a"))))
                    .isEqualTo("no offer can serve postgres-database v1: offer-a DEPRECATED");
        }

        @Test
        void atMostTenOffersAreListed() {
            for (int i = 13; i >= 1; i--) {
                offer(String.format("offer-%02d", i)).status(OfferStatus.PAUSED).add();
            }

            String reason = noMatchReason(request());

            assertThat(reason).startsWith("no offer can serve postgres-database v1: offer-01 PAUSED, offer-02 PAUSED")
                    .endsWith("offer-10 PAUSED, and 3 more")
                    .doesNotContain("offer-11");
        }
    }

    // --- fixture ---

    private Decision match(MatchRequest request) {
        return matcher.match(request, offers, loads, liveness, NOW);
    }

    /** The offer chosen and its score: what a decision decides, whatever the order offers were considered in. */
    private record Chosen(Offer offer, double score) {
    }

    private static Chosen chosen(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Matched.class);
        Decision.Matched matched = (Decision.Matched) decision;
        return new Chosen(matched.offer(), matched.score());
    }

    private String matchedId(MatchRequest request) {
        Decision decision = match(request);
        assertThat(decision).isInstanceOf(Decision.Matched.class);
        return ((Decision.Matched) decision).offer().offerId();
    }

    private String noMatchReason(MatchRequest request) {
        Decision decision = match(request);
        assertThat(decision).isInstanceOf(Decision.NoMatch.class);
        return ((Decision.NoMatch) decision).reason();
    }

    private double score(String offerId) {
        return score(request(), offerId);
    }

    /** The score the offer gets when it is the only one. */
    private double score(MatchRequest request, String offerId) {
        Offer offer = offers.stream().filter(o -> o.offerId().equals(offerId)).findFirst().orElseThrow();
        Decision decision = matcher.match(request, List.of(offer), loads, liveness, NOW);
        assertThat(decision).isInstanceOf(Decision.Matched.class);
        return ((Decision.Matched) decision).score();
    }

    private void load(String offerId, int inFlight, Long observedP95Ms, double recentFailureRate) {
        loads.put(offerId, new OfferLoad(inFlight, observedP95Ms, recentFailureRate));
    }

    private void heartbeat(String producerId, Instant at, boolean healthy) {
        liveness.put(producerId, new ProducerLiveness(at, healthy));
    }

    private static MatchRequest request() {
        return request(1);
    }

    private static MatchRequest request(int version) {
        return new MatchRequest("req-1", CAPABILITY, version, Map.of(), Map.of(), Set.of());
    }

    private static MatchRequest request(Set<String> excludedOffers) {
        return new MatchRequest("req-1", CAPABILITY, 1, Map.of(), Map.of(), excludedOffers);
    }

    private static MatchRequest retrying(Set<String> excludedOffers, Set<String> retriableOffers) {
        return new MatchRequest("req-1", CAPABILITY, 1, Map.of(), Map.of(), excludedOffers, retriableOffers);
    }

    private static MatchRequest constrained(Map<String, List<String>> constraints) {
        return new MatchRequest("req-1", CAPABILITY, 1, constraints, Map.of(), Set.of());
    }

    private static MatchRequest preferring(Map<String, String> preferences) {
        return new MatchRequest("req-1", CAPABILITY, 1, Map.of(), preferences, Set.of());
    }

    private OfferSpec offer(String offerId) {
        return new OfferSpec(offerId);
    }

    /** An offer with sensible defaults: v1, capacity 10, 1 s promise, ACTIVE, its producer live. */
    private final class OfferSpec {
        private final String offerId;
        private String producerId;
        private String capability = CAPABILITY;
        private int version = 1;
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private int capacity = 10;
        private long leadTimeSloMs = 1_000;
        private OfferStatus status = OfferStatus.ACTIVE;

        OfferSpec(String offerId) {
            this.offerId = offerId;
            this.producerId = "team-" + offerId;
        }

        OfferSpec producer(String id) {
            producerId = id;
            return this;
        }

        OfferSpec capability(String name) {
            capability = name;
            return this;
        }

        OfferSpec version(int major) {
            version = major;
            return this;
        }

        OfferSpec attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        OfferSpec capacity(int slots) {
            capacity = slots;
            return this;
        }

        OfferSpec leadTimeSlo(long ms) {
            leadTimeSloMs = ms;
            return this;
        }

        OfferSpec status(OfferStatus value) {
            status = value;
            return this;
        }

        /** Adds the offer to the market, its producer live (a healthy heartbeat a second ago) unless told otherwise. */
        Offer add() {
            Offer offer = new Offer(offerId, producerId, capability, version, attributes, capacity, leadTimeSloMs,
                    status);
            offers.add(offer);
            liveness.putIfAbsent(producerId, new ProducerLiveness(NOW.minusSeconds(1), true));
            return offer;
        }
    }
}
