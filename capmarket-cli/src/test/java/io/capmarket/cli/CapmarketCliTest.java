package io.capmarket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing, help, errors and exit codes, without a gateway. */
class CapmarketCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return CapmarketCli.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int run(String... args) {
        return run(Map.of(), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("Usage: capmarket", "dev", "infra", "topology", "gateway", "sync", "producer", "team", "platform",
                "bench", "request", "approvals", "catalog", "replay", "completion", "help", "chaos", "Exit codes");
        out.reset();
        assertThat(run()).as("no command prints the help").isZero();
        assertThat(out()).contains("Usage: capmarket");
        out.reset();
        assertThat(run("help", "request")).isZero();
        assertThat(out()).contains("submit", "get", "watch", "update", "approve", "reject", "cancel", "list")
                .containsPattern("(?m)^  why +Prints why matching sent a request to its offer");
    }

    @Test
    void subcommandHelpComesFromTheAnnotationsThatParse() {
        assertThat(run("dev", "--help")).isZero();
        assertThat(out()).contains("--secure", "--reset", "--data-dir", "--kafka-port", "--registry-port", "--gateway-port", "--topology-port");
        out.reset();
        assertThat(run("topology", "--help")).isZero();
        assertThat(out()).contains("--config", "--set", "matching.accept-deadline (default 30s)", "CAPMARKET_BOOTSTRAP_SERVERS");
        out.reset();
        assertThat(run("request", "submit", "--help")).isZero();
        assertThat(out()).contains("CAPABILITY", "--param", "--constraint", "--wait", "--url", "--token", "--output");
    }

    @Test
    void versionIsTheBuildsVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out()).startsWith("capmarket ").doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhy() {
        assertThat(run("dance")).isEqualTo(2);
        assertThat(err()).contains("Unmatched argument", "'dance'");
        err.reset();
        assertThat(run("dev", "--kafka-port", "many")).isEqualTo(2);
        assertThat(err()).contains("--kafka-port", "'many'");
        err.reset();
        assertThat(run("dev", "--kafka-port", "70000")).isEqualTo(2);
        assertThat(err()).contains("--kafka-port must be between 0 and 65535, but was 70000");
        err.reset();
        assertThat(run("request", "get")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter: 'ID'");
        err.reset();
        assertThat(run("request", "list", "--output", "yaml")).isEqualTo(2);
        assertThat(err()).contains("--output", "yaml", "json, table");
        err.reset();
        assertThat(run("request", "submit", "x", "--wait", "FULFILLED", "--timeout", "soon")).isEqualTo(2);
        assertThat(err()).contains("'soon' is not a duration like 30s, 5m or PT1H");
        err.reset();
        assertThat(run("request")).as("a noun alone").isEqualTo(2);
        err.reset();
        assertThat(run("request", "reject", "r-1")).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--reason=TEXT'");
    }

    @Test
    void aRejectionWithoutAReasonAndABadPageAreRefusedBeforeAnyCall() {
        Map<String, String> env = Map.of("CAPMARKET_TOKEN", "t", "CAPMARKET_URL", "http://127.0.0.1:1");
        assertThat(run(env, "request", "reject", "r-1", "--reason", " ")).isEqualTo(2);
        assertThat(err()).contains("capmarket reject: reason must be text saying why the request is rejected (its requester reads it), "
                + "but was blank: ' '", "Try 'capmarket request reject --help'");
        err.reset();
        assertThat(run(env, "approvals", "--limit", "0")).isEqualTo(2);
        assertThat(err()).contains("capmarket approvals: limit must be from 1 to 500, but was 0");
    }

    @Test
    void theConsumerCommandsNeedATokenAndAnHttpUrl() {
        assertThat(run("catalog")).isEqualTo(2);
        assertThat(err()).contains("a token is needed: set CAPMARKET_TOKEN or give --token");
        err.reset();
        assertThat(run(Map.of("CAPMARKET_TOKEN", "t", "CAPMARKET_URL", "ftp://host"), "catalog")).isEqualTo(2);
        assertThat(err()).contains("--url must be an http(s) URL with a host, but was 'ftp://host'");
    }

    @Test
    void aGatewayThatCannotBeReachedIsARemoteFailure() {
        assertThat(run(Map.of("CAPMARKET_TOKEN", "t"), "request", "get", "r-1", "--url", "http://127.0.0.1:1", "--retry-for", "200ms")).isEqualTo(1);
        assertThat(err()).startsWith("capmarket get: ");
    }

    @Test
    void theGatewayHashesTokensAndTheApplicationsRefuseBadSettings() {
        assertThat(run("gateway", "--hash-token", "abc")).isZero();
        assertThat(out().trim()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(run("topology", "--set")).isEqualTo(2);
    }

    @Test
    void completionIsABashScriptForTheWholeTree() {
        assertThat(run("completion")).isZero();
        assertThat(out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_capmarket", "request", "watch", "--output")
                .contains("local commands=\"submit get watch why update approve reject cancel list\"", "_picocli_capmarket_request_why()");
    }
}
