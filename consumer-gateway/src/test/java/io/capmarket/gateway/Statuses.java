package io.capmarket.gateway;

import io.capmarket.gateway.internal.RequestViews;
import io.capmarket.schemas.ApprovalGate;
import io.capmarket.schemas.Priority;
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

/** Request statuses as the topology would write them, for tests that play the topology. */
final class Statuses {

    private Statuses() {
    }

    static RequestStatus submitted(String id, String team, Instant at) {
        return RequestViews.submitted(SubmitRequest.newBuilder().setRequestId(id).setConsumerTeam(team)
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setCapability("postgres-database")
                .setCapabilityVersion(2).setParameters("{\"sizeGb\":10}").setConstraints(Map.of()).setPreferences(Map.of())
                .setPriority(Priority.NORMAL).setSubmittedAt(at).build());
    }

    /** The SUBMITTED status of a request the gateway answered with (its JSON). */
    static RequestStatus of(com.fasterxml.jackson.databind.JsonNode view) {
        return RequestViews.submitted(SubmitRequest.newBuilder().setRequestId(view.get("id").asText())
                .setConsumerTeam(view.get("team").asText())
                .setRequestedBy(new Requester(RequesterKind.valueOf(view.get("requestedBy").get("kind").asText()),
                        view.get("requestedBy").get("name").asText()))
                .setCapability(view.get("capability").asText()).setCapabilityVersion(view.get("version").asInt())
                .setParameters(view.get("parameters").toString()).setConstraints(Map.of()).setPreferences(Map.of())
                .setPriority(Priority.valueOf(view.get("priority").asText()))
                .setSubmittedAt(Instant.parse(view.get("submittedAt").asText())).build());
    }

    /** A submitted request now waiting for one approval, by any of {@code approvers} ({@code team:dba}), within a day. */
    static RequestStatus pending(RequestStatus submitted, String... approvers) {
        return RequestStatus.newBuilder(advance(submitted, RequestState.PENDING_APPROVAL, "waiting for approval"))
                .setApprovals(List.of(ApprovalGate.newBuilder().setSource("producer db-team").setApprovers(List.of(approvers)).build()))
                .setApprovalExpiresAt(submitted.getSubmittedAt().plusSeconds(86_400)).build();
    }

    static RequestStatus advance(RequestStatus status, RequestState state, String detail) {
        Instant at = status.getUpdatedAt().plusMillis(10);
        List<StatusTransition> history = new ArrayList<>(status.getHistory());
        int attempt = state == RequestState.MATCHED ? status.getAttempt() + 1 : status.getAttempt();
        history.add(new StatusTransition(state, at, attempt, "pg-eu", detail));
        RequestStatus.Builder next = RequestStatus.newBuilder(status).setState(state).setUpdatedAt(at).setHistory(history)
                .setAttempt(attempt).setOfferId("pg-eu").setProducerId("db-team");
        if (state == RequestState.FULFILLED) {
            next.setOutputs(Map.of("host", "db.internal"));
        }
        return next.build();
    }
}
