package io.capmarket.topology.internal;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.CapabilityDesk;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The single writer per capability: every offer change, submission, cancellation and fulfilment
 * report of a capability arrives here, keyed by the capability, in the one task that owns it.
 * The rules are the {@link CapabilityDesk}'s; this processor reads the input, calls the desk with
 * its books over the task's stores, and forwards what the desk decided.
 */
final class CapabilityEngine implements Processor<String, CapabilityEvent, String, EngineOutput> {

    /** How often decoded scorecard states are written back to their store. */
    static final Duration SCORE_FLUSH_INTERVAL = Duration.ofSeconds(5);

    private final TopologySettings settings;
    private final Clock clock;
    private final EngineEvents events;
    private final Topics topics;

    private StoreBooks books;
    private EngineOutbox outbox;
    private CapabilityDesk desk;

    /**
     * @param topics names the producer topics a refused offer or report came from, and serializes them back
     */
    CapabilityEngine(TopologySettings settings, Clock clock, EngineEvents events, Topics topics) {
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.topics = topics;
    }

    @Override
    public void init(ProcessorContext<String, EngineOutput> context) {
        this.books = new StoreBooks(context, settings.scorecardWindow());
        this.outbox = new EngineOutbox(context, clock, topics);
        this.desk = new CapabilityDesk(settings, events, books, outbox);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, t -> {
            desk.tick(clock.instant());
            outbox.flush();
        });
        context.schedule(settings.scorecardInterval(), PunctuationType.WALL_CLOCK_TIME, t -> desk.publishScores(clock.instant()));
        context.schedule(SCORE_FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> books.flushScores());
    }

    @Override
    public void process(Record<String, CapabilityEvent> record) {
        String capability = record.key();
        Instant now = clock.instant();
        Object event = record.value().getEvent();
        if (event instanceof OfferChange change) {
            desk.offer(capability, change, now);
        } else if (event instanceof SubmitRequest submit) {
            desk.submit(capability, submit, now);
        } else if (event instanceof CancelCommand cancel) {
            desk.cancel(capability, cancel, now);
        } else if (event instanceof FulfilmentEvent report) {
            desk.fulfilment(capability, report, now);
        }
        outbox.flush();
    }

    /** Writes the scorecard events since the last flush: a task is closed before its last commit. */
    @Override
    public void close() {
        if (books != null) {
            books.flushScores();
        }
    }
}
