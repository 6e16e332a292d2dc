package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.DecisionOutcome;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.MatchScore;
import io.capmarket.schemas.MatchWeights;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.OfferFilter;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.gateway.KeptDecisions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision read model: what a request's recorded matching decisions look like in the API, and their sentences. */
class DecisionViewsTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final MatchWeights WEIGHTS = new MatchWeights(1.0, 1.0, 2.0, 1.0);

    private static SubmitRequest submit() {
        return SubmitRequest.newBuilder().setRequestId("r1").setConsumerTeam("alpha")
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setCapability("postgres-database").setCapabilityVersion(1)
                .setParameters("{\"sizeGb\":1}").setConstraints(Map.of("region", List.of("eu"))).setPreferences(Map.of())
                .setPriority(Priority.NORMAL).setSubmittedAt(T0).build();
    }

    private static RequestStatus status(RequestState state, String offerId, MatchDecision... decisions) {
        return RequestStatus.newBuilder(RequestViews.submitted(submit())).setState(state).setOfferId(offerId)
                .setDecisions(List.of(decisions)).build();
    }

    private static MatchDecision decision(DecisionOutcome outcome, String offerId, int unlisted, String note, OfferConsidered... candidates) {
        return MatchDecision.newBuilder().setAt(T0.plusSeconds(1)).setAttempt(1).setOutcome(outcome).setOfferId(offerId)
                .setWeights(WEIGHTS).setCandidates(List.of(candidates)).setUnlisted(unlisted).setNote(note).build();
    }

    private static OfferConsidered scored(String offerId, double headroom, double speed, double reliability, double preference) {
        double total = WEIGHTS.getHeadroom() * headroom + WEIGHTS.getSpeed() * speed + WEIGHTS.getReliability() * reliability
                + WEIGHTS.getPreference() * preference;
        return new OfferConsidered(offerId, "dba-team", 1, null, null, MatchScore.newBuilder().setHeadroom(headroom).setSpeed(speed)
                .setReliability(reliability).setPreference(preference).setTotal(total).build());
    }

    private static OfferConsidered ruledOut(String offerId, OfferFilter filter, String detail) {
        return new OfferConsidered(offerId, "dba-team", 1, filter, detail, null);
    }

    @Test
    void aMatchShowsTheChosenOfferFirstWithItsScoreAndSaysHowManyWereScoredAndRuledOut() {
        RequestStatus status = status(RequestState.FULFILLED, "pg-eu-1", decision(DecisionOutcome.MATCHED, "pg-eu-1", 0, null,
                scored("pg-eu-1", 0.9, 1.0, 1.0, 1.0), scored("pg-eu-2", 0.2, 1.0 / 3, 1.0, 1.0),
                ruledOut("pg-us-1", OfferFilter.CONSTRAINT, "constraint region=[eu] not met (us)")));

        DecisionView view = DecisionViews.view(status);

        assertThat(view.requestId()).isEqualTo("r1");
        assertThat(view.capability()).isEqualTo("postgres-database");
        assertThat(view.version()).isEqualTo(1);
        assertThat(view.state()).isEqualTo("FULFILLED");
        assertThat(view.offerId()).isEqualTo("pg-eu-1");
        DecisionView.Decision decision = view.decisions().get(0);
        assertThat(decision.at()).isEqualTo("2030-01-01T00:00:01Z");
        assertThat(decision.outcome()).isEqualTo("MATCHED");
        assertThat(decision.offerId()).isEqualTo("pg-eu-1");
        assertThat(decision.summary()).isEqualTo("matched pg-eu-1 of dba-team: the best score (4.90) of 2 candidates; 1 offer ruled out");
        assertThat(decision.weights()).isEqualTo(new DecisionView.Weights(1.0, 1.0, 2.0, 1.0));
        assertThat(decision.candidates()).extracting(DecisionView.Candidate::offerId).containsExactly("pg-eu-1", "pg-eu-2", "pg-us-1");
        assertThat(decision.candidates()).extracting(DecisionView.Candidate::chosen).containsExactly(true, false, false);
        assertThat(decision.candidates().get(0).score()).isEqualTo(new DecisionView.Score(0.9, 1.0, 1.0, 1.0, 4.9, 1.0));
        assertThat(decision.candidates().get(1).score().speed()).as("rounded to 4 decimals").isEqualTo(0.3333);
        assertThat(decision.candidates().get(1).filter()).isNull();
        DecisionView.Candidate us = decision.candidates().get(2);
        assertThat(us.filter()).isEqualTo("CONSTRAINT");
        assertThat(us.detail()).isEqualTo("constraint region=[eu] not met (us)");
        assertThat(us.score()).isNull();
        assertThat(decision.unlisted()).isZero();
        assertThat(decision.note()).isNull();
    }

    @Test
    void theSentenceOfAMatchCountsInTheSingularAndLeavesOutNothingRuledOutOrCountsTheUnlistedPastARuledOutOne() {
        assertThat(DecisionViews.view(status(RequestState.MATCHED, "a", decision(DecisionOutcome.MATCHED, "a", 0, null,
                scored("a", 1.0, 1.0, 1.0, 0.5)))).decisions().get(0).summary())
                .isEqualTo("matched a of dba-team: the best score (4.50) of 1 candidate");
        assertThat(DecisionViews.view(status(RequestState.MATCHED, "a", decision(DecisionOutcome.MATCHED, "a", 3, null,
                scored("a", 1.0, 1.0, 1.0, 0.5), ruledOut("b", OfferFilter.CAPACITY, "full (3/3)")))).decisions().get(0).summary())
                .isEqualTo("matched a of dba-team: the best score (4.50) of 1 candidate; 4 offers ruled out");
        assertThat(DecisionViews.view(status(RequestState.MATCHED, "a", decision(DecisionOutcome.MATCHED, "a", 2, null,
                scored("a", 1.0, 1.0, 1.0, 0.5), scored("b", 0.5, 1.0, 1.0, 0.5)))).decisions().get(0).summary())
                .as("past a scored one the unlisted may be either: not counted")
                .isEqualTo("matched a of dba-team: the best score (4.50) of 2 candidates");
    }

    @Test
    void aCandidateWhoseProducerIsOnProbationShowsTheFactorItsWeightedSumWasMultipliedBy() {
        OfferConsidered onProbation = new OfferConsidered("pg-eu-2", "flaky-team", 1, null, null, MatchScore.newBuilder().setHeadroom(1.0)
                .setSpeed(1.0).setReliability(0.4).setPreference(1.0).setTotal(0.5 * 3.8).setProbation(0.5).build());
        RequestStatus status = status(RequestState.MATCHED, "pg-eu-1", decision(DecisionOutcome.MATCHED, "pg-eu-1", 0, null,
                scored("pg-eu-1", 0.5, 1.0, 1.0, 1.0), onProbation));

        List<DecisionView.Candidate> candidates = DecisionViews.view(status).decisions().get(0).candidates();

        assertThat(candidates.get(0).score().probation()).as("no probation: the factor is 1").isEqualTo(1.0);
        assertThat(candidates.get(1).score()).isEqualTo(new DecisionView.Score(1.0, 1.0, 0.4, 1.0, 1.9, 0.5));
    }

    @Test
    void aWaitSaysHowManyOffersNoneOfWhichCouldServeItCountingTheUnlisted() {
        RequestStatus status = status(RequestState.WAITING, null, decision(DecisionOutcome.WAITING, null, 1, null,
                ruledOut("pg-eu-1", OfferFilter.CAPACITY, "full (3/3)"), ruledOut("pg-us-1", OfferFilter.LIVENESS, "no fresh heartbeat")));

        DecisionView.Decision decision = DecisionViews.view(status).decisions().get(0);

        assertThat(decision.summary()).isEqualTo("waiting: none of 3 offers could serve it");
        assertThat(decision.outcome()).isEqualTo("WAITING");
        assertThat(decision.offerId()).isNull();
        assertThat(decision.candidates()).extracting(DecisionView.Candidate::chosen).containsOnly(false);
        assertThat(decision.candidates()).extracting(DecisionView.Candidate::filter).containsExactly("CAPACITY", "LIVENESS");
        assertThat(decision.unlisted()).isEqualTo(1);
        assertThat(DecisionViews.view(status(RequestState.WAITING, null, decision(DecisionOutcome.WAITING, null, 0, null,
                ruledOut("pg-eu-1", OfferFilter.CAPACITY, "full (3/3)")))).decisions().get(0).summary())
                .isEqualTo("waiting: none of 1 offer could serve it");
    }

    @Test
    void aWaitWithNoOfferAtAllNamesTheCapabilityVersion() {
        RequestStatus status = status(RequestState.WAITING, null, decision(DecisionOutcome.WAITING, null, 0, null));

        DecisionView.Decision decision = DecisionViews.view(status).decisions().get(0);

        assertThat(decision.summary()).isEqualTo("waiting: no offer of postgres-database v1");
        assertThat(decision.candidates()).isEmpty();
    }

    @Test
    void aRequestHeldByItsTeamsQuotaSaysSoWithTheQuotaAndAnOtherOutcomeIsItsName() {
        String quota = "quota maxLive of team alpha for postgres-database is 1, and it holds 1 (1 live, 0 being provisioned)";
        RequestStatus held = status(RequestState.WAITING, null, decision(DecisionOutcome.HELD, null, 0, quota));

        DecisionView.Decision decision = DecisionViews.view(held).decisions().get(0);

        assertThat(decision.summary()).isEqualTo("held by the team's quota: " + quota);
        assertThat(decision.note()).isEqualTo(quota);
        assertThat(decision.outcome()).isEqualTo("HELD");
        assertThat(DecisionViews.view(status(RequestState.WAITING, null, decision(DecisionOutcome.OTHER, null, 0, null)))
                .decisions().get(0).summary()).isEqualTo("other");
    }

    @Test
    void decisionsAreShownOldestFirstAndARequestWithoutAnyHasAnEmptyListAndTheJsonHasEveryMember() throws Exception {
        MatchDecision waited = decision(DecisionOutcome.WAITING, null, 0, null, ruledOut("a", OfferFilter.CAPACITY, "full (1/1)"));
        MatchDecision matched = decision(DecisionOutcome.MATCHED, "a", 0, null, scored("a", 0.5, 1.0, 1.0, 1.0));
        DecisionView both = DecisionViews.view(status(RequestState.MATCHED, "a", waited, matched));

        assertThat(both.decisions()).extracting(DecisionView.Decision::outcome).containsExactly("WAITING", "MATCHED");
        RequestStatus submitted = RequestViews.submitted(submit());
        assertThat(DecisionViews.view(submitted).decisions()).as("a request just submitted, by the record's default").isEmpty();
        assertThat(DecisionViews.view(submitted).state()).isEqualTo("SUBMITTED");

        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(both));
        assertThat(json.fieldNames()).toIterable().containsExactly("requestId", "capability", "version", "state", "offerId", "decisions");
        assertThat(json.get("decisions").get(1).fieldNames()).toIterable().containsExactly("at", "attempt", "outcome", "offerId",
                "summary", "weights", "candidates", "unlisted", "note");
        JsonNode candidate = json.get("decisions").get(1).get("candidates").get(0);
        assertThat(candidate.fieldNames()).toIterable().containsExactly("offerId", "producerId", "version", "chosen", "filter", "detail",
                "score");
        assertThat(candidate.get("filter").isNull()).as("written as null, not left out").isTrue();
        assertThat(candidate.get("score").get("total").isNumber()).isTrue();
        assertThat(candidate.get("score").get("total").asDouble()).isEqualTo(4.5);
    }
    @Test
    void theViewKeepsTheDecisionsOfEarlierRecordsTheLatestFiveEachOnce() {
        RequestStatus waiting = status(RequestState.WAITING, null, decision(DecisionOutcome.WAITING, null, 0, null,
                ruledOut("pg-eu-1", OfferFilter.CAPACITY, "full (3/3)")));
        MatchDecision matchedDecision = decision(DecisionOutcome.MATCHED, "pg-eu-1", 0, null, scored("pg-eu-1", 0.5, 1, 1, 1));
        RequestStatus matched = withHistory(status(RequestState.MATCHED, "pg-eu-1", matchedDecision), 2);
        RequestStatus accepted = withHistory(status(RequestState.ACCEPTED, "pg-eu-1"), 3);

        RequestStatus view = RequestViews.apply(RequestViews.apply(RequestViews.apply(null, waiting), matched), accepted);

        assertThat(view.getState()).isEqualTo(RequestState.ACCEPTED);
        assertThat(view.getDecisions()).extracting(MatchDecision::getOutcome)
                .containsExactly(DecisionOutcome.WAITING, DecisionOutcome.MATCHED);
        assertThat(RequestViews.apply(view, withHistory(status(RequestState.MATCHED, "pg-eu-1", matchedDecision), 3))
                .getDecisions()).as("a record read again adds nothing").hasSize(2);

        RequestStatus many = view;
        for (int i = 0; i < 6; i++) {
            MatchDecision again = MatchDecision.newBuilder(matchedDecision).setAttempt(2 + i).build();
            many = RequestViews.apply(many, withHistory(status(RequestState.MATCHED, "pg-eu-1", again), 4 + i));
        }
        assertThat(many.getDecisions()).extracting(MatchDecision::getAttempt).containsExactly(3, 4, 5, 6, 7);
    }

    @Test
    void aViewKeepsBesideItsStatusOnlyTheDecisionsTheStatusDoesNotCarryAndIsMadeAgainFromBoth() {
        MatchDecision waited = decision(DecisionOutcome.WAITING, null, 0, null, ruledOut("pg-eu-1", OfferFilter.CAPACITY, "full (3/3)"));
        MatchDecision matchedDecision = decision(DecisionOutcome.MATCHED, "pg-eu-1", 0, null, scored("pg-eu-1", 0.5, 1, 1, 1));
        RequestStatus matched = withHistory(status(RequestState.MATCHED, "pg-eu-1", matchedDecision), 2);
        RequestStatus accepted = withHistory(status(RequestState.ACCEPTED, "pg-eu-1"), 3);

        RequestStatus first = RequestViews.apply(null, matched);
        assertThat(RequestViews.keptBeyond(matched, first)).as("the status carries every decision of its view").isNull();
        assertThat(RequestViews.withKept(matched, null)).isSameAs(matched);

        RequestStatus view = RequestViews.apply(first, accepted);
        KeptDecisions kept = RequestViews.keptBeyond(accepted, view);
        assertThat(kept.getDecisions()).containsExactly(matchedDecision);
        assertThat(RequestViews.withKept(accepted, kept)).isEqualTo(view);

        RequestStatus rematched = withHistory(status(RequestState.MATCHED, "pg-eu-1", waited), 4);
        RequestStatus again = RequestViews.apply(RequestViews.withKept(accepted, kept), rematched);
        assertThat(RequestViews.keptBeyond(rematched, again).getDecisions()).containsExactly(matchedDecision, waited);
        assertThat(RequestViews.withKept(rematched, kept).getDecisions())
                .as("read after the new status is stored and before its kept decisions are: both, merged")
                .containsExactly(matchedDecision, waited);
        assertThat(RequestViews.withKept(rematched, RequestViews.keptBeyond(rematched, again))).isEqualTo(again);
        assertThat(RequestViews.withKept(null, kept)).isNull();
    }

    /** The status with a history of {@code length} transitions, as a later record of the request has. */
    private static RequestStatus withHistory(RequestStatus status, int length) {
        List<io.capmarket.schemas.StatusTransition> history = new java.util.ArrayList<>(status.getHistory());
        while (history.size() < length) {
            history.add(new io.capmarket.schemas.StatusTransition(status.getState(), T0.plusSeconds(history.size()), 1, null, null));
        }
        return RequestStatus.newBuilder(status).setHistory(history).build();
    }
}
