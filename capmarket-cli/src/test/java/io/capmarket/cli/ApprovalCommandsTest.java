package io.capmarket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code capmarket approvals} and {@code capmarket request approve|reject} against a loopback HTTP
 * server that answers as the gateway would, in order, and records what it was asked: what is
 * called, what is printed, and the exit codes.
 */
class ApprovalCommandsTest {

    private static final String PENDING = "{\"id\":\"alpha.1\",\"team\":\"alpha\",\"capability\":\"postgres-database\",\"version\":1,"
            + "\"parameters\":{\"size\":\"large\"},\"state\":\"PENDING_APPROVAL\",\"outputs\":{},\"reason\":null,"
            + "\"history\":[{\"state\":\"SUBMITTED\",\"at\":\"2026-12-02T18:00:00Z\"},{\"state\":\"PENDING_APPROVAL\",\"at\":\"2026-12-02T18:00:00Z\"}],"
            + "\"approvals\":[{\"source\":\"platform\",\"approvers\":[\"role:admin\"],\"approvedBy\":null,\"approvedAt\":null},"
            + "{\"source\":\"producer dba-eu\",\"approvers\":[\"team:dba-eu\",\"role:approver\"],\"approvedBy\":null,\"approvedAt\":null}],"
            + "\"approvalExpiresAt\":\"2026-12-05T18:00:00Z\"}";

    private final ScriptedGateway gateway = new ScriptedGateway();
    private final List<String> seen = gateway.seen();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void theInboxIsATableOfWhoAsksForWhatAndWhichApprovalsItAwaits() {
        answer(200, "{\"items\":[" + PENDING + "],\"next\":\"c/2\"}");

        assertThat(run("approvals")).as(err()).isZero();

        assertThat(seen).containsExactly("GET /v1/approvals?limit=50 ");
        assertThat(out().lines()).containsExactly(
                "ID       TEAM   CAPABILITY         VERSION  AWAITING" + " ".repeat(65) + "EXPIRES               PARAMETERS",
                "alpha.1  alpha  postgres-database  1        platform by role:admin; producer dba-eu by team:dba-eu or role:approver  "
                        + "2026-12-05T18:00:00Z  {\"size\":\"large\"}",
                "more: --cursor c/2");
    }

    @Test
    void theInboxInJsonIsThePageAsTheGatewayShapedIt() throws Exception {
        answer(200, "{\"items\":[" + PENDING + "],\"next\":null}");

        assertThat(run("approvals", "-o", "json", "--limit", "1", "--cursor", "c/2")).as(err()).isZero();

        assertThat(seen).containsExactly("GET /v1/approvals?limit=1&cursor=c%2F2 ");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(out())).isEqualTo(json.readTree("{\"items\":[" + PENDING + "],\"next\":null}"));
    }

    @Test
    void anApprovalAndARejectionPostTheReasonAndPrintTheRequestAsItWas() {
        answer(202, PENDING);
        answer(202, PENDING);
        answer(202, PENDING);

        assertThat(run("request", "approve", "alpha.1")).as(err()).isZero();
        assertThat(run("request", "approve", "alpha.1", "--reason", "sized for the launch")).as(err()).isZero();
        assertThat(run("request", "reject", "alpha.1", "--reason", "large is for production teams")).as(err()).isZero();

        assertThat(seen).containsExactly("POST /v1/requests/alpha.1/approve {}",
                "POST /v1/requests/alpha.1/approve {\"reason\":\"sized for the launch\"}",
                "POST /v1/requests/alpha.1/reject {\"reason\":\"large is for production teams\"}");
        assertThat(out().lines().findFirst()).hasValue("ID       CAPABILITY         VERSION  STATE             DETAIL");
        assertThat(out()).contains("alpha.1  postgres-database  1        PENDING_APPROVAL  awaiting approval, platform by role:admin; "
                + "producer dba-eu by team:dba-eu or role:approver, until 2026-12-05T18:00:00Z");
    }

    @Test
    void aRefusedDecisionIsARemoteFailureThatSaysWhy() {
        answer(403, "{\"type\":\"/problems/forbidden\",\"status\":403,"
                + "\"detail\":\"not an approver of alpha.1: its open approvals name [role:admin]\"}");

        assertThat(run("request", "approve", "alpha.1")).isEqualTo(1);

        assertThat(err()).startsWith("capmarket approve: POST ").contains("HTTP 403 /problems/forbidden",
                "not an approver of alpha.1: its open approvals name [role:admin]");
    }

    private int run(String... args) {
        return CapmarketCli.execute(args, Map.of("CAPMARKET_TOKEN", "approver-token", "CAPMARKET_URL",
                gateway.url()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void answer(int status, String body) {
        gateway.answer(status, body);
    }
}
