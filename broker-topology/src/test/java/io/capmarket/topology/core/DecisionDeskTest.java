package io.capmarket.topology.core;

import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.WAITING;
import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.DecisionOutcome;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.MatchScore;
import io.capmarket.schemas.MatchWeights;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.OfferFilter;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.topology.TestRecords;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every matching decision says why: each offer considered with the filter that ruled it out, or its score per factor
 * with the weights, recorded on the request's status.
 */
class DecisionDeskTest {

    private static final MatchingPolicy POLICY = new MatchingPolicy(Duration.ofSeconds(30), 1.0, 1.5, 2.0, 0.5);

    private final DeskFixture t = new DeskFixture(new TopologySettings(POLICY, Duration.ofSeconds(30), 10,
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1)));

    private CapabilityOffer offer(String offerId, String producerId, int capacity, Map<String, String> attributes) {
        return t.offer(offerId, producerId, capacity, attributes);
    }

    private void live(CapabilityOffer offer) {
        t.approve(offer.getProducerId(), PG);
        t.heartbeat(offer.getProducerId());
        t.publish(offer);
    }

    private SubmitRequest.Builder request(String requestId) {
        return SubmitRequest.newBuilder(TestRecords.submit(requestId, PG, Priority.NORMAL, Map.of(), "app-team", t.now));
    }

    /** Every decision published for the request, oldest first, as a reader that keeps them sees them. */
    private List<MatchDecision> decisions(String requestId) {
        return t.statuses.get(requestId).stream().flatMap(status -> status.getDecisions().stream()).toList();
    }

    private static MatchDecision last(List<MatchDecision> decisions) {
        return decisions.get(decisions.size() - 1);
    }

    private static OfferConsidered considered(MatchDecision decision, String offerId) {
        return decision.getCandidates().stream().filter(offer -> offer.getOfferId().equals(offerId)).findFirst()
                .orElseThrow(() -> new AssertionError(offerId + " not in " + decision.getCandidates()));
    }

    @Test
    void everyFilterIsNamedWithItsRuleAndItsWords() {
        live(offer("pg-full", "full-team", 1, Map.of("region", "eu")));
        t.submit("r0");
        assertThat(t.status("r0").getOfferId()).isEqualTo("pg-full");

        CapabilityOffer v2 = offer("pg-v2", "v2-team", 5, Map.of("region", "eu"));
        v2.setCapabilityVersion(2);
        live(v2);
        CapabilityOffer paused = offer("pg-paused", "paused-team", 5, Map.of("region", "eu"));
        paused.setStatus(OfferStatus.PAUSED);
        live(paused);
        live(offer("pg-us", "us-team", 5, Map.of("region", "us")));
        CapabilityOffer brief = offer("pg-brief", "brief-team", 5, Map.of("region", "eu"));
        brief.setMaxTtlMs(Duration.ofDays(1).toMillis());
        live(brief);
        t.approve("silent-team", PG); // never sends a heartbeat
        t.publish(offer("pg-silent", "silent-team", 5, Map.of("region", "eu")));
        live(offer("pg-revoked", "revoked-team", 5, Map.of("region", "eu")));
        t.revoke("revoked-team");

        t.submit(request("r1").setConstraints(Map.of("region", List.of("eu"))).setTtlMs(Duration.ofDays(30).toMillis())
                .build());

        assertThat(t.status("r1").getState()).isEqualTo(WAITING);
        MatchDecision waiting = last(decisions("r1"));
        assertThat(waiting.getOutcome()).isEqualTo(DecisionOutcome.WAITING);
        assertThat(waiting.getOfferId()).isNull();
        assertThat(waiting.getAttempt()).isZero();
        assertThat(waiting.getAt()).isEqualTo(t.now);
        assertThat(waiting.getCandidates()).as("ruled out ones by offerId")
                .extracting(OfferConsidered::getOfferId, OfferConsidered::getFilter, OfferConsidered::getDetail)
                .containsExactly(
                        tuple("pg-brief", OfferFilter.TTL, "keeps resources 1d at most (ttl 30d)"),
                        tuple("pg-full", OfferFilter.CAPACITY, "full (1/1)"),
                        tuple("pg-paused", OfferFilter.STATUS, "PAUSED"),
                        tuple("pg-revoked", OfferFilter.APPROVAL,
                                "producer revoked-team is not approved for postgres-database"),
                        tuple("pg-silent", OfferFilter.LIVENESS,
                                "producer silent-team not live (no heartbeat)"),
                        tuple("pg-us", OfferFilter.CONSTRAINT,
                                "constraint region=[eu] not met (us)"),
                        tuple("pg-v2", OfferFilter.VERSION, "serves v2"));
        assertThat(waiting.getCandidates()).allSatisfy(offer -> assertThat(offer.getScore()).isNull());
        assertThat(t.status("r1").getReason()).as("the status's reason is unchanged")
                .startsWith("no offer can serve postgres-database v1: pg-brief keeps resources 1d at most");

        live(offer("pg-eu", "eu-team", 4, Map.of("region", "eu")));

        assertThat(t.status("r1").getState()).as("drained onto the new offer").isEqualTo(MATCHED);
        assertThat(decisions("r1")).extracting(MatchDecision::getOutcome)
                .containsExactly(DecisionOutcome.WAITING, DecisionOutcome.MATCHED);
        MatchDecision matched = last(decisions("r1"));
        assertThat(matched.getOfferId()).isEqualTo("pg-eu");
        assertThat(matched.getAttempt()).isEqualTo(1);
        assertThat(matched.getCandidates().get(0).getOfferId()).as("the chosen one first").isEqualTo("pg-eu");
        assertThat(matched.getCandidates().get(0).getFilter()).isNull();
        assertThat(matched.getCandidates()).hasSize(8);
    }

    @Test
    void eachCandidateIsScoredPerFactorWithTheWeights() {
        live(offer("pg-a", "a-team", 4, Map.of("tier", "gold")));
        live(offer("pg-b", "b-team", 2, Map.of("tier", "silver")));
        t.submit("r0"); // goes somewhere, leaving that offer with one in flight
        String busy = t.status("r0").getOfferId();

        t.submit(request("r1").setPreferences(Map.of("tier", "gold")).build());

        MatchDecision decision = last(decisions("r1"));
        assertThat(decision.getWeights()).isEqualTo(new MatchWeights(1.0, 1.5, 2.0, 0.5));
        MatchScore a = considered(decision, "pg-a").getScore();
        MatchScore b = considered(decision, "pg-b").getScore();
        assertThat(a.getHeadroom()).isEqualTo(busy.equals("pg-a") ? 0.75 : 1.0);
        assertThat(b.getHeadroom()).isEqualTo(busy.equals("pg-b") ? 0.5 : 1.0);
        assertThat(a.getPreference()).isEqualTo(1.0);
        assertThat(b.getPreference()).isEqualTo(0.0);
        assertThat(List.of(a, b)).allSatisfy(score -> {
            assertThat(score.getSpeed()).as("nothing observed yet").isEqualTo(1.0);
            assertThat(score.getReliability()).as("nothing failed yet").isEqualTo(1.0);
            assertThat(score.getTotal()).isCloseTo(1.0 * score.getHeadroom() + 1.5 * score.getSpeed()
                    + 2.0 * score.getReliability() + 0.5 * score.getPreference(), within(1e-12));
        });
        String best = a.getTotal() >= b.getTotal() ? "pg-a" : "pg-b";
        assertThat(decision.getOfferId()).isEqualTo(best);
        assertThat(decision.getCandidates()).extracting(OfferConsidered::getOfferId).first().isEqualTo(best);
    }

    @Test
    void slownessAndFailuresLowerTheirFactors() {
        live(offer("pg-slow", "slow-team", 10, Map.of()));
        t.submit("r0");
        t.report("r0", FulfilmentKind.ACCEPTED);
        t.advance(Duration.ofMinutes(4)); // four times its 60 s promise
        t.report("r0", FulfilmentKind.FULFILLED);
        t.heartbeat("slow-team");
        t.submit("r1");
        t.report("r1", FulfilmentKind.FAILED, true); // fails, and r1 has nowhere else to go

        t.submit("r2");

        MatchScore slow = considered(last(decisions("r2")), "pg-slow").getScore();
        assertThat(slow.getSpeed()).as("promised 60 s, observed about 240 s").isBetween(0.2, 0.3);
        assertThat(slow.getReliability()).as("one failure in two outcomes").isEqualTo(0.5);
        assertThat(slow.getHeadroom()).as("nothing in flight: r0 done, r1 failed there").isEqualTo(1.0);
        assertThat(slow.getTotal()).isCloseTo(1.0 * 1.0 + 1.5 * slow.getSpeed() + 2.0 * 0.5 + 0.5 * 1.0, within(1e-12));
    }

    @Test
    void aReMatchRecordsANewDecisionWithTheOfferThatRejectedAsTried() {
        live(offer("pg-a", "a-team", 5, Map.of()));
        live(offer("pg-b", "b-team", 4, Map.of()));
        t.submit("r1");
        String first = t.status("r1").getOfferId();
        String second = first.equals("pg-a") ? "pg-b" : "pg-a";

        t.report("r1", FulfilmentKind.REJECTED);

        assertThat(t.status("r1").getOfferId()).isEqualTo(second);
        assertThat(decisions("r1")).extracting(MatchDecision::getAttempt, MatchDecision::getOfferId)
                .containsExactly(tuple(1, first), tuple(2, second));
        OfferConsidered tried = considered(last(decisions("r1")), first);
        assertThat(tried.getFilter()).isEqualTo(OfferFilter.TRIED);
        assertThat(tried.getDetail()).isEqualTo("already tried");
        assertThat(last(decisions("r1")).getNote()).isNull();
    }

    @Test
    void anOfferThatDidNotAnswerIsTriedAgainAndTheDecisionSaysWhy() {
        live(offer("pg-a", "a-team", 5, Map.of()));
        t.submit("r1");

        t.advance(Duration.ofSeconds(31));
        t.heartbeat("a-team");
        t.advance(Duration.ofSeconds(1));

        assertThat(t.status("r1").getAttempt()).isEqualTo(2);
        MatchDecision again = last(decisions("r1"));
        assertThat(again.getOfferId()).isEqualTo("pg-a");
        assertThat(again.getNote()).isEqualTo("no other offer qualified, so offers that did not answer were tried again: pg-a");
    }

    @Test
    void aRequestTheQuotaHoldsRecordsThatNoOfferWasConsidered() {
        live(offer("pg-a", "a-team", 5, Map.of()));
        t.books.quotas.put("app-team/" + PG, new TeamQuota("app-team", PG, 1, null, "admin", t.now));
        t.submit("r1");

        t.submit("r2");

        MatchDecision held = last(decisions("r2"));
        assertThat(held.getOutcome()).isEqualTo(DecisionOutcome.HELD);
        assertThat(held.getCandidates()).isEmpty();
        assertThat(held.getNote()).isEqualTo(t.status("r2").getReason()).startsWith("quota maxLive of team app-team");
    }

    @Test
    void eachRecordCarriesOnlyItsOwnDecisionsAndADecisionListsAtMostTwentyOffers() {
        for (int i = 0; i < 25; i++) {
            CapabilityOffer other = offer("pg-v2-" + (char) ('a' + i), "v2-team", 5, Map.of());
            other.setCapabilityVersion(2);
            live(other);
        }
        for (int i = 0; i < 7; i++) {
            live(offer("pg-" + i, "team-" + i, 5, Map.of()));
        }
        t.submit("r1");
        for (int i = 0; i < 6; i++) {
            t.report("r1", FulfilmentKind.REJECTED);
        }

        assertThat(t.status("r1").getAttempt()).isEqualTo(7);
        assertThat(decisions("r1")).extracting(MatchDecision::getAttempt).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(t.statuses.get("r1")).as("one decision on each record that made one, none carried on")
                .allSatisfy(status -> assertThat(status.getDecisions()).hasSizeLessThanOrEqualTo(1));
        assertThat(t.books.request("r1").getDecisions()).as("the books keep none").isEmpty();
        MatchDecision latest = t.status("r1").getDecisions().get(0);
        assertThat(latest.getCandidates()).hasSize(Explanations.MAX_LISTED);
        assertThat(latest.getUnlisted()).isEqualTo(7 + 25 - Explanations.MAX_LISTED);
        assertThat(latest.getCandidates().get(0).getOfferId()).isEqualTo(latest.getOfferId());
        assertThat(latest.getCandidates().subList(1, 7)).as("then those ruled out, by offerId")
                .extracting(OfferConsidered::getFilter).containsOnly(OfferFilter.TRIED);
    }
}
