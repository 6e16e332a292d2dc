package io.capmarket.client;

import static io.capmarket.client.LocalGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An approver's inbox and decisions against a real HTTP server: pages, typed approvals, refusals that are not retried. */
class ApprovalsTest {

    private final LocalGateway gateway;
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T18:00:00Z"));

    ApprovalsTest() throws IOException {
        gateway = new LocalGateway();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void theInboxIsReadPageByPageAndItsApprovalsAreTyped() {
        CapmarketClient client = client();
        gateway.then(json(200, "{\"items\":[" + Fixtures.pendingApproval("alpha.1") + "],\"next\":\"c/2\"}"))
                .then(json(200, "{\"items\":[" + Fixtures.pendingApproval("beta.7") + "],\"next\":null}"))
                .then(json(200, "{\"items\":[" + Fixtures.pendingApproval("alpha.1") + "],\"next\":\"c/2\"}"));

        var inbox = client.approvals();
        Page<Request> first = client.approvals(1, null);

        assertThat(inbox).extracting(Request::id).containsExactly("alpha.1", "beta.7");
        assertThat(first.items()).extracting(Request::id).containsExactly("alpha.1");
        assertThat(first.next()).isEqualTo("c/2");
        assertThat(gateway.seen()).extracting(LocalGateway.Seen::uri).containsExactly("/capmarket/v1/approvals?limit=500",
                "/capmarket/v1/approvals?limit=500&cursor=c%2F2", "/capmarket/v1/approvals?limit=1");
        Request pending = inbox.get(0);
        assertThat(pending.requestState()).isEqualTo(RequestState.PENDING_APPROVAL);
        assertThat(pending.approvalExpiresAt()).isEqualTo(Instant.parse("2026-12-05T18:00:00Z"));
        assertThat(pending.approvals()).containsExactly(
                new Request.Approval("platform", List.of("role:admin"), null, null),
                new Request.Approval("producer dba-eu", List.of("team:dba-eu", "role:approver"),
                        "bob (team dba-eu, role producer)", Instant.parse("2026-12-02T19:00:00Z")));
        assertThat(pending.openApprovals()).extracting(Request.Approval::source).containsExactly("platform");
    }

    @Test
    void anApprovalAndARejectionArePostsWithTheReason() {
        CapmarketClient client = client();
        gateway.then(3, json(202, Fixtures.pendingApproval("alpha.r 1")));

        Request approved = client.approve("alpha.r 1", "sized for the launch");
        client.approve("alpha.r 1", null);
        client.reject("alpha.r 1", "large is for production teams");

        assertThat(approved.is(RequestState.PENDING_APPROVAL)).as("the decision is taken asynchronously").isTrue();
        assertThat(gateway.seen()).extracting(seen -> seen.method() + " " + seen.uri() + " " + seen.body()).containsExactly(
                "POST /capmarket/v1/requests/alpha.r%201/approve {\"reason\":\"sized for the launch\"}",
                "POST /capmarket/v1/requests/alpha.r%201/approve {}",
                "POST /capmarket/v1/requests/alpha.r%201/reject {\"reason\":\"large is for production teams\"}");
        assertThat(gateway.seen()).allSatisfy(seen -> assertThat(seen.header("Content-Type")).isEqualTo("application/json"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "403|/problems/forbidden|not an approver of alpha.1: its open approvals name [role:admin]",
        "404|/problems/not-found|no request alpha.1",
        "409|/problems/conflict|request alpha.1 is FULFILLED, not PENDING_APPROVAL",
        "422|/problems/rejected-request|the decision is invalid"})
    void aRefusedDecisionIsNotRetriedAndSaysWhy(int status, String type, String detail) {
        gateway.then(json(status, "{\"type\":\"" + type + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\",\"errors\":"
                + (status == 422 ? "[{\"field\":\"reason\",\"value\":\"\",\"rule\":\"required to reject\"}]" : "[]") + "}"));

        assertThatThrownBy(() -> client().reject("alpha.1", "no")).isInstanceOfSatisfying(CapmarketException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.retryable()).isFalse();
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.getMessage()).startsWith("POST " + gateway.url("/capmarket/v1/requests/alpha.1/reject")).contains(detail);
            if (status == 422) {
                assertThat(e.errors()).containsExactly(new CapmarketException.FieldError("reason", "", "required to reject"));
            }
        });
        assertThat(gateway.seen()).hasSize(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void aRejectionNeedsAReasonAndAPageASizeCheckedBeforeAnyCall() {
        CapmarketClient client = client();

        assertThatThrownBy(() -> client.reject("alpha.1", null))
                .hasMessage("reason must be text saying why the request is rejected (its requester reads it), but was null");
        assertThatThrownBy(() -> client.reject("alpha.1", " "))
                .hasMessage("reason must be text saying why the request is rejected (its requester reads it), but was blank: ' '");
        assertThatThrownBy(() -> client.approve("alpha.1", ""))
                .hasMessage("reason must be null or text saying why, but was blank: ''");
        assertThatThrownBy(() -> client.approvals(0, null)).hasMessage("limit must be from 1 to 500, but was 0");
        assertThatThrownBy(() -> client.approvals(10, "")).hasMessage("cursor must be a page's next cursor or null, but was empty");
        assertThat(gateway.seen()).isEmpty();
    }

    @Test
    void pendingApprovalIsNeitherLiveNorFinishedAndAWaitForFulfilmentGoesOnThroughIt() throws Exception {
        Request pending = Request.from(new ObjectMapper().readTree(Fixtures.pendingApproval("alpha.1")));
        Request fulfilled = Request.from(new ObjectMapper().readTree(Fixtures.request("alpha.1", "FULFILLED", "SUBMITTED",
                "PENDING_APPROVAL", "MATCHED", "FULFILLED")));

        assertThat(RequestState.of("pending_approval")).isEqualTo(RequestState.PENDING_APPROVAL);
        assertThat(RequestState.PENDING_APPROVAL.live()).isFalse();
        assertThat(RequestState.PENDING_APPROVAL.terminal()).isFalse();
        assertThat(RequestState.PENDING_APPROVAL.provisioning()).isTrue();
        assertThat(pending.ends("FULFILLED")).isFalse();
        assertThat(pending.ends("PENDING_APPROVAL")).isTrue();
        assertThat(fulfilled.ends("PENDING_APPROVAL")).as("passed through it").isTrue();
        assertThat(fulfilled.approvals()).as("a view without approvals: none applied").isEmpty();
        assertThat(fulfilled.approvalExpiresAt()).isNull();
        assertThat(RequestQuery.all().withState(RequestState.PENDING_APPROVAL).relative()).contains("&state=PENDING_APPROVAL");
    }

    private CapmarketClient client() {
        return CapmarketClient.builder().baseUrl(gateway.url("/capmarket")).token("approver-token").clock(clock)
                .sleeper(clock.sleeper()).build();
    }
}
