package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.IndexForget;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The index entries of requests kept here that another task's intake holds. A command read on a
 * partition other than its capability's leaves an entry in that task's {@code request-index}
 * ({@link RequestIntake}), so that the request's later commands there find its capability; the
 * submit reaches the request's owner over capability-events, marked with that task's partition
 * ({@link #INTAKE_PARTITION_HEADER}, which only the intake writes there). The owner remembers the
 * partition with the request, and when it deletes the request (a finished one past its retention)
 * sends that task an {@link IndexForget} over capability-events, whose engine then
 * deletes the entry ({@link #forget}). Without this, entries would outlive their requests for good.
 */
final class IntakeEntries {

    /** On a submit passing capability-events: the partition whose intake keeps its index entry. */
    static final String INTAKE_PARTITION_HEADER = "capmarket.intake.partition";

    private final ProcessorContext<String, EngineOutput> context;
    private final String capabilityEvents;
    /** requestId -> the partitions (comma-separated) whose intake holds an entry of it. */
    private final KeyValueStore<String, String> entries;
    private final KeyValueStore<String, String> index;

    /** @param capabilityEvents the name of the capability-events topic, the only source the mark is read from */
    IntakeEntries(ProcessorContext<String, EngineOutput> context, String capabilityEvents) {
        this.context = context;
        this.capabilityEvents = capabilityEvents;
        this.entries = context.getStateStore(TopologyNames.INTAKE_ENTRY_STORE);
        this.index = context.getStateStore(TopologyNames.REQUEST_INDEX_STORE);
    }

    /**
     * Marks {@code record}, a submit this task's intake routes to another task with an index entry
     * kept here, with this task's partition; a mark the writer put on its own record is dropped.
     */
    static Headers marked(Headers read, int partition) {
        Headers headers = new RecordHeaders(read.toArray());
        headers.remove(INTAKE_PARTITION_HEADER);
        headers.add(INTAKE_PARTITION_HEADER, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /**
     * A submit of {@code requestId} was just decided here, and the request is kept (as every submit
     * leaves it, a duplicate included): when the submit came over capability-events with an intake's
     * mark, that intake's entry is remembered with the request.
     */
    void submitted(Record<String, CapabilityEvent> record, String requestId) {
        Optional<Integer> partition = markOf(record);
        if (partition.isEmpty()) {
            return;
        }
        TreeSet<Integer> held = partitions(entries.get(requestId));
        if (held.add(partition.get())) {
            entries.put(requestId, join(held));
        }
    }

    /**
     * A submit of {@code requestId} failed here and was undone, and the request is not kept: when
     * the submit came with an intake's mark, that intake is told to forget its entry, so that the
     * submit sent again is taken as the new request it is, not as a duplicate.
     */
    void undone(Record<String, CapabilityEvent> record, String requestId) {
        markOf(record).ifPresent(partition -> send(requestId, partition));
    }

    /** The request is deleted here: every intake holding an entry of it is told to forget it. */
    void deleted(String requestId) {
        String held = entries.get(requestId);
        if (held == null) {
            return;
        }
        partitions(held).forEach(partition -> send(requestId, partition));
        entries.delete(requestId);
    }

    /** An index entry of this task's intake to forget. */
    void forget(IndexForget forget) {
        index.delete(forget.getRequestId());
    }

    private void send(String requestId, int partition) {
        context.forward(new Record<>(requestId, new EngineOutput.Forget(new IndexForget(requestId, partition)),
                context.currentSystemTimeMs()));
    }

    private Optional<Integer> markOf(Record<String, CapabilityEvent> record) {
        Optional<RecordMetadata> metadata = context.recordMetadata();
        Header mark = record.headers().lastHeader(INTAKE_PARTITION_HEADER);
        if (mark == null || metadata.isEmpty() || !capabilityEvents.equals(metadata.get().topic())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(new String(mark.value(), StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static TreeSet<Integer> partitions(String held) {
        TreeSet<Integer> partitions = new TreeSet<>();
        if (held != null && !held.isEmpty()) {
            Arrays.stream(held.split(",")).map(Integer::parseInt).forEach(partitions::add);
        }
        return partitions;
    }

    private static String join(TreeSet<Integer> partitions) {
        return String.join(",", partitions.stream().map(String::valueOf).toList());
    }
}
