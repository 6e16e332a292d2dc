package io.capmarket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code capmarket request submit} against a loopback HTTP server that answers as the gateway
 * would: how {@code -p NAME=VALUE} reads a value, and what {@code --wait STATE}'s exit code says:
 * whether the request reached the state, which it may have passed by the time the wait ends.
 */
class RequestSubmitTest {

    private final ScriptedGateway gateway = new ScriptedGateway();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static String request(String state, String... history) {
        StringBuilder transitions = new StringBuilder();
        for (String entered : history) {
            transitions.append(transitions.length() == 0 ? "" : ",").append("{\"state\":\"").append(entered)
                    .append("\",\"at\":\"2026-12-02T18:00:00Z\"}");
        }
        return "{\"id\":\"r-1\",\"team\":\"alpha\",\"capability\":\"postgres-database\",\"version\":1,\"parameters\":{\"size\":\"small\"},"
                + "\"state\":\"" + state + "\",\"outputs\":{},\"reason\":null,\"history\":[" + transitions + "],\"approvals\":[],"
                + "\"approvalExpiresAt\":null}";
    }

    @Test
    void aRequestThatPassedThroughTheStateAwaitedReachedIt() {
        gateway.answer(202, request("SUBMITTED", "SUBMITTED"));
        gateway.answer(200, request("ACCEPTED", "SUBMITTED", "MATCHED", "ACCEPTED"));

        assertThat(run("request", "submit", "postgres-database", "-p", "size=small", "--wait", "MATCHED", "--timeout", "5s"))
                .as(err()).isZero();
        assertThat(gateway.seen()).hasSize(2);
        assertThat(gateway.seen().get(1)).startsWith("GET /v1/requests/r-1?waitFor=MATCHED");
    }

    @Test
    void aRequestThatEndedWithoutTheStateAwaitedDidNotReachIt() {
        gateway.answer(202, request("SUBMITTED", "SUBMITTED"));
        gateway.answer(200, request("FAILED", "SUBMITTED", "WAITING", "FAILED"));

        assertThat(run("request", "submit", "postgres-database", "-p", "size=small", "--wait", "MATCHED", "--timeout", "5s"))
                .isEqualTo(1);
    }

    @Test
    void aParameterIsJsonOnlyWhenItIsJsonWhole() {
        assertThat(RequestCommands.value("20")).isEqualTo(20);
        assertThat(RequestCommands.value("true")).isEqualTo(true);
        assertThat(RequestCommands.value("\"x\"")).isEqualTo("x");
        assertThat(RequestCommands.value("10 GB")).as("text, not 10").isEqualTo("10 GB");
        assertThat(RequestCommands.value("true story")).isEqualTo("true story");
        assertThat(RequestCommands.value("eu-west")).isEqualTo("eu-west");
    }

    private int run(String... args) {
        return CapmarketCli.execute(args, Map.of("CAPMARKET_TOKEN", "alpha-token", "CAPMARKET_URL", gateway.url()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
