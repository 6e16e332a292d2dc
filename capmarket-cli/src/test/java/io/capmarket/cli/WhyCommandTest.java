package io.capmarket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code capmarket request why} against a loopback HTTP server that answers as the gateway would:
 * what is called, what is printed in a table and in JSON, and the exit codes.
 */
class WhyCommandTest {

    private static final String DECISIONS = "{\"requestId\":\"alpha.1\",\"capability\":\"postgres-database\",\"version\":1,"
            + "\"state\":\"FULFILLED\",\"offerId\":\"pg-eu-1\",\"decisions\":["
            + "{\"at\":\"2026-12-04T20:00:00Z\",\"attempt\":0,\"outcome\":\"WAITING\",\"offerId\":null,"
            + "\"summary\":\"waiting: none of 1 offer(s) could serve it\","
            + "\"weights\":{\"headroom\":1.0,\"speed\":1.0,\"reliability\":2.0,\"preference\":1.0},"
            + "\"candidates\":[{\"offerId\":\"pg-eu-1\",\"producerId\":\"dba-team\",\"version\":1,\"chosen\":false,"
            + "\"filter\":\"CAPACITY\",\"detail\":\"full (3/3)\",\"score\":null}],\"unlisted\":0,\"note\":null},"
            + "{\"at\":\"2026-12-04T20:01:02.345Z\",\"attempt\":1,\"outcome\":\"MATCHED\",\"offerId\":\"pg-eu-1\","
            + "\"summary\":\"matched pg-eu-1 of dba-team: the best score (5.90) of 1 candidate(s); 1 offer(s) ruled out\","
            + "\"weights\":{\"headroom\":1.0,\"speed\":1.0,\"reliability\":2.0,\"preference\":1.0},\"candidates\":["
            + "{\"offerId\":\"pg-eu-1\",\"producerId\":\"dba-team\",\"version\":1,\"chosen\":true,\"filter\":null,\"detail\":null,"
            + "\"score\":{\"headroom\":0.9,\"speed\":1.0,\"reliability\":1.0,\"preference\":1.0,\"total\":5.9}},"
            + "{\"offerId\":\"pg-us-1\",\"producerId\":\"dba-team\",\"version\":1,\"chosen\":false,\"filter\":\"CONSTRAINT\","
            + "\"detail\":\"constraint region=[eu] not met (us)\",\"score\":null}],\"unlisted\":0,\"note\":null}]}";

    private final ScriptedGateway gateway = new ScriptedGateway();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void theLatestDecisionIsATableOfTheOffersConsideredAndTheEarlierOnesFollow() {
        gateway.answer(200, DECISIONS);

        assertThat(run("request", "why", "alpha.1")).as(err()).isZero();

        assertThat(gateway.seen()).containsExactly("GET /v1/requests/alpha.1/decision ");
        assertThat(out().lines()).containsExactly(
                "matched pg-eu-1 of dba-team: the best score (5.90) of 1 candidate(s); 1 offer(s) ruled out",
                "OFFER    PRODUCER  VERSION  CHOSEN  HEADROOM  SPEED  RELIABILITY  PREFERENCE  TOTAL  RULED OUT / NOTE",
                "pg-eu-1  dba-team  1        *       0.90      1.00   1.00         1.00        5.90",
                "pg-us-1  dba-team  1" + " ".repeat(65) + "CONSTRAINT: constraint region=[eu] not met (us)",
                "weights: headroom 1, speed 1, reliability 2, preference 1",
                "earlier decisions:",
                "  2026-12-04T20:00:00Z  waiting: none of 1 offer(s) could serve it");
    }

    @Test
    void inJsonItIsTheGatewaysAnswer() throws Exception {
        gateway.answer(200, DECISIONS);

        assertThat(run("request", "why", "alpha.1", "-o", "json")).as(err()).isZero();

        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(out())).isEqualTo(json.readTree(DECISIONS));
    }

    @Test
    void aRequestNotMatchedYetSaysSo() {
        gateway.answer(200, "{\"requestId\":\"alpha.2\",\"capability\":\"postgres-database\",\"version\":1,"
                + "\"state\":\"PENDING_APPROVAL\",\"offerId\":null,\"decisions\":[]}");

        assertThat(run("request", "why", "alpha.2")).as(err()).isZero();

        assertThat(out().lines()).containsExactly("no matching decision yet (state PENDING_APPROVAL)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "403|/problems/forbidden|team beta may not read request alpha.1",
        "404|/problems/not-found|no request alpha.1"})
    void aRefusedReadIsARemoteFailureThatSaysWhy(int status, String type, String detail) {
        gateway.answer(status, "{\"type\":\"" + type + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}");

        assertThat(run("request", "why", "alpha.1")).isEqualTo(CapmarketCli.FAILED);

        assertThat(err()).startsWith("capmarket why: GET ").contains("HTTP " + status + " " + type, detail);
        assertThat(out()).isEmpty();
        assertThat(gateway.seen()).hasSize(1);
    }

    private int run(String... args) {
        return CapmarketCli.execute(args, Map.of("CAPMARKET_TOKEN", "consumer-token", "CAPMARKET_URL", gateway.url()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
