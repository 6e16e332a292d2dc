package io.capmarket.gateway.internal;

import static io.capmarket.gateway.internal.RequestCalls.traced;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.ConflictException;
import io.capmarket.gateway.ForbiddenException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.NotFoundException;
import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.schemas.tracing.RecordTracing;
import io.javalin.http.Context;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * {@code /v1/requests}: submit, read (with long-poll), list, update, cancel or deprovision, and read
 * why a request was matched where it was; and the internal reads other instances forward.
 */
public final class RequestHandlers {

    static final List<String> STATES = Arrays.stream(RequestState.values()).map(Enum::name).toList();
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final Principal.Role[] REQUESTERS = Principal.requesters();
    private static final Principal.Role[] ADMINS = {Principal.Role.ADMIN};

    /**
     * @param maxRequestSize largest body accepted, in bytes
     * @param longPollMax longest {@code ?timeout=}
     * @param visibilityTimeout how long a submit or cancel waits for Kafka's acknowledgement
     * @param bodyDeadline how long a body may take to arrive in full
     */
    public record Limits(long maxRequestSize, Duration longPollMax, Duration visibilityTimeout, PriorityGrants priorityGrants,
            OpenSlots longPolls, BodyDeadline bodyDeadline) {

        /**
         * The longest wait a read forwarded by another instance may ask for: the longer of the
         * long-poll bound and the visibility timeout, and never less than an event stream's wait
         * ({@link EventStreams#POLL}), which neither bounds: refused, the stream would ask again for ever.
         */
        Duration forwardedWaitMax() {
            return Collections.max(List.of(longPollMax, visibilityTimeout, EventStreams.POLL));
        }
    }

    private final Acceptor acceptor;
    private final Updates updates;
    private final RequestReads reads;
    private final Forwarder forwarder;
    private final Publisher publisher;
    private final RequestCalls calls;
    private final Clock clock;
    private final Limits limits;

    public RequestHandlers(Catalog catalog, Acceptor acceptor, Updates updates, RequestReads reads, Forwarder forwarder,
            Publisher publisher, Clock clock, Limits limits) {
        this.acceptor = acceptor;
        this.updates = updates;
        this.reads = reads;
        this.forwarder = forwarder;
        this.publisher = publisher;
        this.calls = new RequestCalls(catalog);
        this.clock = clock;
        this.limits = limits;
    }

    /** {@code POST /v1/requests}: decided by the instance owning the request id ({@link Acceptor}), forwarded there from any other. */
    public void submit(Context ctx) {
        accept(ctx, false);
    }

    /**
     * {@code POST /internal/v1/requests}: a submit another instance forwarded here, the owner of its
     * request id. Without an Idempotency-Key the id is the random one the forwarding instance chose.
     */
    public void internalSubmit(Context ctx) {
        accept(ctx, true);
    }

    private void accept(Context ctx, boolean forwarded) {
        Principal principal = HttpInput.principal(ctx, REQUESTERS);
        String key = Submission.idempotencyKey(ctx.header("Idempotency-Key"));
        JsonNode body = HttpInput.jsonBody(ctx, limits.maxRequestSize(), limits.bodyDeadline());
        Submission submission = Submission.parse(body);
        requireGranted(principal, submission.priority());
        // with a key the id is the team's and the key's, wherever it is decided
        String id = forwarded && key == null ? forwardedId(ctx) : Submission.requestId(principal.team(), key);
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        Span span = calls.span("capmarket submit", ctx, id);
        ctx.future(() -> traced(span, Futures.guarded(() -> {
            RequestReads.Owner owner = reads.owner(caller, id);
            if (owner.local()) {
                return acceptor.accept(principal, submission, key, id, owner.partition(), span)
                        .thenAccept(answer -> calls.respond(ctx, answer.status(), answer.view()));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(Forwarder.SUBMIT_ID_HEADER, id);
            RecordTracing.traceParent(io.opentelemetry.context.Context.root().with(span))
                    .ifPresent(parent -> headers.put(RecordTracing.TRACEPARENT, parent));
            return forwarder.submit(owner.host(), body.toString(), key, principal, caller.requestId(), headers)
                    .thenAccept(relayed -> relay(ctx, relayed));
        })));
    }

    private static String forwardedId(Context ctx) {
        String id = ctx.header(Forwarder.SUBMIT_ID_HEADER);
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
            throw new MalformedRequestException("a forwarded submit without an Idempotency-Key names its request id",
                    List.of(new FieldError(Forwarder.SUBMIT_ID_HEADER, id, "a UUID")));
        }
        return id;
    }

    /** The owner's answer to a forwarded submit, as it gave it. */
    private static void relay(Context ctx, Forwarder.Relayed relayed) {
        ctx.status(relayed.status());
        relayed.headers().forEach((name, value) -> {
            if (name.equals("Content-Type")) {
                ctx.contentType(value);
            } else {
                ctx.header(name, value);
            }
        });
        ctx.result(relayed.body());
    }

    /** A priority above NORMAL is a right granted to a team (an admin's always): 403 naming the field otherwise. */
    private void requireGranted(Principal principal, String priority) {
        if (principal.admin() || limits.priorityGrants().allows(principal.team(), Priority.valueOf(priority))) {
            return;
        }
        throw new ForbiddenException("priority " + priority + " is not granted to team " + principal.team()
                + "; submit at NORMAL, or ask the platform team for the grant (priority.grants)",
                List.of(new FieldError("priority", priority, "LOW or NORMAL, or a priority granted to team " + principal.team())));
    }

    /**
     * {@code GET /v1/requests/{id}}, with {@code ?waitFor=STATE&timeout=30s} to long-poll. Any role
     * may read a request whose open approval it may decide; a producer nothing else (403).
     */
    public void get(Context ctx) {
        Principal principal = HttpInput.principal(ctx, Principal.Role.values());
        String waitFor = HttpInput.oneOf(ctx, "waitFor", STATES);
        Duration timeout = HttpInput.duration(ctx, "timeout", limits.longPollMax())
                .orElse(waitFor == null ? Duration.ZERO : min(DEFAULT_WAIT, limits.longPollMax()));
        String id = ctx.pathParam("id");
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        if (timeout.isZero()) {
            ctx.future(() -> Futures.guarded(() -> reads.readSeen(caller, id, new ReadCondition(waitFor, 0, false, timeout))
                    .thenAccept(view -> calls.respond(ctx, 200, view))));
            return;
        }
        // a long-poll holds a waiter until its state or its timeout: bounded per team and per instance
        OpenSlots.Slot slot = limits.longPolls().open(principal);
        ctx.future(() -> Futures.guarded(() -> reads.readSeen(caller, id, new ReadCondition(waitFor, 0, false, timeout))
                .thenAccept(view -> calls.respond(ctx, 200, view))).whenComplete((done, error) -> slot.close()));
    }



    /**
     * {@code GET /v1/requests/{id}/decision}: why matching sent the request where it did, or why it waits
     * ({@link DecisionView}), for whoever may read the request itself, answered as {@link #get} answers.
     */
    public void decision(Context ctx) {
        Principal principal = HttpInput.principal(ctx, Principal.Role.values());
        String id = ctx.pathParam("id");
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        ctx.future(() -> Futures.guarded(() -> reads.decision(caller, id).thenApply(view -> RequestReads.seen(principal, id, view))
                .thenAccept(ctx::json)));
    }

    /**
     * {@code GET /v1/orphans}: for admins, the deprovisions flagged as orphans (failed for good, or
     * unanswered past their deadline) of every team, or {@code ?team=}: the resources that may
     * still exist at a producer and need an operator. A list like {@link #list}'s.
     */
    public void orphans(Context ctx) {
        Principal principal = HttpInput.principal(ctx, ADMINS);
        ListQuery all = listQuery(ctx, principal, HttpInput.integer(ctx, "limit", ListQuery.DEFAULT_LIMIT, 1, ListQuery.MAX_LIMIT),
                Cursors.decode(ctx.queryParam("cursor")));
        ListQuery query = new ListQuery(all.team(), RequestState.DEPROVISIONING.name(), all.capability(), all.after(), all.limit(),
                all.order(), true);
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        ctx.future(() -> Futures.guarded(() -> reads.list(caller, query).thenAccept(ctx::json)));
    }

    /** {@code GET /v1/requests}: the caller's team's requests (an admin: every team's, or {@code ?team=}). */
    public void list(Context ctx) {
        Principal principal = HttpInput.principal(ctx, REQUESTERS);
        ListQuery query = listQuery(ctx, principal, HttpInput.integer(ctx, "limit", ListQuery.DEFAULT_LIMIT, 1, ListQuery.MAX_LIMIT),
                Cursors.decode(ctx.queryParam("cursor")));
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        ctx.future(() -> Futures.guarded(() -> reads.list(caller, query).thenAccept(ctx::json)));
    }

    /**
     * {@code DELETE /v1/requests/{id}}: publishes the end of the request, which cancels one still
     * being provisioned and deprovisions a live one; 202, also when a deprovision is going on
     * already (nothing is sent again, unless it is orphaned: then its producer is asked again);
     * 409 when the request is finished.
     */
    public void cancel(Context ctx) {
        Principal principal = HttpInput.principal(ctx, REQUESTERS);
        String id = ctx.pathParam("id");
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        Span span = calls.span("capmarket cancel", ctx, id);
        ctx.future(() -> traced(span, Futures.guarded(() -> reads.require(caller, id, ReadCondition.now()).thenCompose(view -> {
            requireOwnTeam(principal, view, "cancel");
            if (view.terminal()) {
                throw new ConflictException("request " + id + " is already " + view.state() + "; there is nothing to cancel");
            }
            if (RequestState.DEPROVISIONING.name().equals(view.state()) && !view.orphaned()) {
                calls.respond(ctx, 202, view);
                return CompletableFuture.completedFuture(null);
            }
            // the topology words a deprovision itself ("deprovision asked by <name>")
            RequestCommand cancel = new RequestCommand(CancelRequest.newBuilder().setRequestId(id)
                    .setRequestedBy(principal.asRequester())
                    .setAt(clock.instant()).setReason(view.live() ? null : "cancelled by " + principal.name() + " through the gateway")
                    .build());
            return publisher.send(id, view.capability(), cancel, span).thenAccept(acked -> calls.respond(ctx, 202, view));
        }))));
    }

    /**
     * {@code PATCH /v1/requests/{id}}: publishes an update of a FULFILLED request's parameters by a
     * JSON merge patch ({@link Updates}); 202, or 200 when the patch changes nothing.
     */
    public void update(Context ctx) {
        Principal principal = HttpInput.principal(ctx, REQUESTERS);
        String id = ctx.pathParam("id");
        JsonNode body = HttpInput.jsonBody(ctx, limits.maxRequestSize(), limits.bodyDeadline());
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        Span span = calls.span("capmarket update", ctx, id);
        ctx.future(() -> traced(span, Futures.guarded(() -> reads.require(caller, id, ReadCondition.now()).thenCompose(view -> {
            requireOwnTeam(principal, view, "update");
            Optional<RequestCommand> update = updates.command(principal, view, body);
            if (update.isEmpty()) {
                calls.respond(ctx, 200, view);
                return CompletableFuture.completedFuture(null);
            }
            return publisher.send(id, view.capability(), update.get(), span).thenAccept(acked -> calls.respond(ctx, 202, view));
        }))));
    }

    /**
     * A cancel or an update is its team's (an admin's): an approver of another team sees a request its
     * open approval names, to decide it, but a rejection is its way to stop it, with a reason.
     */
    private static void requireOwnTeam(Principal principal, RequestView view, String verb) {
        if (!principal.sees(view.team())) {
            throw new ForbiddenException(principal.name() + " of team " + principal.team() + " may not " + verb + " request "
                    + view.id() + " of team " + view.team() + ": a team " + verb + "s only its own requests; as one of its "
                    + "approvers, reject it (POST /v1/requests/" + view.id() + "/reject with a reason)");
        }
    }

    /**
     * {@code GET /internal/v1/requests/{id}}: a read forwarded by another instance, answered from this
     * one's store; 404 for a request the caller may not see, which the forwarding instance words.
     */
    public void internalGet(Context ctx) {
        Principal principal = HttpInput.principal(ctx, Principal.Role.values());
        ReadCondition condition = new ReadCondition(HttpInput.oneOf(ctx, "waitFor", STATES),
                HttpInput.integer(ctx, "minHistory", 0, 0, 100_000),
                "true".equals(ctx.queryParam("awaitExistence")),
                HttpInput.duration(ctx, "timeout", limits.forwardedWaitMax()).orElse(Duration.ZERO));
        String id = ctx.pathParam("id");
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        ctx.future(() -> Futures.guarded(() -> reads.require(caller, id, condition).thenAccept(ctx::json)));
    }

    /**
     * {@code GET /internal/v1/requests/{id}/decision}: a read of a request's decisions forwarded by another
     * instance, answered from this one's store; 404 for a request the caller may not see, which the
     * forwarding instance words.
     */
    public void internalDecision(Context ctx) {
        Principal principal = HttpInput.principal(ctx, Principal.Role.values());
        String id = ctx.pathParam("id");
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        ctx.future(() -> Futures.guarded(() -> reads.decision(caller, id)
                .thenApply(view -> view.orElseThrow(() -> RequestReads.notFound(id))).thenAccept(ctx::json)));
    }

    /**
     * {@code GET /internal/v1/requests}: this instance's part of a list; with
     * {@code inbox=true}, of the caller's approval inbox (any role has one).
     */
    public void internalList(Context ctx) {
        boolean inbox = "true".equals(ctx.queryParam(Forwarder.INBOX));
        Principal principal = HttpInput.principal(ctx, inbox ? Principal.Role.values() : REQUESTERS);
        String after = ctx.queryParam("after");
        int limit = HttpInput.integer(ctx, "limit", ListQuery.DEFAULT_LIMIT, 1, ListQuery.MAX_LIMIT);
        after = after == null || after.isEmpty() ? null : after;
        ListQuery query = inbox ? ListQuery.inbox(principal, after, limit) : listQuery(ctx, principal, limit, after);
        ctx.future(() -> Futures.guarded(() -> reads.listLocal(query).thenAccept(ctx::json)));
    }

    private ListQuery listQuery(Context ctx, Principal principal, int limit, String after) {
        String team = ctx.queryParam("team") == null ? null : Names.team("team", ctx.queryParam("team"), Names.Place.QUERY);
        if (!principal.admin()) {
            if (team != null && !team.equals(principal.team())) {
                throw new NotFoundException("there is no team " + team + " for you; you see your own team's requests");
            }
            team = principal.team();
        }
        String capability = ctx.queryParam("capability") == null ? null
                : Names.capability("capability", ctx.queryParam("capability"), Names.Place.QUERY);
        String order = HttpInput.oneOf(ctx, "order", ListQuery.Order.NAMES);
        return new ListQuery(team, HttpInput.oneOf(ctx, "state", STATES), capability, after, limit, ListQuery.Order.of(order),
                "true".equals(HttpInput.oneOf(ctx, "orphaned", List.of("true", "false"))));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
