package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestStatus;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Waiters for changes of request views. A waiter is a future and a condition, not a thread:
 * the stream thread that changes a view completes every waiter of that request whose condition
 * the new view meets. Long-polls, event streams and submits waiting for their request to be
 * readable all wait here.
 */
public final class RequestWatchers {

    /** One waiter. Completed at most once, by {@link #publish} or by whoever {@link #cancel}s it first. */
    public static final class Watch {
        private final String requestId;
        private final Predicate<RequestStatus> until;
        private final CompletableFuture<RequestStatus> future = new CompletableFuture<>();

        private Watch(String requestId, Predicate<RequestStatus> until) {
            this.requestId = requestId;
            this.until = until;
        }

        public CompletableFuture<RequestStatus> future() {
            return future;
        }
    }

    private final ConcurrentHashMap<String, Set<Watch>> byRequest = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    /** Registers a waiter; check the store after registering so no change slips between. */
    public Watch watch(String requestId, Predicate<RequestStatus> until) {
        Watch watch = new Watch(requestId, until);
        // added under the map's lock of the entry: a cancel of the last other waiter, which drops the
        // entry once it is empty, then cannot drop it between this call finding the set and adding to it
        byRequest.compute(requestId, (id, watches) -> {
            Set<Watch> kept = watches == null ? ConcurrentHashMap.newKeySet() : watches;
            kept.add(watch);
            return kept;
        });
        waiting.incrementAndGet();
        return watch;
    }

    /** Removes a waiter; true when this call removed it (so the caller completes it). */
    public boolean cancel(Watch watch) {
        boolean[] removed = new boolean[1];
        byRequest.computeIfPresent(watch.requestId, (id, watches) -> {
            removed[0] = watches.remove(watch);
            return watches.isEmpty() ? null : watches;
        });
        if (removed[0]) {
            waiting.decrementAndGet();
        }
        return removed[0];
    }

    /** A view changed: completes the waiters it satisfies. Called on the stream thread; never blocks. */
    public void publish(RequestStatus status) {
        Set<Watch> watches = byRequest.get(status.getRequestId());
        if (watches == null) {
            return;
        }
        for (Watch watch : watches) {
            if (watch.until.test(status) && cancel(watch)) {
                watch.future.complete(status);
            }
        }
    }

    /** How many waiters there are. */
    public int waiting() {
        return waiting.get();
    }
}
