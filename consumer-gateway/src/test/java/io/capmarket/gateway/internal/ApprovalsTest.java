package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.ConflictException;
import io.capmarket.gateway.ForbiddenException;
import io.capmarket.gateway.GatewayException;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.ApprovalGate;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may decide a request's approvals and see it, what a decision's body holds, and the command it becomes. */
class ApprovalsTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Principal ALICE = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);
    private static final Principal ROOT = new Principal("platform", Principal.Role.ADMIN, "root", false);
    private static final Principal DANA = new Principal("dba", Principal.Role.APPROVER, "dana", false);
    private static final Principal BOB = new Principal("beta", Principal.Role.CONSUMER, "bob", false);
    private static final Principal PRODUCER = new Principal("db-team", Principal.Role.PRODUCER, "db-team", true);

    /** A request of team alpha asked for by alice, waiting for the platform's (role:admin) and db-team's (team:dba) approvals. */
    private static RequestStatus pending(ApprovalGate... gates) {
        RequestStatus submitted = RequestViews.submitted(SubmitRequest.newBuilder().setRequestId("r1").setConsumerTeam("alpha")
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setCapability("postgres-database").setCapabilityVersion(1)
                .setParameters("{\"size\":\"large\"}").setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL)
                .setSubmittedAt(T0).build());
        List<StatusTransition> history = new ArrayList<>(submitted.getHistory());
        history.add(new StatusTransition(RequestState.PENDING_APPROVAL, T0, 0, null, "waiting for approval"));
        return RequestStatus.newBuilder(submitted).setState(RequestState.PENDING_APPROVAL).setHistory(history)
                .setApprovals(List.of(gates)).setApprovalExpiresAt(T0.plusSeconds(3600)).build();
    }

    private static ApprovalGate open(String source, String... approvers) {
        return ApprovalGate.newBuilder().setSource(source).setApprovers(List.of(approvers)).build();
    }

    private static ApprovalGate approved(String source, String... approvers) {
        return ApprovalGate.newBuilder(open(source, approvers)).setApprovedBy("root (team platform, role admin)").setApprovedAt(T0).build();
    }

    @Test
    void anApprovalIsDecidedByTheRoleOrTeamItNamesNeverByTheRequesterAndOnlyWhileOpen() {
        RequestStatus status = pending(open("platform", "role:admin"), open("producer db-team", "team:dba", "role:producer"));

        assertThat(Approvals.decides(ROOT, status)).isTrue();
        assertThat(Approvals.decides(DANA, status)).as("by its team").isTrue();
        assertThat(Approvals.decides(PRODUCER, status)).as("by its role").isTrue();
        assertThat(Approvals.decides(BOB, status)).isFalse();
        assertThat(Approvals.decides(new Principal("platform", Principal.Role.ADMIN, "alice", false), status))
                .as("whoever asked for it, whatever the token").isFalse();
        RequestStatus byABot = RequestStatus.newBuilder(status).setRequestedBy(new Requester(RequesterKind.BOT, "alice")).build();
        assertThat(Approvals.decides(new Principal("platform", Principal.Role.ADMIN, "alice", false), byABot))
                .as("a team's bot on Kafka named like a person is not that person").isTrue();
        assertThat(Approvals.decides(new Principal("platform", Principal.Role.ADMIN, "alice", true), byABot))
                .as("a bot token of that name is").isFalse();
        assertThat(Approvals.decides(ROOT, pending(approved("platform", "role:admin"), open("producer db-team", "team:dba"))))
                .as("an approval given is decided").isFalse();
        assertThat(Approvals.decides(ROOT, RequestStatus.newBuilder(status).setState(RequestState.MATCHED).build()))
                .as("only while PENDING_APPROVAL").isFalse();
        assertThat(Approvals.decides(DANA, RequestViews.view(status))).as("the view says the same").isTrue();
        assertThat(Approvals.decides(BOB, RequestViews.view(status))).isFalse();
    }

    @Test
    void whoMayDecideAnOpenApprovalMaySeeTheRequestWhileItWaits() {
        RequestStatus status = pending(open("producer db-team", "team:dba"));

        assertThat(DANA.sees(status)).isTrue();
        assertThat(DANA.sees(RequestViews.view(status))).isTrue();
        assertThat(BOB.sees(status)).isFalse();
        assertThat(ALICE.sees(status)).as("its team's").isTrue();
        assertThat(DANA.sees(RequestStatus.newBuilder(status).setState(RequestState.MATCHED).build())).as("once decided").isFalse();
    }

    @Test
    void aDecisionBecomesTheCommandNamingTheApproverAsAuthenticated() {
        RequestView view = RequestViews.view(pending(open("platform", "role:admin")));

        RequestCommand command = Approvals.decision(new Principal("platform", Principal.Role.ADMIN, "ci-bot", true), view, false,
                "too large for this quarter", T0);

        ApprovalDecision decision = (ApprovalDecision) command.getCommand();
        assertThat(decision.getRequestId()).isEqualTo("r1");
        assertThat(decision.getDecidedBy()).isEqualTo(new Requester(RequesterKind.BOT, "ci-bot"));
        assertThat(decision.getApproverTeam()).isEqualTo("platform");
        assertThat(decision.getApproverRole()).isEqualTo("admin");
        assertThat(decision.getApprove()).isFalse();
        assertThat(decision.getReason()).isEqualTo("too large for this quarter");
        assertThat(decision.getAt()).isEqualTo(T0);
        assertThat(((ApprovalDecision) Approvals.decision(ROOT, view, true, null, T0).getCommand()).getApprove()).isTrue();
    }

    @Test
    void aDecisionIsRefusedUnlessPendingByTheRequesterByANonApproverAndARejectionWithoutReason() {
        RequestView view = RequestViews.view(pending(open("platform", "role:admin"), approved("producer db-team", "team:dba")));
        RequestView matched = RequestViews.view(RequestStatus.newBuilder(pending(open("platform", "role:admin")))
                .setState(RequestState.MATCHED).build());

        assertThatThrownBy(() -> Approvals.decision(ROOT, matched, true, null, T0)).isInstanceOf(ConflictException.class)
                .hasMessage("request r1 is MATCHED, not PENDING_APPROVAL: it waits for no approval");
        assertThatThrownBy(() -> Approvals.decision(new Principal("platform", Principal.Role.ADMIN, "alice", false), view, true, null, T0))
                .isInstanceOf(ForbiddenException.class)
                .hasMessageContaining("alice (team platform, role admin) asked for request r1 and cannot decide on it");
        assertThatThrownBy(() -> Approvals.decision(DANA, view, true, null, T0)).isInstanceOf(ForbiddenException.class)
                .hasMessage("dana (team dba, role approver) is not an approver of request r1: its open approvals name [role:admin]");
        assertThatThrownBy(() -> Approvals.decision(ROOT, view, false, null, T0)).isInstanceOf(RejectedRequestException.class)
                .satisfies(e -> assertThat(((GatewayException) e).errors()).singleElement()
                        .satisfies(error -> assertThat(error.field()).isEqualTo("reason"))
                        .satisfies(error -> assertThat(error.rule()).contains("non-blank")));
        assertThatThrownBy(() -> Approvals.decision(ROOT, view, true, "x".repeat(Approvals.MAX_REASON + 1), T0))
                .isInstanceOf(RejectedRequestException.class).hasMessageContaining("1001 characters");
    }

    @Test
    void theBodyOfADecisionHoldsAReasonOrNothing() throws Exception {
        assertThat(Approvals.reason(null)).isNull();
        assertThat(Approvals.reason(json("{}"))).isNull();
        assertThat(Approvals.reason(json("{\"reason\": \"  \"}"))).as("blank is none").isNull();
        assertThat(Approvals.reason(json("{\"reason\": \" within budget \"}"))).isEqualTo("within budget");

        assertThatThrownBy(() -> Approvals.reason(json("[\"ok\"]"))).isInstanceOf(MalformedRequestException.class);
        assertThatThrownBy(() -> Approvals.reason(json("{\"reason\": 42, \"approve\": true}"))).isInstanceOf(MalformedRequestException.class)
                .satisfies(e -> assertThat(((GatewayException) e).errors()).extracting(GatewayException.FieldError::field)
                        .containsExactlyInAnyOrder("reason", "approve"));
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }
}
