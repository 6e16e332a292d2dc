package io.capmarket.client;

import static io.capmarket.client.LocalGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.client.RequestDecisions.Candidate;
import io.capmarket.client.RequestDecisions.Decision;
import io.capmarket.client.RequestDecisions.MatchScore;
import io.capmarket.client.RequestDecisions.Outcome;
import io.capmarket.client.RequestDecisions.Weights;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A request's matching decisions against a real HTTP server: the call, the typed answer, refusals that are not retried. */
class DecisionsTest {

    private final LocalGateway gateway;
    private final TestClock clock = new TestClock(Instant.parse("2026-12-04T21:00:00Z"));

    DecisionsTest() throws IOException {
        gateway = new LocalGateway();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void theDecisionsAreReadAndTypedOldestFirst() {
        gateway.then(json(200, Fixtures.decisions("alpha.r 1")));

        RequestDecisions read = client().decisions("alpha.r 1");

        assertThat(gateway.seen()).extracting(seen -> seen.method() + " " + seen.uri())
                .containsExactly("GET /capmarket/v1/requests/alpha.r%201/decision");
        assertThat(gateway.seen().get(0).header("Authorization")).isEqualTo("Bearer reader-token");
        assertThat(read.requestId()).isEqualTo("alpha.r 1");
        assertThat(read.capability()).isEqualTo("postgres-database");
        assertThat(read.version()).isEqualTo(1);
        assertThat(read.requestState()).isEqualTo(RequestState.FULFILLED);
        assertThat(read.offerId()).isEqualTo("pg-eu-1");
        assertThat(read.decisions()).extracting(Decision::outcome).containsExactly(Outcome.WAITING, Outcome.MATCHED);

        Decision waited = read.decisions().get(0);
        assertThat(waited.offerId()).isNull();
        assertThat(waited.chosen()).isEmpty();
        assertThat(waited.candidates()).containsExactly(new Candidate("pg-eu-1", "dba-team", 1, false, "CAPACITY", "full (3/3)", null));
        assertThat(waited.candidates().get(0).ruledOut()).isTrue();

        Decision matched = read.latest().orElseThrow();
        assertThat(matched.at()).isEqualTo(Instant.parse("2026-12-04T20:01:02.345Z"));
        assertThat(matched.attempt()).isEqualTo(1);
        assertThat(matched.offerId()).isEqualTo("pg-eu-1");
        assertThat(matched.summary()).isEqualTo("matched pg-eu-1 of dba-team: the best score (4.75) of 2 candidates; 1 offer ruled out");
        assertThat(matched.weights()).isEqualTo(new Weights(1, 1, 2, 1));
        assertThat(matched.candidates()).containsExactly(
                new Candidate("pg-eu-1", "dba-team", 1, true, null, null, new MatchScore(0.75, 1, 1, 1, 4.75)),
                new Candidate("pg-eu-2", "dba-eu", 1, false, null, null, new MatchScore(0.5, 0.8, 0.9, 0, 3.1)),
                new Candidate("pg-us-1", "dba-team", 1, false, "CONSTRAINT", "constraint region=[eu] not met (us)", null));
        assertThat(matched.chosen()).hasValue(matched.candidates().get(0));
        assertThat(matched.unlisted()).isEqualTo(2);
        assertThat(matched.note()).isEqualTo("a retry");
        assertThat(read.json().path("decisions").get(1).path("newField").asBoolean()).as("fields not modelled are kept").isTrue();
    }

    @Test
    void aRequestNotMatchedYetHasNoDecisions() {
        gateway.then(json(200, Fixtures.noDecisions("alpha.2")));

        RequestDecisions read = client().decisions("alpha.2");

        assertThat(read.decisions()).isEmpty();
        assertThat(read.latest()).isEmpty();
        assertThat(read.offerId()).isNull();
        assertThat(read.requestState()).isEqualTo(RequestState.PENDING_APPROVAL);
    }

    @Test
    void anOutcomeThisClientDoesNotKnowReadsAsOther() {
        assertThat(Outcome.of("matched")).isEqualTo(Outcome.MATCHED);
        assertThat(Outcome.of("HELD")).isEqualTo(Outcome.HELD);
        assertThat(Outcome.of("REROUTED")).isEqualTo(Outcome.OTHER);
        assertThat(Outcome.of(null)).isEqualTo(Outcome.OTHER);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "403|/problems/forbidden|team beta may not read request alpha.1",
        "404|/problems/not-found|no request alpha.1"})
    void aRefusedReadIsNotRetriedAndSaysWhy(int status, String type, String detail) {
        gateway.then(json(status, "{\"type\":\"" + type + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}"));

        assertThatThrownBy(() -> client().decisions("alpha.1")).isInstanceOfSatisfying(CapmarketException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).startsWith("GET " + gateway.url("/capmarket/v1/requests/alpha.1/decision")).contains(detail);
        });
        assertThat(gateway.seen()).hasSize(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void anUnavailableGatewayIsRetried() {
        gateway.then(json(503, "{\"type\":\"/problems/retry-later\",\"status\":503,\"detail\":\"rebalancing\"}", "Retry-After", "2"))
                .then(json(200, Fixtures.noDecisions("alpha.1")));

        assertThat(client().decisions("alpha.1").requestId()).isEqualTo("alpha.1");
        assertThat(gateway.seen()).hasSize(2);
        assertThat(clock.sleeps()).hasSize(1);
    }

    @Test
    void anIdIsRequiredBeforeAnyCall() {
        assertThatThrownBy(() -> client().decisions(null)).isInstanceOf(NullPointerException.class).hasMessage("requestId");
        assertThat(gateway.seen()).isEmpty();
    }

    private CapmarketClient client() {
        return CapmarketClient.builder().baseUrl(gateway.url("/capmarket")).token("reader-token").clock(clock)
                .sleeper(clock.sleeper()).build();
    }
}
