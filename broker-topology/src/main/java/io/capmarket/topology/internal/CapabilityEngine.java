package io.capmarket.topology.internal;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.DecisionCommand;
import io.capmarket.schemas.topology.IndexForget;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.UpdateCommand;
import io.capmarket.schemas.serde.RegistryFailure;
import io.capmarket.schemas.tracing.LogContext;
import io.capmarket.schemas.tracing.RecordTracing;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.CapabilityDesk;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer per capability: every offer change, submission, cancellation, update and
 * fulfilment report of a capability (and every approval decision on one of its requests) arrives here, keyed by
 * the capability, in the one task that owns it.
 * The rules are the {@link CapabilityDesk}'s; this processor reads the input, calls the desk with
 * its books over the task's stores, and forwards what the desk decided. Each submission,
 * cancellation and report is a span in its request's trace (the one its record carries, else the
 * one its submit began); the records forwarded about that request carry the span.
 */
final class CapabilityEngine implements Processor<String, CapabilityEvent, String, EngineOutput> {

    private static final Logger LOG = LoggerFactory.getLogger(CapabilityEngine.class);

    /** How often decoded scorecard states are written back to their store. */
    static final Duration SCORE_FLUSH_INTERVAL = Duration.ofSeconds(5);

    /** How often the desk sweeps a batch of kept requests for finished ones past their retention. */
    static final Duration FINISHED_SWEEP_INTERVAL = Duration.ofSeconds(10);

    private final TopologySettings settings;
    private final Clock clock;
    private final EngineEvents events;
    private final Topics topics;
    private final GlobalMirrors producers;

    private final Tracer tracer = RecordTracing.tracer();
    private ProcessorContext<String, EngineOutput> context;
    private StoreBooks books;
    private IntakeEntries intakeEntries;
    private EngineOutbox outbox;
    private CapabilityDesk desk;
    private Undo lastUndo = Undo.NONE;

    /**
     * @param topics names the producer topics a refused offer or report came from, and serializes them back
     * @param producers the producers' liveness and approvals as the engine reads them
     */
    CapabilityEngine(TopologySettings settings, Clock clock, EngineEvents events, Topics topics, GlobalMirrors producers) {
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.topics = topics;
        this.producers = producers;
    }

    @Override
    public void init(ProcessorContext<String, EngineOutput> context) {
        this.context = context;
        long started = System.nanoTime();
        this.books = new StoreBooks(context, settings, producers, events);
        LOG.info("task {} counted the loads and rebuilt the {} deadlines of its {} kept requests in {} ms", context.taskId(),
                books.deadlines(), books.requestsCounted(), (System.nanoTime() - started) / 1_000_000);
        this.intakeEntries = new IntakeEntries(context, topics.capabilityEvents().name());
        this.outbox = new EngineOutbox(context, clock, topics, intakeEntries);
        this.desk = new CapabilityDesk(settings, events, books, outbox, step -> whole(true, step));
        punctuate(settings.punctuateInterval(), () -> desk.tick(clock.instant()));
        punctuate(settings.scorecardInterval(), () -> desk.publishScores(clock.instant()));
        context.schedule(SCORE_FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> books.flushScores());
        punctuate(FINISHED_SWEEP_INTERVAL, () -> desk.sweepFinished(clock.instant()));
    }

    /**
     * Runs {@code work} every {@code interval} of wall-clock time and publishes what it made, also
     * when it throws: what a punctuation does outside a step of its own ({@link #whole}: the tick's
     * due checks and the requests it serves from waitlists) is not undone, so its records must not
     * be held back.
     */
    private void punctuate(Duration interval, Runnable work) {
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, t -> {
            try {
                work.run();
            } finally {
                outbox.flush();
            }
        });
    }

    /**
     * One step: the record's event applied whole, or not at all ({@link #whole}); a step that
     * throws is undone before its record goes to the dead letters ({@code DeadLetterProcessingHandler}),
     * and an intake that routed a submit here forgets its index entry of the request.
     */
    @Override
    public void process(Record<String, CapabilityEvent> record) {
        try {
            whole(false, () -> step(record));
        } catch (RuntimeException e) {
            LOG.warn("a step on {} failed part-way ({}): nothing it made is published, and its {} changes to the books were "
                    + "undone in {} microseconds", record.key(), e.toString(), lastUndo.changes(), lastUndo.micros());
            desk.undone(record.key());
            // only when the record goes to the dead letters: a registry failure fails the thread, and the record comes again
            if (record.value().getEvent() instanceof SubmitRequest submit && RegistryFailure.in(e).isEmpty()
                    && books.request(submit.getRequestId()) == null) {
                intakeEntries.undone(record, submit.getRequestId());
            }
            throw e;
        }
    }

    /**
     * Runs {@code step} whole or not at all: what it made is published when it returns; when it
     * throws, nothing it made is published and its changes to the books, in the stores and in memory,
     * are put back ({@link #lastUndo}), before the failure is rethrown. A record's step, or one due
     * check or one request served from a waitlist on the clock. Sending what a step made is not part
     * of it: a record that fails to be sent after the step returned fails the task, as any send does.
     * A step of the clock ({@code clock}) runs again after it failed, so its scorecard events are
     * undone too.
     */
    private void whole(boolean clock, Runnable step) {
        lastUndo = Undo.NONE;
        outbox.flush(); // what came before (a tick's work so far) is not the step's
        books.beginStep(clock);
        try {
            step.run();
        } catch (RuntimeException e) {
            outbox.discard();
            long started = System.nanoTime();
            int changes = books.undoStep();
            lastUndo = new Undo(changes, (System.nanoTime() - started) / 1_000);
            throw e;
        }
        books.endStep();
        outbox.flush();
    }

    /** What undoing the last failed step took: how many changes to the books were put back, in how many microseconds. */
    private record Undo(int changes, long micros) {
        static final Undo NONE = new Undo(0, 0);
    }

    private void step(Record<String, CapabilityEvent> record) {
        String capability = record.key();
        Instant now = clock.instant();
        Object event = record.value().getEvent();
        if (event instanceof IndexForget forget) {
            intakeEntries.forget(forget);
            return;
        }
        if (event instanceof OfferChange change) {
            desk.offer(capability, change, now);
            outbox.flush();
            return;
        }
        String requestId = event instanceof SubmitRequest submit ? submit.getRequestId()
                : event instanceof CancelCommand cancel ? cancel.getRequestId()
                : event instanceof UpdateCommand update ? update.getUpdate().getRequestId()
                : event instanceof DecisionCommand decision ? decision.getDecision().getRequestId()
                : ((FulfilmentEvent) event).getRequestId();
        String kind = event instanceof SubmitRequest ? "match" : event instanceof CancelCommand ? "cancel"
                : event instanceof UpdateCommand ? "update"
                : event instanceof DecisionCommand decision ? (decision.getDecision().getApprove() ? "approve" : "reject")
                : "report " + ((FulfilmentEvent) event).getKind().name().toLowerCase(java.util.Locale.ROOT);
        Span span = tracer.spanBuilder("capmarket " + kind)
                .setParent(parentOf(record, requestId)).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("capmarket.request_id", requestId).setAttribute("capmarket.capability", capability).startSpan();
        try (Scope ignored = span.makeCurrent(); LogContext logged = LogContext.of(requestId, span)) {
            outbox.trace(requestId, Context.current());
            desk.command(capability, event, now,
                    event instanceof SubmitRequest ? RecordTracing.traceParent(Context.current()).orElse(null) : null);
            if (event instanceof SubmitRequest) {
                intakeEntries.submitted(record, requestId);
            }
            outbox.flush();
        } finally {
            outbox.trace(null, null);
            span.end();
        }
    }

    /** The trace the record carries; else the one its request's submit started, when it had one. */
    private Context parentOf(Record<String, CapabilityEvent> record, String requestId) {
        Context carried = RecordTracing.extract(record.headers());
        if (Span.fromContext(carried).getSpanContext().isValid()) {
            return carried;
        }
        RequestStatus known = books.request(requestId);
        return RecordTracing.fromTraceParent(known == null ? null : known.getTraceParent());
    }

    /**
     * Writes the scorecard events since the last flush (a task is closed before its last commit), and
     * tells the events that none of the task's requests waits here any more.
     */
    @Override
    public void close() {
        try {
            if (books != null) {
                books.flushScores();
            }
        } finally {
            if (desk != null) {
                desk.closed();
            }
        }
    }
}
