package io.capmarket.topology.internal;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.tracing.RecordTracing;
import io.capmarket.topology.core.DeskOutbox;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The desk's outbox over the engine's processor context. Everything is held until {@link #flush},
 * at the end of a step (one input, or one punctuation), so that a step that fails publishes
 * nothing ({@link #discard}). Of the statuses only the last of each request is forwarded: it
 * carries every transition of the step in its history, so a step writes one status record per
 * request it changed.
 */
final class EngineOutbox implements DeskOutbox {

    private final ProcessorContext<String, EngineOutput> context;
    private final Clock clock;
    private final Topics topics;
    private final Serializer<FulfilmentEvent> fulfilmentSerializer;
    private final Serializer<CapabilityOffer> offerSerializer;
    private final Map<String, RequestStatus> statuses = new LinkedHashMap<>();
    /** Everything but statuses, in the order the step made it. */
    private final List<Record<String, EngineOutput>> held = new ArrayList<>();
    private final IntakeEntries intakeEntries;
    private String tracedRequest;
    private Context tracedContext;

    /**
     * @param topics names the producer topics a refused offer or report came from, and serializes them back
     * @param intakeEntries the index entries other tasks hold of the requests kept here, forgotten with them
     */
    EngineOutbox(ProcessorContext<String, EngineOutput> context, Clock clock, Topics topics, IntakeEntries intakeEntries) {
        this.context = context;
        this.intakeEntries = intakeEntries;
        this.clock = clock;
        this.topics = topics;
        this.fulfilmentSerializer = topics.everyProducersFulfilment().valueSerde().serializer();
        this.offerSerializer = topics.everyProducersOffers().valueSerde().serializer();
    }

    /**
     * Records about {@code requestId} carry {@code trace} from now on (the span of the event being
     * processed); records about other requests carry the trace their submit began. Null clears it.
     */
    void trace(String requestId, Context trace) {
        this.tracedRequest = requestId;
        this.tracedContext = trace;
    }

    /** Forwards what the step made: its records in their order, then the last status of every request it changed. */
    void flush() {
        for (Record<String, EngineOutput> record : held) {
            context.forward(record);
        }
        held.clear();
        for (RequestStatus status : statuses.values()) {
            context.forward(new Record<>(status.getRequestId(), new EngineOutput.Status(status),
                    status.getUpdatedAt().toEpochMilli(), traceHeaders(status.getRequestId(), status)));
        }
        statuses.clear();
    }

    /**
     * Drops what a step held when the step failed: its record goes to the dead letters, and nothing
     * it made (statuses, assignments, catalog entries, refusals) is published, with the next step's or
     * at all.
     */
    void discard() {
        statuses.clear();
        held.clear();
    }

    private Headers traceHeaders(String requestId, RequestStatus status) {
        Headers headers = new RecordHeaders();
        if (requestId.equals(tracedRequest)) {
            RecordTracing.inject(tracedContext, headers);
        } else if (status != null) {
            RecordTracing.inject(RecordTracing.fromTraceParent(status.getTraceParent()), headers);
        }
        return headers;
    }

    @Override
    public void status(RequestStatus status) {
        statuses.put(status.getRequestId(), status);
    }

    /** A deleted request gets no status in the same step; an intake's index entry of it goes too. */
    @Override
    public void deleted(String requestId) {
        statuses.remove(requestId);
        held.add(new Record<>(requestId, new EngineOutput.Status(null), clock.millis(), new RecordHeaders()));
        intakeEntries.deleted(requestId);
    }

    @Override
    public void assignment(Assignment assignment) {
        String requestId = assignment.getRequestId();
        held.add(new Record<>(requestId, new EngineOutput.Instruction(assignment), assignment.getAssignedAt().toEpochMilli(),
                traceHeaders(requestId, statuses.get(requestId))));
    }

    @Override
    public void catalog(String capability, CapabilityView view) {
        held.add(new Record<>(capability, new EngineOutput.Catalog(view), clock.millis()));
    }

    @Override
    public void scorecard(CapabilityScore score) {
        held.add(new Record<>(score.getCapability(), new EngineOutput.Score(score), score.getAt().toEpochMilli()));
    }

    @Override
    public void usage(TeamUsage usage) {
        held.add(new Record<>(Topics.quotaKey(usage.getTeam(), usage.getCapability()), new EngineOutput.Usage(usage),
                usage.getAt().toEpochMilli()));
    }

    /** Its source is the fulfilment topic of the producer it names, which intake checked it came from. */
    @Override
    public void refusedReport(FulfilmentEvent report, String reason) {
        String topic = topics.fulfilment(report.getProducerId()).name();
        refuse(report.getRequestId(), fulfilmentSerializer.serialize(topic, report), topic, reason);
    }

    /** A withdrawal is dead-lettered with no value, as it came. */
    @Override
    public void refusedOffer(String offerId, CapabilityOffer offer, String producerId, String reason) {
        String topic = topics.offers(producerId).name();
        refuse(offerId, offer == null ? null : offerSerializer.serialize(topic, offer), topic, reason);
    }

    private void refuse(String key, byte[] value, String topic, String reason) {
        DeadLetter letter = DeadLetter.of(key.getBytes(StandardCharsets.UTF_8), value, topic, -1, -1L, reason, clock.instant());
        held.add(new Record<String, EngineOutput>(key, new EngineOutput.Refused(letter), clock.millis(), letter.headers()));
    }
}
