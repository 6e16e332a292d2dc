package io.capmarket.gateway.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.SubmittedStatus;
import io.capmarket.schemas.gateway.KeptDecisions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** Pure rules of the request read model: how views are folded, and how they are shown. */
public final class RequestViews {

    /** States a request never leaves. */
    static final Set<String> TERMINAL = Set.of(RequestState.DEPROVISIONED.name(), RequestState.FAILED.name(),
            RequestState.CANCELLED.name());
    /** States in which the request's resource exists at its producer. */
    static final Set<String> LIVE = Set.of(RequestState.FULFILLED.name(), RequestState.UPDATING.name(),
            RequestState.DEPROVISIONING.name());

    static {
        AvroTrust.install();
    }

    private RequestViews() {
    }

    /** Matching decisions a view keeps, the latest ones. */
    static final int MAX_DECISIONS = 5;

    /**
     * The next view of a request: a status from the topology replaces the view, unless it is
     * older than the one held (a shorter history). Returns {@code current} itself when nothing changes.
     * Each status record carries only the matching decisions made in its own step, so the view keeps
     * those it held before them: the latest {@value #MAX_DECISIONS}, oldest first, each once (a record
     * read again after a restart adds nothing).
     */
    public static RequestStatus apply(RequestStatus current, RequestStatus status) {
        if (current != null && current.getHistory().size() > status.getHistory().size()
                && !current.getState().equals(RequestState.SUBMITTED)) {
            return current;
        }
        if (current == null || current.getDecisions().isEmpty()) {
            return status;
        }
        return withDecisions(status, merged(current.getDecisions(), status.getDecisions()));
    }

    /** The decisions held before, then a status's own not among them: the latest {@value #MAX_DECISIONS}, oldest first. */
    private static List<MatchDecision> merged(List<MatchDecision> before, List<MatchDecision> own) {
        List<MatchDecision> decisions = new ArrayList<>(before);
        for (MatchDecision decision : own) {
            if (!decisions.contains(decision)) {
                decisions.add(decision);
            }
        }
        if (decisions.size() > MAX_DECISIONS) {
            decisions = decisions.subList(decisions.size() - MAX_DECISIONS, decisions.size());
        }
        return decisions;
    }

    /**
     * The view of a stored status: the status itself, or with the decisions its view keeps beyond its
     * own ({@link #keptBeyond}) when there are any, merged as {@link #apply} merges them (so that a
     * read between the store's write of a new status and of its kept decisions shows them all); null for null.
     */
    public static RequestStatus withKept(RequestStatus status, KeptDecisions kept) {
        if (status == null || kept == null) {
            return status;
        }
        List<MatchDecision> decisions = merged(kept.getDecisions(), status.getDecisions());
        return decisions.equals(status.getDecisions()) ? status : withDecisions(status, decisions);
    }

    /**
     * What a view ({@link #apply}) keeps beyond the status it was made of, to be stored beside that
     * status: its decisions when they are not the status's own, else null.
     */
    public static KeptDecisions keptBeyond(RequestStatus status, RequestStatus view) {
        return view.getDecisions().equals(status.getDecisions()) ? null : new KeptDecisions(List.copyOf(view.getDecisions()));
    }

    /** A copy sharing the status's values (statuses are never changed once read), with other decisions. */
    private static RequestStatus withDecisions(RequestStatus status, List<MatchDecision> decisions) {
        RequestStatus next = new RequestStatus();
        for (int i = 0; i < RequestStatus.getClassSchema().getFields().size(); i++) {
            next.put(i, status.get(i));
        }
        next.setDecisions(List.copyOf(decisions));
        return next;
    }

    /** The view of a request the gateway has submitted and the topology has not yet seen. */
    public static RequestStatus submitted(SubmitRequest submit) {
        return SubmittedStatus.of(submit);
    }

    /** The API shape of a stored status. */
    public static RequestView view(RequestStatus status) {
        return view(status, parse(status.getParameters()));
    }

    /**
     * The API shape of a status whose parameters the caller holds already parsed (a submit just
     * accepted, whose status was written from them): they are not parsed back from the status.
     */
    public static RequestView view(RequestStatus status, JsonNode parameters) {
        return new RequestView(
                status.getRequestId(),
                status.getConsumerTeam(),
                status.getCapability(),
                status.getCapabilityVersion(),
                parameters,
                new TreeMap<>(status.getConstraints()),
                new TreeMap<>(status.getPreferences()),
                status.getPriority().name(),
                status.getIdempotencyKey(),
                status.getState().name(),
                status.getOfferId(),
                status.getProducerId(),
                status.getAttempt(),
                new LinkedHashMap<>(new TreeMap<>(status.getOutputs())),
                status.getReason(),
                status.getSloBreached(),
                new RequestView.RequestedBy(status.getRequestedBy().getKind().name(), status.getRequestedBy().getName()),
                status.getSubmittedAt().toString(),
                status.getUpdatedAt().toString(),
                status.getHistory().stream()
                        .map(t -> new RequestView.Transition(t.getState().name(), t.getAt().toString(), t.getDetail(),
                                t.getAttempt(), t.getOfferId()))
                        .toList(),
                status.getRevision(),
                status.getPendingParameters() == null ? null : parse(status.getPendingParameters()),
                status.getOrphaned(),
                status.getTtlMs(),
                status.getExpiresAt() == null ? null : status.getExpiresAt().toString(),
                status.getApprovals().stream().map(gate -> new RequestView.Approval(gate.getSource(), List.copyOf(gate.getApprovers()),
                        gate.getApprovedBy(), gate.getApprovedAt() == null ? null : gate.getApprovedAt().toString())).toList(),
                status.getApprovalExpiresAt() == null ? null : status.getApprovalExpiresAt().toString(),
                status.getSubmittedParameters() == null ? null : parse(status.getSubmittedParameters()));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            // stored parameters were valid JSON when submitted; show them as text rather than fail the read
            return Json.MAPPER.getNodeFactory().textNode(json);
        }
    }
}
