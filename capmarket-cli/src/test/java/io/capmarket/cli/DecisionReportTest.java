package io.capmarket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.capmarket.client.RequestDecisions;
import io.capmarket.client.RequestDecisions.Candidate;
import io.capmarket.client.RequestDecisions.Decision;
import io.capmarket.client.RequestDecisions.MatchScore;
import io.capmarket.client.RequestDecisions.Outcome;
import io.capmarket.client.RequestDecisions.Weights;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code capmarket request why}'s lines for people, from the client's decisions: no gateway. */
class DecisionReportTest {

    private static final Weights WEIGHTS = new Weights(1, 1, 2, 1);
    private static final Candidate CHOSEN = new Candidate("pg-eu-1", "dba-team", 1, true, null, null,
            new MatchScore(0.9, 1, 1, 1, 5.9));
    private static final Candidate RUNNER_UP = new Candidate("pg-eu-2", "dba-eu", 1, false, null, null,
            new MatchScore(0.333, 0.8, 0.956, 0, 3.5431));
    private static final Candidate RULED_OUT = new Candidate("pg-us-1", "dba-team", 1, false, "CONSTRAINT",
            "constraint region=[eu] not met (us)", null);

    @Test
    void aMatchIsItsSummaryTheCandidatesScoredOrRuledOutAndTheWeights() {
        Decision matched = new Decision(Instant.parse("2026-12-04T20:01:02.345Z"), 1, Outcome.MATCHED, "pg-eu-1",
                "matched pg-eu-1 of dba-team: the best score (5.90) of 2 candidates; 1 offer ruled out", WEIGHTS,
                List.of(CHOSEN, RUNNER_UP, RULED_OUT), 0, null);

        assertThat(DecisionReport.lines(decisions("FULFILLED", matched))).containsExactly(
                "matched pg-eu-1 of dba-team: the best score (5.90) of 2 candidates; 1 offer ruled out",
                "OFFER    PRODUCER  VERSION  CHOSEN  HEADROOM  SPEED  RELIABILITY  PREFERENCE  TOTAL  RULED OUT / NOTE",
                "pg-eu-1  dba-team  1        *       0.90      1.00   1.00         1.00        5.90",
                "pg-eu-2  dba-eu    1                0.33      0.80   0.96         0.00        3.54",
                "pg-us-1  dba-team  1" + " ".repeat(65) + "CONSTRAINT: constraint region=[eu] not met (us)",
                "weights: headroom 1, speed 1, reliability 2, preference 1");
    }

    @Test
    void earlierDecisionsFollowOneLineEachWithTheirTimeOldestFirst() {
        Decision held = new Decision(Instant.parse("2026-12-04T19:58:00Z"), 0, Outcome.HELD, null,
                "held by the team's quota: 3 in flight of 3", WEIGHTS, List.of(), 0, "3 in flight of 3");
        Decision waited = new Decision(Instant.parse("2026-12-04T20:00:00Z"), 0, Outcome.WAITING, null,
                "waiting: none of 1 offer(s) could serve it", WEIGHTS,
                List.of(new Candidate("pg-eu-1", "dba-team", 1, false, "CAPACITY", "full (3/3)", null)), 0, null);
        Decision matched = new Decision(Instant.parse("2026-12-04T20:01:02.345Z"), 1, Outcome.MATCHED, "pg-eu-1",
                "matched pg-eu-1 of dba-team: the best score (5.90) of 1 candidate", new Weights(1.5, 0.25, 2, 0),
                List.of(CHOSEN), 4, "no other offer qualified");

        List<String> lines = DecisionReport.lines(decisions("MATCHED", held, waited, matched));

        assertThat(lines.get(0)).isEqualTo("matched pg-eu-1 of dba-team: the best score (5.90) of 1 candidate");
        assertThat(lines.get(1)).startsWith("OFFER").contains("CHOSEN", "TOTAL");
        assertThat(lines.subList(3, lines.size())).containsExactly(
                "weights: headroom 1.5, speed 0.25, reliability 2, preference 0",
                "and 4 more offer(s) considered, not listed",
                "note: no other offer qualified",
                "earlier decisions:",
                "  2026-12-04T19:58:00Z  held by the team's quota: 3 in flight of 3",
                "  2026-12-04T20:00:00Z  waiting: none of 1 offer(s) could serve it");
    }

    @Test
    void aCandidateOnProbationSaysWhyItsScoreWasLowered() {
        Candidate shaky = new Candidate("pg-eu-2", "dba-eu", 1, false, null,
                "producer dba-eu on probation since 2026-12-04T19:00:00Z, score x0.5: 6 of 10 outcomes went wrong",
                new MatchScore(1, 1, 0.4, 1, 1.9, 0.5));
        Decision matched = new Decision(Instant.parse("2026-12-04T20:01:02.345Z"), 1, Outcome.MATCHED, "pg-eu-1",
                "matched pg-eu-1 of dba-team: the best score (5.90) of 2 candidates", WEIGHTS, List.of(CHOSEN, shaky), 0, null);

        assertThat(DecisionReport.lines(decisions("MATCHED", matched)).get(3)).isEqualTo(
                "pg-eu-2  dba-eu    1                1.00      1.00   0.40         1.00        1.90   "
                        + "producer dba-eu on probation since 2026-12-04T19:00:00Z, score x0.5: 6 of 10 outcomes went wrong");
    }

    @Test
    void aDecisionThatConsideredNoOfferIsItsSummaryAlone() {
        Decision waiting = new Decision(Instant.parse("2026-12-04T20:00:00Z"), 0, Outcome.WAITING, null,
                "waiting: no offer of postgres-database v1", WEIGHTS, List.of(), 0, null);

        assertThat(DecisionReport.lines(decisions("WAITING", waiting))).containsExactly("waiting: no offer of postgres-database v1");
    }

    @Test
    void aRequestNotMatchedYetSaysSoWithItsState() {
        assertThat(DecisionReport.lines(decisions("PENDING_APPROVAL"))).containsExactly(
                "no matching decision yet (state PENDING_APPROVAL)");
    }

    private static RequestDecisions decisions(String state, Decision... decisions) {
        return new RequestDecisions("alpha.1", "postgres-database", 1, state, null, List.of(decisions),
                JsonNodeFactory.instance.objectNode());
    }
}
