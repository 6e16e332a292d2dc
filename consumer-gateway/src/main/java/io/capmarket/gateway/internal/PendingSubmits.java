package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submissions the starting tasks of the views hold as accepted: those on {@code requests} that
 * the topology has not taken yet (past its group's committed position, at most
 * {@link AcceptedRequests#MAX_AGE} old), whose request id lives in one of the tasks' partitions.
 * The tasks of one start read each record once: a load reads for every task started and not
 * loaded yet, and keeps what it read for the loads that follow it within {@link #REUSE_FOR}, which
 * read on from where it stopped ({@link Tail}). A request
 * answered {@code 202} by an instance that has since stopped (or whose partition moved) is then
 * readable on the instance that owns it now, and its {@code Idempotency-Key} still answers
 * {@code 200} or {@code 409}, until the topology's first status of it reaches the store, as it
 * was on the instance that accepted it. When the task closes here, what it held is left to the
 * next owner ({@link #unload}).
 *
 * <p>One read_committed consumer in no group: it reads the topology's group's committed positions
 * (never joins the group or commits), from one thread at a time; each load ends within
 * {@code timeout}. A record that cannot be decoded is skipped (the topology sends it to the
 * dead-letter topic). {@link #expire} never waits for a load: the gateway's one timer thread
 * runs it, and a load may wait on Kafka for as long as its timeout.
 */
public final class PendingSubmits implements LocalViews.Preload, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingSubmits.class);
    /** How long after a full read the next loads read on from where it stopped. */
    static final Duration REUSE_FOR = Duration.ofSeconds(30);
    /** The most submits kept between loads; beyond it each load reads in full. */
    static final int MAX_KEPT = AcceptedRequests.MAX_HELD;

    private final Topic<String, RequestCommand> requests;
    private final String statusTopic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Duration timeout;
    private final AcceptedRequests accepted;
    private final Clock clock;
    private final Deserializer<RequestCommand> commands;
    private Consumer<byte[], byte[]> consumer;
    /**
     * What the loads of the tasks starting now have read; null before the first and after an overflow or failure. A load
     * works on its own reference and sets it when done; {@link #expire} swaps it out without the loads' monitor.
     */
    private final AtomicReference<Tail> kept = new AtomicReference<>();
    private final AtomicLong recordsRead = new AtomicLong();

    /**
     * @param statusTopic {@code request-status}, whose partitioning (Kafka's, by request id) the views share
     * @param topologyGroup the topology's group (its {@code application.id}), whose committed positions are read
     * @param clientConfig the gateway's Kafka connection settings
     * @param timeout how long one load may take
     */
    public PendingSubmits(Topic<String, RequestCommand> requests, String statusTopic, String topologyGroup,
            Map<String, Object> clientConfig, Duration timeout, AcceptedRequests accepted, Clock clock) {
        this(requests, statusTopic, timeout, accepted, clock, () -> new KafkaConsumer<>(
                StatusTail.observing(topologyGroup, "capmarket-gateway-pending-submits", clientConfig),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    /** @param consumers makes the one consumer, at the first load */
    PendingSubmits(Topic<String, RequestCommand> requests, String statusTopic, Duration timeout, AcceptedRequests accepted,
            Clock clock, Supplier<Consumer<byte[], byte[]>> consumers) {
        this.requests = requests;
        this.statusTopic = statusTopic;
        this.consumers = consumers;
        this.timeout = timeout;
        this.accepted = accepted;
        this.clock = clock;
        this.commands = requests.valueSerde().deserializer();
    }

    @Override
    public synchronized void load(Map<Integer, LocalViews.View> partitions) {
        if (consumer == null) {
            consumer = consumers.get();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int statusPartitions = consumer.partitionsFor(statusTopic, timeout).size();
        List<TopicPartition> parts = consumer.partitionsFor(requests.name(), timeout).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        Map<TopicPartition, Long> ends = consumer.endOffsets(parts, timeout);
        Tail last = kept.get();
        Tail tail = last != null && last.reusable(parts, System.nanoTime()) ? last : new Tail(starts(parts, ends), System.nanoTime());
        List<TopicPartition> behind = parts.stream().filter(tp -> tail.next(tp) < ends.get(tp)).toList();
        long unread = behind.stream().mapToLong(tp -> ends.get(tp) - tail.next(tp)).sum();
        if (unread > 0) {
            LOG.info("reading back {} records of requests the topology may not have taken yet, for partitions {} of the request "
                    + "views", unread, new TreeSet<>(partitions.keySet()));
        }
        try {
            consumer.assign(behind);
            behind.forEach(tp -> consumer.seek(tp, tail.next(tp)));
            while (behind.stream().anyMatch(tp -> consumer.position(tp, timeout) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the submits the topology has not taken yet took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        recordsRead.incrementAndGet();
                        read(record, statusPartitions, tail);
                    }
                }
            }
        } catch (RuntimeException e) {
            // what was kept stops somewhere short of the ends: the next load reads in full
            kept.set(null);
            throw e;
        } finally {
            consumer.assign(List.of());
        }
        behind.forEach(tp -> tail.readTo(tp, ends.get(tp)));
        partitions.forEach((partition, view) -> hold(partition, view, tail.submits(partition)));
        kept.set(tail.overflowed() ? null : tail);
    }

    /** Holds a starting partition's submits read back, then releases those whose status its store has already. */
    private void hold(int partition, LocalViews.View view, List<Submit> submits) {
        long now = clock.millis();
        for (Submit submit : submits) {
            accepted.holdPending(submit.status(), partition, Duration.ofMillis(Math.max(0, now - submit.writtenAtMillis())));
        }
        // held first, then looked up: a status stored meanwhile has released it (AcceptedRequests#stored), one stored
        // before is found; so is one this instance held before the task started again
        int holding = 0;
        try {
            for (String id : accepted.heldOf(partition)) {
                if (view.get(id).isPresent()) {
                    accepted.stored(id);
                } else {
                    holding++;
                }
            }
        } catch (InvalidStateStoreException e) {
            // the task closed meanwhile: what it held is unloaded (LocalViews)
            return;
        }
        if (holding > 0) {
            LOG.info("partition {} of the request views holds {} submits the topology has not taken yet", partition, holding);
        }
    }

    /** Drops what the last loads kept once no load may read on from it any more (run now and then: it can be large). */
    public void expire() {
        long now = System.nanoTime();
        kept.updateAndGet(tail -> tail == null || tail.expired(now) ? null : tail);
    }

    /** Where each partition's untaken submits begin: past the topology's committed position, and no older than the hold. */
    private Map<TopicPartition, Long> starts(List<TopicPartition> parts, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(parts), timeout);
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(parts, timeout);
        long oldest = clock.millis() - AcceptedRequests.MAX_AGE.toMillis();
        Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(
                parts.stream().collect(Collectors.toMap(tp -> tp, tp -> oldest)), timeout);
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (TopicPartition tp : parts) {
            OffsetAndMetadata position = committed.get(tp);
            OffsetAndTimestamp recent = byTime.get(tp);
            long start = Math.max(beginnings.get(tp), position == null ? 0 : position.offset());
            starts.put(tp, Math.max(start, recent == null ? ends.get(tp) : recent.offset()));
        }
        return starts;
    }

    /** Keeps a submit read, under the partition of the views its request id lives in. */
    private void read(ConsumerRecord<byte[], byte[]> record, int statusPartitions, Tail tail) {
        if (record.key() == null) {
            return;
        }
        RequestCommand command;
        try {
            command = commands.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            LOG.debug("skipped an undecodable record at {} of {}-{}: {}", record.offset(), record.topic(), record.partition(),
                    e.toString());
            return;
        }
        if (command != null && command.getCommand() instanceof SubmitRequest submit
                && submit.getRequestId().equals(new String(record.key(), StandardCharsets.UTF_8))) {
            tail.keep(Utils.toPositive(Utils.murmur2(record.key())) % statusPartitions,
                    new Submit(RequestViews.submitted(submit), record.timestamp()));
        }
    }

    /** A submit read back, with when it was written. */
    private record Submit(RequestStatus status, long writtenAtMillis) {
    }

    /**
     * The submits read since a full read from where the topology's position was, by partition of
     * the views, and where the reading has got to on each partition of {@code requests}. A load
     * within {@link PendingSubmits#REUSE_FOR} of the full read takes its partitions' submits from here and reads
     * on from where the last load stopped: the tasks of one start read each record once. Past
     * {@link PendingSubmits#MAX_KEPT} submits, it is dropped after the load, and the next load reads in full.
     */
    private static final class Tail {

        private final Map<TopicPartition, Long> next;
        private final long readSinceNanos;
        private final Map<Integer, List<Submit>> submits = new HashMap<>();
        private int kept;

        private Tail(Map<TopicPartition, Long> starts, long nowNanos) {
            this.next = new HashMap<>(starts);
            this.readSinceNanos = nowNanos;
        }

        /** Whether a load may read on from here: the same partitions, soon after the full read. */
        boolean reusable(Collection<TopicPartition> parts, long nowNanos) {
            return next.keySet().equals(Set.copyOf(parts)) && !expired(nowNanos);
        }

        /** Whether no load may read on from here any more; reads nothing a load changes. */
        boolean expired(long nowNanos) {
            return nowNanos - readSinceNanos >= REUSE_FOR.toNanos();
        }

        long next(TopicPartition tp) {
            return next.get(tp);
        }

        void readTo(TopicPartition tp, long offset) {
            next.put(tp, offset);
        }

        void keep(int partition, Submit submit) {
            kept++;
            if (kept <= MAX_KEPT) {
                submits.computeIfAbsent(partition, p -> new ArrayList<>()).add(submit);
            }
        }

        List<Submit> submits(int partition) {
            return submits.getOrDefault(partition, List.of());
        }

        boolean overflowed() {
            return kept > MAX_KEPT;
        }
    }

    /** How many records of {@code requests} the loads have read (each record once while their tail is reused). */
    public long recordsRead() {
        return recordsRead.get();
    }

    /** The task of {@code partition} closed here: the submits held of it are the next owner's to hold ({@link AcceptedRequests#forget}). */
    @Override
    public void unload(int partition) {
        int forgotten = accepted.forget(partition);
        if (forgotten > 0) {
            LOG.info("partition {} of the request views closed here: this instance no longer holds its {} submits the topology "
                    + "has not taken yet (the partition's next task reads them back)", partition, forgotten);
        }
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
