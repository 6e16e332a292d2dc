package io.capmarket.gateway.internal;

import io.capmarket.gateway.ForbiddenException;
import io.capmarket.gateway.NotFoundException;
import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.RequestStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Reads requests wherever they live: from this instance's store (or, just accepted, from
 * {@link AcceptedRequests}) when it owns the request, otherwise forwarded to the owner; lists fan out to every instance. Waiting reads hold no
 * thread: a future completed by {@link RequestWatchers} or, at the timeout, by one shared timer.
 */
public final class RequestReads {

    private final RequestStore store;
    private final AcceptedRequests accepted;
    private final RequestWatchers watchers;
    private final Forwarder forwarder;
    private final ScheduledExecutorService timer;
    private final Executor callbacks;

    /**
     * @param timer completes waits at their timeout
     * @param callbacks runs what follows a completed wait (rendering, writing the response), so
     *        neither the stream thread nor the timer ever writes to a client
     */
    public RequestReads(RequestStore store, AcceptedRequests accepted, RequestWatchers watchers, Forwarder forwarder,
            ScheduledExecutorService timer, Executor callbacks) {
        this.store = store;
        this.accepted = accepted;
        this.watchers = watchers;
        this.forwarder = forwarder;
        this.timer = timer;
        this.callbacks = callbacks;
    }

    /** Who asks, as the HTTP layer saw it: for authorization here and for forwarding. */
    public record Caller(Principal principal, String requestId, boolean forwarded) {
    }

    /** Where a request lives: its owner, the partition, and whether the owner is this instance. */
    public record Owner(HostInfo host, int partition, boolean local) {
    }

    /**
     * The instance that owns a request id. Fails with {@link RetryLaterException} while ownership
     * is unknown or moving, and for a forwarded call when the owner is no longer this instance (a
     * call is forwarded at most once).
     */
    public Owner owner(Caller caller, String requestId) {
        KeyQueryMetadata owner = store.owner(requestId);
        boolean local = owner.activeHost().equals(store.self());
        if (!local && caller.forwarded()) {
            throw new RetryLaterException("request " + requestId + " moved to another gateway instance; retry shortly",
                    RequestStore.RETRY_AFTER);
        }
        return new Owner(owner.activeHost(), owner.partition(), local);
    }

    /**
     * One request as the caller may see it: empty when it does not exist, or belongs to another
     * team and waits for no approval the caller may decide ({@link Principal#sees(RequestView)}).
     * Fails with {@link RetryLaterException} while ownership is unknown or moving.
     */
    public CompletableFuture<Optional<RequestView>> read(Caller caller, String requestId, ReadCondition condition) {
        Owner owner = owner(caller, requestId);
        CompletableFuture<Optional<RequestView>> answer = owner.local()
                ? local(caller.principal(), requestId, owner.partition(), condition)
                : forwarder.read(owner.host(), requestId, condition, caller.principal(), caller.requestId());
        return answer.thenApply(view -> view.filter(caller.principal()::sees));
    }

    /** Like {@link #read}, but absent is a {@link NotFoundException}. */
    public CompletableFuture<RequestView> require(Caller caller, String requestId, ReadCondition condition) {
        return read(caller, requestId, condition).thenApply(view -> view.orElseThrow(() -> notFound(requestId)));
    }

    /**
     * One request as the caller may see it ({@link #read}), else a 404, or a 403 for a producer
     * ({@link #seen}): what {@code GET /v1/requests/{id}} and its event stream answer.
     */
    public CompletableFuture<RequestView> readSeen(Caller caller, String requestId, ReadCondition condition) {
        return read(caller, requestId, condition).thenApply(view -> seen(caller.principal(), requestId, view));
    }

    /**
     * What the caller may see of request {@code id}, as the reads found it (empty: it does not exist,
     * or the caller may not see it): else 404, and 403 for a producer whether the request exists or
     * not (its role reads only the requests whose approval it may decide).
     */
    public static <T> T seen(Principal principal, String id, Optional<T> found) {
        return found.orElseThrow(() -> principal.requester()
                ? notFound(id)
                : new ForbiddenException("the role " + principal.role().label() + " reads only the requests whose open approvals "
                        + "name it; the others take " + Arrays.stream(Principal.requesters()).map(Principal.Role::label).toList()));
    }

    public static NotFoundException notFound(String requestId) {
        return new NotFoundException("there is no request " + requestId + " for your team");
    }

    /**
     * Another team's request is, to this caller, one that does not exist, and takes the same path:
     * with {@code awaitExistence} it is waited for to the same bound and answered empty, and its
     * changes never end the wait; so neither the answer nor its timing tells the two apart.
     */
    private CompletableFuture<Optional<RequestView>> local(Principal principal, String requestId, int partition, ReadCondition condition) {
        RequestWatchers.Watch watch = watchers.watch(requestId, s -> principal.sees(s)
                && condition.satisfiedBy(s.getState().name(), s.getHistory().stream().map(t -> t.getState().name()).toList()));
        Optional<RequestView> current;
        try {
            current = visible(principal, requestId, partition).map(RequestViews::view);
        } catch (RuntimeException e) {
            watchers.cancel(watch);
            throw e;
        }
        if (condition.satisfiedBy(current.orElse(null)) || (current.isEmpty() && !condition.awaitExistence())
                || condition.timeout().isZero()) {
            watchers.cancel(watch);
            return CompletableFuture.completedFuture(current);
        }
        ScheduledFuture<?> timeout = timer.schedule(() -> {
            if (watchers.cancel(watch)) {
                try {
                    watch.future().complete(current(requestId, partition).orElse(null));
                } catch (RuntimeException e) {
                    watch.future().completeExceptionally(e);
                }
            }
        }, condition.timeout().toMillis(), TimeUnit.MILLISECONDS);
        return watch.future().whenComplete((status, error) -> timeout.cancel(false))
                .thenApplyAsync(status -> Optional.ofNullable(status).filter(principal::sees).map(RequestViews::view),
                        callbacks);
    }

    /**
     * The decisions of one request as the caller may see them, by the rule of {@link #read}: empty when the request
     * does not exist or the caller may not see it. Answered by the owner's store, forwarded there from any other
     * instance (whose answer is the owner's, authorized there for the same caller). Fails with
     * {@link RetryLaterException} while ownership is unknown or moving.
     */
    public CompletableFuture<Optional<DecisionView>> decision(Caller caller, String requestId) {
        Owner owner = owner(caller, requestId);
        if (!owner.local()) {
            return forwarder.decision(owner.host(), requestId, caller.principal(), caller.requestId());
        }
        LocalViews.View views = store.view(owner.partition());
        return CompletableFuture.completedFuture(visible(caller.principal(), requestId, owner.partition())
                .map(status -> RequestStore.withKeptDecisions(views, status)).map(DecisionViews::view));
    }

    /**
     * A request of a partition this instance owns, if the caller may see it ({@link Principal#sees(RequestStatus)}).
     * While the partition catches up, one the caller may not see is answered as an absent one is (retry later), so
     * that neither the answer nor its timing tells another team's request from none.
     */
    private Optional<RequestStatus> visible(Principal principal, String requestId, int partition) {
        return current(requestId, partition, principal::sees);
    }

    /**
     * A request of a partition this instance owns: from the store, else as accepted here and not
     * stored yet. Absent while the partition's views are still catching up after their task
     * started is a {@link io.capmarket.gateway.RetryLaterException}: the request may only be not read yet.
     *
     * <p>The stream thread stores a status, then stops holding its request as accepted; so the accepted
     * requests are read before the store: a request missing from both is one neither held when the
     * read began, never one handed over between the two reads.
     */
    Optional<RequestStatus> current(String requestId, int partition) {
        return current(requestId, partition, status -> true);
    }

    private Optional<RequestStatus> current(String requestId, int partition, Predicate<RequestStatus> shown) {
        LocalViews.View views = store.view(partition);
        // asked before the read: a partition caught up by then holds every status it had to read
        boolean caughtUp = views.caughtUp();
        Optional<RequestStatus> held = accepted.get(requestId);
        Optional<RequestStatus> found = RequestStore.get(views, requestId).or(() -> held).filter(shown);
        if (found.isEmpty() && !caughtUp) {
            throw store.catchingUp();
        }
        return found;
    }

    /** One page of the caller's requests, from every instance; this instance's part from its index (a bounded range read). */
    public CompletableFuture<Page<RequestView>> list(Caller caller, ListQuery query) {
        List<CompletableFuture<List<RequestView>>> parts = new ArrayList<>();
        for (HostInfo host : store.instances()) {
            parts.add(host.equals(store.self())
                    ? listLocal(query)
                    : forwarder.list(host, query, caller.principal(), caller.requestId()));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> Page.merge(parts.stream().map(CompletableFuture::join).toList(), query.limit(),
                        query.order()));
    }

    /**
     * This instance's part of a list (also the receiving end of a fan-out), read on the calling
     * HTTP thread: Jetty's pool bounds how many run at once, and a long-poll's or event stream's
     * callbacks never queue behind a list.
     */
    public CompletableFuture<List<RequestView>> listLocal(ListQuery query) {
        try {
            List<RequestView> found = new ArrayList<>(store.list(query));
            Set<String> ids = found.stream().map(RequestView::id).collect(Collectors.toSet());
            for (RequestStatus status : accepted.all(store::serves)) {
                // matched on the status's own fields: only what the page may show is converted
                if (query.matches(status) && query.afterCursor(status.getRequestId(), status.getSubmittedAt()) && !ids.contains(status.getRequestId())) {
                    found.add(RequestViews.view(status));
                }
            }
            return CompletableFuture.completedFuture(found);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

}
