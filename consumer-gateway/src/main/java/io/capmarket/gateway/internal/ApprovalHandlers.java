package io.capmarket.gateway.internal;

import static io.capmarket.gateway.internal.RequestCalls.traced;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.RequestCommand;
import io.javalin.http.Context;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;

/**
 * {@code /v1/approvals} and {@code /v1/requests/{id}/approve|reject}: an approver's inbox, and its
 * decisions, published like a cancel (keyed by the request id, on the gateway's requests topic) and
 * applied by the topology, which moves the request on once every approval is given. Any role may
 * decide an approval that names it ({@link Approvals}).
 */
public final class ApprovalHandlers {

    private static final Principal.Role[] EVERYONE = Principal.Role.values();

    private final RequestReads reads;
    private final Publisher publisher;
    private final RequestCalls calls;
    private final Clock clock;
    private final long maxRequestSize;
    private final BodyDeadline bodyDeadline;

    /**
     * @param catalog says whether a request's capability version is deprecated (for the answer's headers)
     * @param clock stamps decisions
     * @param maxRequestSize largest body accepted, in bytes
     * @param bodyDeadline how long a body may take to arrive in full
     */
    public ApprovalHandlers(Catalog catalog, RequestReads reads, Publisher publisher, Clock clock, long maxRequestSize,
            BodyDeadline bodyDeadline) {
        this.reads = reads;
        this.publisher = publisher;
        this.calls = new RequestCalls(catalog);
        this.clock = clock;
        this.maxRequestSize = maxRequestSize;
        this.bodyDeadline = bodyDeadline;
    }

    /**
     * {@code GET /v1/approvals?limit=&cursor=}: every team's requests in PENDING_APPROVAL with an
     * open approval the caller may decide, oldest first, from every instance.
     */
    public void inbox(Context ctx) {
        Principal principal = HttpInput.principal(ctx, EVERYONE);
        ListQuery query = ListQuery.inbox(principal, Cursors.decode(ctx.queryParam("cursor")),
                HttpInput.integer(ctx, "limit", ListQuery.DEFAULT_LIMIT, 1, ListQuery.MAX_LIMIT));
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        ctx.future(() -> Futures.guarded(() -> reads.list(caller, query).thenAccept(ctx::json)));
    }

    /** {@code POST /v1/requests/{id}/approve}, body {@code {"reason": "..."}} or none: 202 with the request as it was. */
    public void approve(Context ctx) {
        decide(ctx, true);
    }

    /** {@code POST /v1/requests/{id}/reject}, body {@code {"reason": "..."}} (the reason is required): 202 with the request as it was. */
    public void reject(Context ctx) {
        decide(ctx, false);
    }

    /**
     * Reads the request where it lives, checks the decision ({@link Approvals#decision}: 404 when the
     * caller may not see it, 409 unless PENDING_APPROVAL, 403 for the requester or a caller no open
     * approval names, 422 for a rejection without a reason) and publishes it.
     */
    private void decide(Context ctx, boolean approve) {
        Principal principal = HttpInput.principal(ctx, EVERYONE);
        String id = ctx.pathParam("id");
        JsonNode body = HttpInput.optionalJsonBody(ctx, maxRequestSize, bodyDeadline);
        String reason = Approvals.reason(body);
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        Span span = calls.span(approve ? "capmarket approve" : "capmarket reject", ctx, id);
        ctx.future(() -> traced(span, Futures.guarded(() -> reads.require(caller, id, ReadCondition.now())
                .thenCompose(view -> {
                    RequestCommand decision = Approvals.decision(principal, view, approve, reason, clock.instant());
                    return publisher.send(id, view.capability(), decision, span).thenAccept(acked -> calls.respond(ctx, 202, view));
                }))));
    }
}
