package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.gateway.GatewayException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RetryLaterException;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/requests/{id}/events}: Server-Sent Events of one request. First a {@code snapshot}
 * event with the whole request (id = the length of its history), then each new transition as a
 * delta: one {@code transition} event per new history entry (id = its position from 1) whose
 * {@code changes} hold only the request's fields that changed since the last event (the last
 * entry of a step carries them); then, once the request is at rest (finished, or FULFILLED with no
 * update or deprovision going on; a request waiting in PENDING_APPROVAL is not), an {@code end} event with the request as it rests, and the stream
 * closes. So a long history is sent once, not again with every transition.
 *
 * <p>{@code Last-Event-ID} resumes after a position instead: no snapshot, the transitions after it,
 * the first of them carrying every field (the history aside) in its {@code changes}, since what the
 * client last saw is not known here.
 *
 * <p>No thread is held per client: the stream is a chain of waiting reads ({@link RequestReads},
 * so the owner may be another instance and may change) of at most {@link #POLL} each; a wait
 * that ends without news sends a keep-alive comment, which also finds clients that left.
 */
public final class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    static final Duration POLL = Duration.ofSeconds(15);

    private final RequestReads reads;
    private final Executor callbacks;
    private final ScheduledExecutorService timer;
    private final Duration firstReadTimeout;
    private final AtomicInteger clients = new AtomicInteger();

    private final OpenSlots open;

    /** @param open bounds the streams a team and this instance hold open */
    public EventStreams(RequestReads reads, Executor callbacks, ScheduledExecutorService timer, Duration firstReadTimeout,
            OpenSlots open) {
        this.open = open;
        this.reads = reads;
        this.callbacks = callbacks;
        this.timer = timer;
        this.firstReadTimeout = firstReadTimeout;
    }

    /** Open event streams. */
    public int clients() {
        return clients.get();
    }

    /** The route's handler: checks everything that can fail as a problem document before the stream starts. */
    public void stream(Context ctx) throws Exception {
        // whoever may read the request may follow it: as GET /v1/requests/{id} answers, so does the stream
        Principal principal = HttpInput.principal(ctx, Principal.Role.values());
        String accept = ctx.header("Accept");
        if (accept == null || !accept.trim().equals("text/event-stream")) {
            throw new MalformedRequestException("this route streams Server-Sent Events",
                    List.of(new FieldError("Accept", accept, "text/event-stream")));
        }
        int lastEventId = lastEventId(ctx.header("Last-Event-ID"));
        String id = ctx.pathParam("id");
        RequestReads.Caller caller = HttpInput.caller(ctx, principal);
        RequestView first;
        try {
            first = reads.readSeen(caller, id, ReadCondition.now()).get(firstReadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw Futures.unwrap(e) instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new RetryLaterException("request " + id + " could not be read in time", RequestStore.RETRY_AFTER, e);
        }
        OpenSlots.Slot slot = open.open(principal);
        try {
            new SseHandler(0, client -> {
                clients.incrementAndGet();
                // an SseClient keeps one close callback (each onClose replaces the last): this one gives back both
                client.onClose(() -> {
                    clients.decrementAndGet();
                    slot.close();
                });
                new Session(client, caller, id).start(first, lastEventId);
            }).handle(ctx);
        } catch (Exception | Error e) {
            slot.close();
            throw e;
        }
    }

    /** The request's fields (the history aside) whose values differ from {@code before}'s; all of them when it is null. */
    static ObjectNode changes(ObjectNode before, ObjectNode after) {
        ObjectNode changed = Json.MAPPER.createObjectNode();
        after.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("history") && (before == null || !field.getValue().equals(before.get(field.getKey())))) {
                changed.set(field.getKey(), field.getValue());
            }
        });
        return changed;
    }

    /**
     * What the {@code error} event says of a stream whose read failed: a {@link GatewayException}'s
     * message, written for callers; of any other failure only which stream stopped (its message may
     * name another instance or the gateway's insides), the failure itself logged.
     */
    static String failure(String requestId, Throwable cause) {
        if (cause instanceof GatewayException) {
            return cause.getMessage();
        }
        LOG.warn("event stream of request {} failed", requestId, cause);
        return "the event stream of request " + requestId + " stopped on a failure in the gateway; open it again with "
                + "Last-Event-ID set to the last event's id to resume";
    }

    private static int lastEventId(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(header.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedRequestException("the Last-Event-ID header is invalid",
                List.of(new FieldError("Last-Event-ID", header, "a non-negative integer from a previous event's id")));
    }

    /** One client's stream. */
    private final class Session {
        private final SseClient client;
        private final RequestReads.Caller caller;
        private final String requestId;
        private int sent;

        Session(SseClient client, RequestReads.Caller caller, String requestId) {
            this.client = client;
            this.caller = caller;
            this.requestId = requestId;
        }

        /** The request as the client last saw it, for the next delta; null when unknown (a resumed stream). */
        private ObjectNode shown;

        void start(RequestView first, int resumeAfter) {
            client.keepAlive();
            if (resumeAfter == 0) {
                shown = Json.MAPPER.valueToTree(first);
                sent = first.history().size();
                client.sendEvent("snapshot", shown.toString(), Integer.toString(sent));
            } else {
                sent = Math.min(resumeAfter, first.history().size());
            }
            if (!emit(first)) {
                next();
            }
        }

        /** Sends the transitions not sent yet as deltas; true when the stream has ended. */
        private boolean emit(RequestView view) {
            int size = view.history().size();
            if (size <= sent && !view.atRest()) {
                return false; // woken with nothing new (a keep-alive): nothing to convert or send
            }
            ObjectNode now = Json.MAPPER.valueToTree(view);
            for (int i = sent; i < size; i++) {
                RequestView.Transition transition = view.history().get(i);
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("index", i + 1);
                data.put("state", transition.state());
                data.put("at", transition.at());
                data.put("detail", transition.detail());
                data.put("attempt", transition.attempt());
                data.put("offerId", transition.offerId());
                if (i == size - 1) {
                    data.set("changes", changes(shown, now));
                    shown = now;
                }
                client.sendEvent("transition", data.toString(), Integer.toString(i + 1));
            }
            sent = Math.max(sent, size);
            if (view.atRest()) {
                client.sendEvent("end", now.toString(), Integer.toString(sent));
                client.close();
                return true;
            }
            return false;
        }

        private void next() {
            if (client.terminated()) {
                return;
            }
            Futures.guarded(() -> reads.read(caller, requestId, new ReadCondition(null, sent + 1, false, POLL)))
                    .whenCompleteAsync((view, error) -> {
                        if (client.terminated()) {
                            return;
                        }
                        if (error != null) {
                            Throwable cause = Futures.unwrap(error);
                            if (cause instanceof RetryLaterException) {
                                client.sendComment("owner unavailable; retrying");
                                timer.schedule(() -> callbacks.execute(this::next), 1, TimeUnit.SECONDS);
                            } else {
                                client.sendEvent("error", failure(requestId, cause));
                                client.close();
                            }
                            return;
                        }
                        if (view.isEmpty()) {
                            client.sendEvent("error", "request " + requestId + " is gone");
                            client.close();
                            return;
                        }
                        if (view.get().history().size() <= sent) {
                            client.sendComment("keep-alive");
                        }
                        if (!emit(view.get())) {
                            next();
                        }
                    }, callbacks);
        }
    }
}
