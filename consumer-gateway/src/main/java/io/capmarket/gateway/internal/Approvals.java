package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.ConflictException;
import io.capmarket.gateway.ForbiddenException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.ApprovalGate;
import io.capmarket.schemas.ApprovalRules;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The gateway's rules of approvals: who may decide a request's open approvals (and so may also
 * see the request), what the body of a decision holds, and the command a decision becomes. The
 * topology checks a decision again when it applies it, against the request as it stands then.
 * Pure.
 */
public final class Approvals {

    /** The body member of a decision that says why. */
    static final String REASON = "reason";
    /** The longest reason a decision may give, in characters. */
    public static final int MAX_REASON = 1_000;

    private static final String PENDING = RequestState.PENDING_APPROVAL.name();

    private Approvals() {
    }

    /**
     * Whether {@code caller} may decide an open approval of the request: it waits in
     * PENDING_APPROVAL, the caller did not ask for it, and an approval not yet given names the
     * caller's role or team.
     */
    public static boolean decides(Principal caller, RequestStatus status) {
        return status.getState() == RequestState.PENDING_APPROVAL
                && decides(caller, caller.requesterKind() == status.getRequestedBy().getKind()
                        && caller.name().equals(status.getRequestedBy().getName()),
                        open(status.getApprovals(), ApprovalGate::getApprovedBy, ApprovalGate::getApprovers));
    }

    /** As {@link #decides(Principal, RequestStatus)}, for a view. */
    public static boolean decides(Principal caller, RequestView view) {
        return PENDING.equals(view.state()) && decides(caller, asked(caller, view.requestedBy()), open(view));
    }

    private static boolean decides(Principal caller, boolean asked, List<List<String>> open) {
        return !asked && open.stream().anyMatch(approvers -> ApprovalRules.allows(approvers, caller.team(), caller.role().label()));
    }

    /**
     * Whether {@code caller} is who asked for the request: the same kind and name (a team's bot on
     * Kafka, which names itself, is never taken for the person its name spells).
     */
    private static boolean asked(Principal caller, RequestView.RequestedBy requestedBy) {
        return caller.requesterKind().name().equals(requestedBy.kind()) && caller.name().equals(requestedBy.name());
    }

    /**
     * The reason in the body of a decision, trimmed, or null when there is none (no body, no
     * member, null or blank).
     *
     * @throws MalformedRequestException when the body is not an object holding at most {@code reason}, a string
     */
    public static String reason(JsonNode body) {
        if (body == null) {
            return null;
        }
        if (!body.isObject()) {
            throw new MalformedRequestException("the body of a decision is a JSON object, such as {\"reason\": \"within budget\"}",
                    List.of(new FieldError("body", body.toString(), "a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals(REASON)) {
                errors.add(new FieldError(name, body.get(name).toString(), "only " + REASON + " is taken"));
            }
        });
        JsonNode reason = body.get(REASON);
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
            errors.add(new FieldError(REASON, reason.toString(), "a string saying why"));
        }
        if (!errors.isEmpty()) {
            throw new MalformedRequestException("the body of a decision holds a reason, a string, and nothing else", errors);
        }
        return reason == null || reason.isNull() || reason.textValue().isBlank() ? null : reason.textValue().trim();
    }

    /**
     * The command by which {@code caller} approves or rejects the request {@code view}, to be
     * published keyed by its id on the gateway's requests topic.
     *
     * @param reason why, or null; a rejection must give one
     * @throws ConflictException when the request is not PENDING_APPROVAL
     * @throws ForbiddenException when the caller asked for the request, or no approval not yet given names the caller
     * @throws RejectedRequestException when a rejection gives no reason, or a reason is longer than {@value #MAX_REASON} characters
     */
    public static RequestCommand decision(Principal caller, RequestView view, boolean approve, String reason, Instant at) {
        String who = ApprovalRules.describe(caller.name(), caller.team(), caller.role().label());
        if (!PENDING.equals(view.state())) {
            throw new ConflictException("request " + view.id() + " is " + view.state() + ", not " + PENDING
                    + ": it waits for no approval");
        }
        boolean asked = asked(caller, view.requestedBy());
        if (asked) {
            throw new ForbiddenException(who + " asked for request " + view.id() + " and cannot decide on it; another approver must");
        }
        List<List<String>> open = open(view);
        if (!decides(caller, asked, open)) {
            throw new ForbiddenException(who + " is not an approver of request " + view.id() + ": its open approvals name "
                    + open.stream().flatMap(List::stream).distinct().toList());
        }
        if (!approve && reason == null) {
            throw new RejectedRequestException("a rejection says why: the requester reads it as the reason the request failed",
                    List.of(new FieldError(REASON, null, "a non-blank string, at most " + MAX_REASON + " characters")));
        }
        if (reason != null && reason.length() > MAX_REASON) {
            throw new RejectedRequestException("the reason has " + reason.length() + " characters; at most " + MAX_REASON + " are kept",
                    List.of(new FieldError(REASON, reason.substring(0, 100) + "...", "at most " + MAX_REASON + " characters")));
        }
        return new RequestCommand(ApprovalDecision.newBuilder().setRequestId(view.id()).setDecidedBy(caller.asRequester())
                .setApproverTeam(caller.team()).setApproverRole(caller.role().label()).setApprove(approve).setReason(reason)
                .setAt(at).build());
    }

    /** The approvers of each approval of the view not yet given. */
    private static List<List<String>> open(RequestView view) {
        return view.approvals() == null ? List.of()
                : open(view.approvals(), RequestView.Approval::approvedBy, RequestView.Approval::approvers);
    }

    private static <G> List<List<String>> open(List<G> gates, Function<G, String> approvedBy, Function<G, List<String>> approvers) {
        List<List<String>> open = new ArrayList<>(gates.size());
        for (G gate : gates) {
            if (approvedBy.apply(gate) == null) {
                open.add(approvers.apply(gate));
            }
        }
        return open;
    }
}
