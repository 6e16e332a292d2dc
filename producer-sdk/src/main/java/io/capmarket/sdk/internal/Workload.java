package io.capmarket.sdk.internal;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.tracing.LogContext;
import io.capmarket.schemas.tracing.RecordTracing;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.ProducerListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assignments {@link AssignmentLoop} took in, waiting for a slot or running: hands FULFIL, UPDATE
 * and DEPROVISION assignments to the handler on worker threads while the offer has a free slot,
 * routes CANCELs to the running or waiting work of the same attempt and revision, and marks an
 * assignment's offset done in the {@link OffsetTracker} once it is settled. Updates and deprovisions
 * take slots counted apart from provisioning ({@link Slots#countedApart()}), since the marketplace
 * does not count them against an offer's capacity; one waits while earlier work on its request runs
 * here, and cancels such work of an older revision, which the marketplace abandoned. Any work waits
 * while earlier work on its request runs or waits here (another attempt, or an operation), so two
 * never run at once here. Everything here except the completion queue and {@link #unsettled()} is
 * touched by the loop's consumer thread only.
 */
final class Workload {

    /** The loop's logger, as before this class was split off it: logging set up for the loop still covers these messages. */
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLoop.class);

    /** An assignment not started yet, with the trace its record carried. */
    private record Pending(TopicPartition partition, long offset, Assignment assignment, Context trace) {
    }

    /**
     * Work handed to the handler. {@code alsoSettles}: the records that delivered the same work again
     * while it ran (after its partition was taken away and given back, its record comes again); they
     * are done when it is, not when they arrive, so no commit passes work still running.
     */
    private record Running(TopicPartition partition, long offset, Assignment assignment, ReportingContext context,
            List<Map.Entry<TopicPartition, Long>> alsoSettles) {

        /** Whether one of {@code partitions} delivered this work, first or again. */
        boolean from(Set<TopicPartition> partitions) {
            return partitions.contains(partition) || alsoSettles.stream().anyMatch(again -> partitions.contains(again.getKey()));
        }

        Running deliveredAgainAt(TopicPartition at, long offset) {
            List<Map.Entry<TopicPartition, Long>> all = new ArrayList<>(alsoSettles);
            all.add(Map.entry(at, offset));
            return new Running(partition, this.offset, assignment, context, List.copyOf(all));
        }
    }

    private record Completion(TopicPartition partition, long offset, String requestId, String offerId, Slots lane, boolean settled) {
    }

    private final Slots slots;
    private final Slots operationSlots;
    private final ExecutorService workers;
    private final ExecutorService cancels;
    private final AsyncAssignmentHandler handler;
    private final Function<Assignment, ReportingContext> contexts;
    private final Tracer tracer = RecordTracing.tracer();
    private final boolean autoAccept;
    private final Clock clock;
    private final ProducerListener listener;
    private final OffsetTracker<TopicPartition> tracker;
    private final BooleanSupplier stopping;
    private final HandlerTimeouts timeouts;

    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Map<String, Running> running = new HashMap<>();
    private final Set<String> exhausted = new HashSet<>();
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    /**
     * Set when an outcome could not be published, not even as the SDK's failure: its offset stays
     * uncommitted, and so does every later one of its partition, until this process stops.
     */
    private volatile boolean unsettled;

    /**
     * @param stopping whether the loop is stopping: then nothing more starts, and an unpublished outcome is not logged
     * @param timeouts how long a handler may hold its slot; the work is settled on a worker thread, never on the thread
     *     that completes a handler's stage
     */
    Workload(Slots slots, ExecutorService workers, ExecutorService cancels, AsyncAssignmentHandler handler,
            Function<Assignment, ReportingContext> contexts, boolean autoAccept, Clock clock, ProducerListener listener,
            OffsetTracker<TopicPartition> tracker, BooleanSupplier stopping, HandlerTimeouts timeouts) {
        this.slots = slots;
        this.operationSlots = slots.countedApart();
        this.workers = workers;
        this.cancels = cancels;
        this.handler = handler;
        this.contexts = contexts;
        this.autoAccept = autoAccept;
        this.clock = clock;
        this.listener = listener;
        this.tracker = tracker;
        this.stopping = stopping;
        this.timeouts = timeouts;
    }

    /** Whether an outcome could not be published at all, so that nothing past it on its partition is committed any more. */
    boolean unsettled() {
        return unsettled;
    }

    /**
     * Takes in a valid assignment of this producer read at {@code offset}: a CANCEL is routed at once;
     * the same work delivered again while it runs or waits here is settled with it; anything else waits,
     * with the trace context of its record's {@code headers}.
     */
    void take(TopicPartition partition, long offset, Assignment assignment, Headers headers) {
        tracker.received(partition, offset);
        if (assignment.action() == AssignmentAction.CANCEL) {
            cancel(assignment);
            tracker.done(partition, offset);
            return;
        }
        Running already = running.get(assignment.requestId());
        if (already != null && sameWork(already.assignment(), assignment)) {
            LOG.info("assignment {} (attempt {}, revision {}) delivered again while it runs here; its outcome settles both",
                    assignment.requestId(), assignment.attempt(), assignment.revision());
            running.put(assignment.requestId(), already.deliveredAgainAt(partition, offset));
            return;
        }
        // a waiting one holds an earlier offset of this partition open (a revoked partition's are dropped), so no commit passes it
        if (pending.stream().anyMatch(p -> sameWork(p.assignment(), assignment))) {
            LOG.info("assignment {} (attempt {}, revision {}) delivered again while it waits here; that one settles it",
                    assignment.requestId(), assignment.attempt(), assignment.revision());
            tracker.done(partition, offset);
            return;
        }
        if (already != null && assignment.isOperation() && already.assignment().isOperation()
                && already.assignment().revision() < assignment.revision()) {
            LOG.info("{} {} of request {} supersedes revision {} running here; cancelling that", assignment.action(),
                    assignment.revision(), assignment.requestId(), already.assignment().revision());
            cancelRunning(already);
        }
        if (assignment.isOperation()) {
            listener.operationReceived(assignment);
        } else {
            listener.assignmentReceived(assignment);
        }
        pending.add(new Pending(partition, offset, assignment, RecordTracing.extract(headers)));
    }

    /** How many assignments wait here, read but not started. */
    int waiting() {
        return pending.size();
    }

    /** Drops every assignment not started (handed back: its offset stays uncommitted); how many there were. */
    int dropWaiting() {
        int dropped = pending.size();
        pending.clear();
        return dropped;
    }

    /** The request ids of the work running here (a live view). */
    Set<String> runningRequests() {
        return Collections.unmodifiableSet(running.keySet());
    }

    /** The assignments running here that one of {@code partitions} delivered (first or again). */
    List<Assignment> runningFrom(Set<TopicPartition> partitions) {
        return running.values().stream().filter(run -> run.from(partitions)).map(Running::assignment).toList();
    }

    /** Drops the assignments waiting here from partitions no longer owned here. */
    void forget(Set<TopicPartition> partitions) {
        pending.removeIf(p -> partitions.contains(p.partition()));
    }

    /** The same work: the same request, attempt and revision (a redelivery, or the marketplace sending it again). */
    private static boolean sameWork(Assignment a, Assignment b) {
        return a.requestId().equals(b.requestId()) && a.attempt() == b.attempt() && a.revision() == b.revision();
    }

    private void cancel(Assignment cancel) {
        Running run = running.get(cancel.requestId());
        if (run != null && sameWork(run.assignment(), cancel)) {
            cancelRunning(run);
            return;
        }
        Iterator<Pending> waiting = pending.iterator();
        while (waiting.hasNext()) {
            Pending p = waiting.next();
            if (sameWork(p.assignment(), cancel)) {
                waiting.remove();
                tracker.done(p.partition(), p.offset());
            }
        }
        listener.assignmentCancelled(cancel, false);
    }

    private void cancelRunning(Running run) {
        run.context().markCancelled();
        listener.assignmentCancelled(run.assignment(), true);
        String requestId = run.assignment().requestId();
        try {
            cancels.execute(() -> {
                try {
                    handler.onCancel(run.assignment(), run.context());
                } catch (RuntimeException e) {
                    LOG.warn("onCancel for request {} threw: {}", requestId, e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("cancel of request {} arrived while stopping; not delivered to the handler", requestId);
        }
    }

    /**
     * Starts, in order, every waiting assignment that has a free slot and no earlier work on its
     * request here; none while {@link HandlerTimeouts#overStuckBound() too many handler threads are
     * stuck} (each would start on a thread of its own).
     */
    void startPending() {
        if (timeouts.overStuckBound()) {
            return;
        }
        Iterator<Pending> it = pending.iterator();
        Set<String> fullNow = new HashSet<>();
        Set<String> waitingRequests = new HashSet<>();
        while (it.hasNext() && !stopping.getAsBoolean()) {
            Pending p = it.next();
            Assignment assignment = p.assignment();
            boolean earlierWork = !waitingRequests.add(assignment.requestId()) || running.containsKey(assignment.requestId());
            if (earlierWork) {
                continue; // work waits until earlier work on its request (another attempt, an operation) started and finished here
            }
            String offerId = assignment.offerId();
            Slots lane = lane(assignment);
            if (lane == slots && (fullNow.contains(offerId) || !slots.tryAcquire(offerId))) {
                fullNow.add(offerId);
                if (exhausted.add(offerId)) {
                    listener.capacityExhausted(offerId, slots.capacityOf(offerId));
                }
                continue;
            }
            if (lane == operationSlots && !operationSlots.tryAcquire(offerId)) {
                continue;
            }
            it.remove();
            start(p, lane);
        }
        exhausted.retainAll(fullNow);
    }

    private Slots lane(Assignment assignment) {
        return assignment.isOperation() ? operationSlots : slots;
    }

    private void start(Pending p, Slots lane) {
        Assignment assignment = p.assignment();
        ReportingContext context = contexts.apply(assignment);
        running.put(assignment.requestId(), new Running(p.partition(), p.offset(), assignment, context, List.of()));
        try {
            workers.execute(() -> {
                Span span = tracer.spanBuilder("capmarket handle " + assignment.capability()).setParent(p.trace())
                        .setSpanKind(SpanKind.CONSUMER).setAttribute("capmarket.request_id", assignment.requestId())
                        .setAttribute("capmarket.offer_id", assignment.offerId()).setAttribute("capmarket.attempt", assignment.attempt())
                        .setAttribute("capmarket.action", assignment.action().name())
                        .setAttribute("capmarket.revision", assignment.revision()).startSpan();
                context.traceWith(Context.current().with(span));
                // once: by the settlement (which a timed-out handler's thread may never see) or by a failure to run it
                AtomicBoolean completed = new AtomicBoolean();
                Consumer<Boolean> complete = settled -> {
                    if (completed.compareAndSet(false, true)) {
                        span.end();
                        completions.add(new Completion(p.partition(), p.offset(), assignment.requestId(), assignment.offerId(), lane,
                                settled));
                    }
                };
                try (Scope ignoredScope = span.makeCurrent(); LogContext logged = LogContext.of(assignment.requestId(), span)) {
                    HandlerRun.run(handler, context, autoAccept, clock, listener, timeouts, workers, error -> {
                        if (error != null) {
                            LOG.warn("outcome of request {} (attempt {}, revision {}) was not published: {}; the assignment goes "
                                    + "to the producer's next process once this one stops", assignment.requestId(), assignment.attempt(),
                                    assignment.revision(), error.toString());
                        }
                        complete.accept(error == null);
                    });
                } catch (RuntimeException | Error e) {
                    complete.accept(false);
                    throw e;
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(assignment.requestId());
            lane.release(assignment.offerId());
        }
    }

    /** Applies the completions of work that finished since the last call. */
    void applyCompletions() {
        Completion c;
        while ((c = completions.poll()) != null) {
            apply(c);
        }
    }

    /** Waits up to {@code wait} for one piece of work to finish, and applies its completion. */
    void awaitCompletion(Duration wait) throws InterruptedException {
        Completion first = completions.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (first != null) {
            apply(first);
        }
    }

    /** A handler's work finished: its slot frees, and its offset (and those that delivered it again) is done once its outcome is out. */
    private void apply(Completion c) {
        c.lane().release(c.offerId());
        Running run = running.get(c.requestId());
        List<Map.Entry<TopicPartition, Long>> deliveredAgain = List.of();
        if (run != null && run.offset() == c.offset() && run.partition().equals(c.partition())) {
            running.remove(c.requestId());
            deliveredAgain = run.alsoSettles();
        }
        if (c.settled()) {
            tracker.done(c.partition(), c.offset());
            deliveredAgain.forEach(again -> tracker.done(again.getKey(), again.getValue()));
        } else if (!stopping.getAsBoolean() && !unsettled) {
            unsettled = true;
            LOG.error("an outcome of request {} could not be published at all: nothing past {}-{}@{} is committed any more, and "
                    + "this process's heartbeats say it is unhealthy from now on; restart it, and its unsettled assignments go to "
                    + "the next process", c.requestId(), c.partition().topic(), c.partition().partition(), c.offset());
        }
    }
}
