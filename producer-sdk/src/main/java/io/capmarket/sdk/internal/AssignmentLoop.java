package io.capmarket.sdk.internal;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.schemas.serde.RegistryFailure;
import io.capmarket.schemas.tracing.LogContext;
import io.capmarket.schemas.tracing.RecordTracing;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.ProducerNotOnboardedException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread of the producer's own {@code producer.<producerId>.assignments} topic: waits
 * until the topic exists (onboarding creates it; the SDK never does), then hands FULFIL, UPDATE and
 * DEPROVISION assignments to the handler on worker threads while the offer has a free slot, reads on
 * while assignments wait for a slot (pausing every partition only once {@value #PENDING_BOUND} wait),
 * routes CANCELs to the running or waiting work of the same attempt and revision, and commits an
 * offset only when the assignment at it and every one
 * before it in its partition is settled. Updates and deprovisions take slots counted apart from
 * provisioning ({@link Slots#countedApart()}), since the marketplace does not count them against an
 * offer's capacity; one waits while earlier work on its request runs here, and cancels such work
 * of an older revision, which the marketplace abandoned. Any work waits while earlier work on its
 * request runs or waits here (another attempt, or an operation), so two never run at once here.
 * When the group takes a partition away, work running here from it is waited for (up to a bound) and
 * committed before it goes, so that its next owner does not run it again at the same time ({@link Rebalance}).
 *
 * <p>A record that can never be read (bytes that are not Avro of an assignment, a schema id the
 * registry does not know) or that is no valid assignment of this producer is skipped: logged,
 * told to {@link ProducerListener#assignmentSkipped} and committed past. A record that cannot be
 * read for another reason (the schema registry unavailable, refusing the credentials, timing out)
 * is read again: the loop seeks back to it and holds every partition for a back-off
 * ({@link ReadBackOff}: 1 s doubling to 30 s), and
 * {@link #failed()} is true until it is read. Everything here except the completion queue is
 * touched by the consumer thread only.
 */
public final class AssignmentLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration TOPIC_RECHECK = Duration.ofSeconds(5);
    private static final Duration TOPIC_LOG_INTERVAL = Duration.ofMinutes(1);
    /**
     * How many assignments may wait here, read but not started, before the consumer pauses every
     * partition: twice the SDK's default {@code max.poll.records} (one poll may add up to that many
     * more). Below it the consumer reads on, so that a CANCEL, or work for another offer, behind an
     * assignment waiting for a slot is read at once; at it, records stay in Kafka until a slot frees.
     */
    static final int PENDING_BOUND = 100;

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

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Deserializer<io.capmarket.schemas.Assignment> deserializer;
    private final OwnTopics ownTopics;
    private final String producerId;
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

    private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Map<String, Running> running = new HashMap<>();
    private final Set<String> exhausted = new HashSet<>();
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    /** Set when the loop stopped on an error rather than by {@link #stop}: no assignment is consumed here any more. */
    private volatile boolean failed;
    /**
     * Set when an outcome could not be published, not even as the SDK's failure: its offset stays
     * uncommitted, and so does every later one of its partition, until this process stops.
     */
    private volatile boolean unsettled;
    private volatile long drainUntilNanos;
    private final ReadBackOff readBackOff;
    private final Rebalance rebalance;

    public AssignmentLoop(Consumer<String, byte[]> consumer, String topic, Deserializer<io.capmarket.schemas.Assignment> deserializer,
            OwnTopics ownTopics, String producerId, Slots slots, ExecutorService workers, ExecutorService cancels,
            AsyncAssignmentHandler handler, Function<Assignment, ReportingContext> contexts, boolean autoAccept, Clock clock,
            ProducerListener listener, Duration rebalanceDrain) {
        this(consumer, topic, deserializer, ownTopics, producerId, slots, workers, cancels, handler, contexts, autoAccept, clock, listener,
                rebalanceDrain, System::nanoTime);
    }

    /** As the other constructor, timing the back-off of reads with {@code nanoTime} (a test's manual ticker). */
    public AssignmentLoop(Consumer<String, byte[]> consumer, String topic, Deserializer<io.capmarket.schemas.Assignment> deserializer,
            OwnTopics ownTopics, String producerId, Slots slots, ExecutorService workers, ExecutorService cancels,
            AsyncAssignmentHandler handler, Function<Assignment, ReportingContext> contexts, boolean autoAccept, Clock clock,
            ProducerListener listener, Duration rebalanceDrain, LongSupplier nanoTime) {
        this.consumer = consumer;
        this.topic = topic;
        this.deserializer = deserializer;
        this.ownTopics = ownTopics;
        this.producerId = producerId;
        this.slots = slots;
        this.operationSlots = slots.countedApart();
        this.workers = workers;
        this.cancels = cancels;
        this.handler = handler;
        this.contexts = contexts;
        this.autoAccept = autoAccept;
        this.clock = clock;
        this.listener = listener;
        this.readBackOff = new ReadBackOff(nanoTime);
        this.rebalance = new Rebalance(new HeldWork(), rebalanceDrain, listener);
    }

    /**
     * Whether this process should take no more work: the loop stopped on an error (the consumer
     * failed for good: fenced, not authorized, an {@link Error} such as a missing method...), not
     * because it was asked to, or an outcome could not be published at all, so that nothing past it
     * on its partition can be committed any more; either way its unsettled assignments go to the
     * producer's next process once this one stops. Also while an assignment cannot be read for a
     * reason other than the record (the schema registry unavailable or refusing the credentials):
     * false again once it is read.
     */
    public boolean failed() {
        return failed || readBackOff.unhealthy() || unsettled && !stopping;
    }

    @Override
    public void run() {
        try {
            if (!awaitTopic()) {
                return;
            }
            consumer.subscribe(List.of(topic), rebalance);
            while (!stopping) {
                try {
                    step();
                } catch (WakeupException e) {
                    // close() woke the poll up; the loop condition decides
                }
            }
            drain();
        } catch (Throwable e) {
            if (!stopping || !(e instanceof WakeupException || e instanceof InterruptException)) {
                failed = true;
                LOG.error("assignment consumer for {} stopped: {}; unsettled assignments will be redelivered, and this process's "
                        + "heartbeats say it is unhealthy from now on, so that no work is matched to it: restart it", topic, e.toString(),
                        e);
            }
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            // the client stops the workers once it refuses further publishing, so handed-back work reports nothing
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.warn("closing the assignment consumer failed: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    /**
     * Stops taking work and lets running handlers finish for up to {@code drain}; then leaves the
     * group. Unsettled assignments stay uncommitted and are redelivered to the next consumer.
     *
     * @return whether the loop stopped within {@code drain} plus a grace period
     */
    public boolean stop(Duration drain) {
        drainUntilNanos = System.nanoTime() + drain.toNanos();
        stopping = true;
        stopRequested.countDown();
        consumer.wakeup();
        try {
            return stopped.await(drain.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the assignments topic exists, logging why it waits: subscribing to a missing topic
     * would wait silently. False when the client stopped first.
     */
    private boolean awaitTopic() {
        long nextLog = System.nanoTime();
        while (!stopping) {
            try {
                ownTopics.require(topic);
                return true;
            } catch (RuntimeException e) {
                if (System.nanoTime() - nextLog >= 0) {
                    if (e instanceof ProducerNotOnboardedException) {
                        LOG.error("not consuming assignments yet: {}", e.getMessage());
                    } else {
                        LOG.warn("cannot check {} yet: {}", topic, e.toString());
                    }
                    nextLog = System.nanoTime() + TOPIC_LOG_INTERVAL.toNanos();
                }
            }
            try {
                stopRequested.await(TOPIC_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void step() {
        Set<TopicPartition> rewound = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (rewound.contains(partition)) {
                continue; // read again from an earlier record of this poll
            }
            if (readingHeld() || !receive(partition, record)) {
                consumer.seek(partition, record.offset());
                rewound.add(partition);
            }
        }
        startPending();
        applyCompletions();
        startPending();
        if (pending.size() >= PENDING_BOUND || readingHeld()) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        commit();
    }

    private void drain() {
        int dropped = pending.size();
        pending.clear();
        consumer.pause(consumer.assignment());
        if (!running.isEmpty() || dropped > 0) {
            LOG.info("draining {} running assignments ({} not started are handed back)", running.size(), dropped);
        }
        while (System.nanoTime() < drainUntilNanos) {
            applyCompletions();
            commit();
            if (running.isEmpty()) {
                break;
            }
            try {
                consumer.poll(Duration.ofMillis(50));
            } catch (WakeupException e) {
                // already stopping
            }
        }
        applyCompletions();
        commit();
        if (!running.isEmpty()) {
            LOG.warn("handing back {} unfinished assignments ({}): their offsets are not committed, so they are redelivered",
                    running.size(), running.keySet());
        }
    }

    /** Whether reading waits out a back-off after a record could not be read. */
    private boolean readingHeld() {
        return readBackOff.holding();
    }

    /**
     * Takes one record in: hands it on, or skips it when it can never be read or is no valid
     * assignment of this producer. False when it cannot be read now for a reason other than the
     * record itself: nothing of it was taken, and it must be read again.
     */
    private boolean receive(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        io.capmarket.schemas.Assignment avro;
        try {
            avro = record.value() == null ? null : deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            if (!poison(e)) {
                cannotRead(partition, record.offset(), e);
                return false;
            }
            readable(Set.of(partition));
            skip(partition, record.offset(), "it cannot be read: " + e.getMessage());
            return true;
        }
        readable(Set.of(partition));
        if (avro == null || !producerId.equals(avro.getProducerId())) {
            skip(partition, record.offset(), avro == null ? "empty record" : "it is for producer " + avro.getProducerId());
            return true;
        }
        Assignment assignment;
        try {
            assignment = AssignmentCodec.fromAvro(avro);
        } catch (RuntimeException e) {
            skip(partition, record.offset(), "it is no valid assignment: " + e.getMessage());
            return true;
        }
        tracker.received(partition, record.offset());
        if (assignment.action() == AssignmentAction.CANCEL) {
            cancel(assignment);
            tracker.done(partition, record.offset());
            return true;
        }
        Running already = running.get(assignment.requestId());
        if (already != null && sameWork(already.assignment(), assignment)) {
            LOG.info("assignment {} (attempt {}, revision {}) delivered again while it runs here; its outcome settles both",
                    assignment.requestId(), assignment.attempt(), assignment.revision());
            running.put(assignment.requestId(), already.deliveredAgainAt(partition, record.offset()));
            return true;
        }
        // a waiting one holds an earlier offset of this partition open (a revoked partition's are dropped), so no commit passes it
        if (pending.stream().anyMatch(p -> sameWork(p.assignment(), assignment))) {
            LOG.info("assignment {} (attempt {}, revision {}) delivered again while it waits here; that one settles it",
                    assignment.requestId(), assignment.attempt(), assignment.revision());
            tracker.done(partition, record.offset());
            return true;
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
        pending.add(new Pending(partition, record.offset(), assignment, RecordTracing.extract(record.headers())));
        return true;
    }

    /**
     * Whether a failure to deserialize is the record's own, so that reading it again fails again:
     * bytes that are not Avro of an assignment, or a schema id the registry does not know (40403).
     * Any other registry failure (unavailable, credentials refused, a 404 without that code) is not.
     */
    private static boolean poison(RuntimeException failure) {
        return failure instanceof AvroDeserializationException && RegistryFailure.in(failure).isEmpty();
    }

    /** Skips a record for good: nothing to do, so done at once, and the commit passes it. */
    private void skip(TopicPartition partition, long offset, String reason) {
        LOG.error("skipping the assignment at {}-{}@{}: {}", partition.topic(), partition.partition(), offset, reason);
        listener.assignmentSkipped(partition.topic(), partition.partition(), offset, reason);
        tracker.received(partition, offset);
        tracker.done(partition, offset);
    }

    /** A record could not be read, not for anything in it: read again after a back-off, the process unhealthy until then. */
    private void cannotRead(TopicPartition partition, long offset, RuntimeException failure) {
        Duration readBackoff = readBackOff.failed(partition);
        LOG.warn("cannot read the assignment at {}-{}@{} now: {}; reading it again in {} s, and this process's heartbeats say it is "
                + "unhealthy until it can", partition.topic(), partition.partition(), offset, failure.toString(), readBackoff.toSeconds());
    }

    /** Records of {@code partitions} can be read (or the partitions were taken away): once none is left unreadable, reading is healthy. */
    private void readable(Set<TopicPartition> partitions) {
        if (readBackOff.readable(partitions)) {
            LOG.info("assignments of {} are read again", topic);
        }
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

    private void startPending() {
        Iterator<Pending> it = pending.iterator();
        Set<String> fullNow = new HashSet<>();
        Set<String> waitingRequests = new HashSet<>();
        while (it.hasNext() && !stopping) {
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
                try (Scope ignoredScope = span.makeCurrent(); LogContext logged = LogContext.of(assignment.requestId(), span)) {
                    HandlerRun.run(handler, context, autoAccept, clock, listener).whenComplete((ignored, error) -> {
                        span.end();
                        if (error != null) {
                            LOG.warn("outcome of request {} (attempt {}, revision {}) was not published: {}; the assignment goes "
                                    + "to the producer's next process once this one stops", assignment.requestId(), assignment.attempt(),
                                    assignment.revision(), error.toString());
                        }
                        completions.add(new Completion(p.partition(), p.offset(), assignment.requestId(), assignment.offerId(),
                                lane, error == null));
                    });
                } catch (RuntimeException | Error e) {
                    span.end();
                    completions.add(new Completion(p.partition(), p.offset(), assignment.requestId(), assignment.offerId(), lane,
                            false));
                    throw e;
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(assignment.requestId());
            lane.release(assignment.offerId());
        }
    }

    private void applyCompletions() {
        Completion c;
        while ((c = completions.poll()) != null) {
            apply(c);
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
        } else if (!stopping && !unsettled) {
            unsettled = true;
            LOG.error("an outcome of request {} could not be published at all: nothing past {}-{}@{} is committed any more, and "
                    + "this process's heartbeats say it is unhealthy from now on; restart it, and its unsettled assignments go to "
                    + "the next process", c.requestId(), c.partition().topic(), c.partition().partition(), c.offset());
        }
    }

    private void commit() {
        Map<TopicPartition, Long> next = tracker.toCommit();
        if (next.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = next.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
        try {
            consumer.commitSync(offsets);
            tracker.markCommitted(next);
        } catch (WakeupException e) {
            consumer.commitSync(offsets); // a wakeup must not lose a commit; the next poll sees stopping
            tracker.markCommitted(next);
        } catch (KafkaException e) {
            LOG.warn("committing {} failed ({}); retried on the next loop", offsets, e.toString());
        }
    }

    /** The loop's side of a rebalance, on the consumer thread. */
    private final class HeldWork implements Rebalance.Work {

        @Override
        public boolean settle(Duration wait) {
            boolean interrupted = false;
            try {
                Completion first = completions.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    apply(first);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                interrupted = true;
            }
            applyCompletions();
            commit();
            return !interrupted;
        }

        @Override
        public List<Assignment> runningFrom(Set<TopicPartition> partitions) {
            return running.values().stream().filter(run -> run.from(partitions)).map(Running::assignment).toList();
        }

        @Override
        public void forget(Set<TopicPartition> partitions) {
            pending.removeIf(p -> partitions.contains(p.partition()));
            tracker.forget(partitions);
            readable(partitions);
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public boolean drainOver() {
            return stopping && System.nanoTime() - drainUntilNanos >= 0;
        }
    }
}
