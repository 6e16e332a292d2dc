package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.registry.SchemaRegistryException;
import io.capmarket.schemas.registry.SchemaRegistryNotFoundException;
import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.sdk.ProducerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The consumer loop's routing of FULFIL, UPDATE, DEPROVISION and CANCEL, over a mock consumer and handlers the test settles. */
class AssignmentLoopTest {

    private static final String TOPIC = "capmarket.producer.db-team.assignments";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final TopicPartition OTHER = new TopicPartition(TOPIC, 1);
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A report as the fulfilment topic would get it. */
    record Sent(AssignmentRef ref, FulfilmentKind kind, String message) {
    }

    /** Every offset committed, by partition: the mock answers 0 for a partition it does not hold. */
    private final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
        /** The loop's listener: the mock's unsubscribe tells it nothing, where Kafka's revokes what it held. */
        private ConsumerRebalanceListener listener;

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            offsets.forEach((partition, offset) -> commits.put(partition, offset.offset()));
        }

        @Override
        public synchronized void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
            this.listener = listener;
            super.subscribe(topics, listener);
        }

        @Override
        public synchronized void unsubscribe() {
            if (listener != null && !assignment().isEmpty()) {
                listener.onPartitionsRevoked(assignment());
            }
            super.unsubscribe();
        }
    };
    private final List<io.capmarket.schemas.Assignment> written = new CopyOnWriteArrayList<>();
    /** Every assignment record written, as the partitions hold them. */
    private final List<ConsumerRecord<String, byte[]>> made = new CopyOnWriteArrayList<>();
    /** Records that are poison, by offset: reading them throws this. */
    private final Map<Integer, RuntimeException> poison = new ConcurrentHashMap<>();
    /** Thrown by every read while set: the schema registry in trouble, or an {@link Error}. */
    private volatile Throwable readTrouble;
    private final AtomicInteger reads = new AtomicInteger();
    private final Deserializer<io.capmarket.schemas.Assignment> byIndex = (topic, bytes) -> {
        reads.incrementAndGet();
        if (readTrouble instanceof RuntimeException e) {
            throw e;
        }
        if (readTrouble instanceof Error e) {
            throw e;
        }
        if (poison.containsKey((int) bytes[0])) {
            throw poison.get((int) bytes[0]);
        }
        return written.get(bytes[0]);
    };
    /** The loop's ticker for its read back-off, moved by the test. */
    private final AtomicLong nanos = new AtomicLong();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    /** Requests whose reports cannot be published at all, as after a lost authorization. */
    private final java.util.Set<String> unpublishable = ConcurrentHashMap.newKeySet();
    private final ReportSink sink = (ref, kind, message, outputs, retryable, mustNotLose) -> {
        if (unpublishable.contains(ref.requestId())) {
            throw new IllegalStateException("not authorized to write the fulfilment topic");
        }
        sent.add(new Sent(ref, kind, message));
    };
    private final Slots slots = new Slots(1);
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ExecutorService cancels = Executors.newSingleThreadExecutor();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> skipped = new CopyOnWriteArrayList<>();
    private final List<String> handedOver = new CopyOnWriteArrayList<>();
    /** {@code requestId running|waiting} for each cancel the listener is told of. */
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    /** How long a revocation waits for running work of its partitions; a test sets it before {@link #start}. */
    private Duration rebalanceDrain = Duration.ofMinutes(1);
    /** The handlers' time bound; a test sets it before {@link #start}. */
    private HandlerTimeouts timeouts = HandlerTimeouts.NONE;
    private final ProducerListener listener = new ProducerListener() {
        @Override
        public void assignmentReceived(Assignment assignment) {
            received.add("fulfil " + assignment.requestId());
        }

        @Override
        public void operationReceived(Assignment assignment) {
            received.add(assignment.action().name().toLowerCase() + " " + assignment.requestId() + "#" + assignment.revision());
        }

        @Override
        public void assignmentSkipped(String topic, int partition, long offset, String reason) {
            skipped.add(topic + "-" + partition + "@" + offset + ": " + reason);
        }

        @Override
        public void assignmentHandedOver(Assignment assignment) {
            handedOver.add(assignment.requestId());
        }

        @Override
        public void assignmentCancelled(Assignment assignment, boolean wasRunning) {
            cancelled.add(assignment.requestId() + (wasRunning ? " running" : " waiting"));
        }
    };
    private AssignmentLoop loop;

    /**
     * A handler whose every call waits until the test completes the stage it returned, named
     * {@code action requestId#revision}, followed by {@code /attempt} from the second attempt on.
     */
    private final class Held implements AsyncAssignmentHandler {

        /** Requests whose id starts with this are fulfilled at once, without waiting for the test. */
        static final String AT_ONCE = "r-now-";

        final Map<String, CompletableFuture<Void>> stages = new ConcurrentHashMap<>();
        final Map<String, FulfilmentContext> contexts = new ConcurrentHashMap<>();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        private static String name(String action, FulfilmentContext context) {
            return action + " " + context.requestId() + "#" + context.revision() + (context.attempt() == 1 ? "" : "/" + context.attempt());
        }

        private CompletionStage<?> hold(String action, FulfilmentContext context) {
            String name = name(action, context);
            calls.add(name);
            contexts.put(name, context);
            if (context.requestId().startsWith(AT_ONCE)) {
                context.fulfil(Map.of());
                return CompletableFuture.completedFuture(null);
            }
            return stages.computeIfAbsent(name, n -> new CompletableFuture<>());
        }

        @Override
        public CompletionStage<?> onAssignment(Assignment assignment, FulfilmentContext context) {
            return hold("fulfil", context);
        }

        @Override
        public CompletionStage<?> onUpdate(Assignment assignment, FulfilmentContext context) {
            return hold("update", context);
        }

        @Override
        public CompletionStage<?> onDeprovision(Assignment assignment, FulfilmentContext context) {
            return hold("deprovision", context);
        }

        @Override
        public void onCancel(Assignment assignment, FulfilmentContext context) {
            calls.add(name("cancel", context));
        }

        /** Reports {@code fulfil(Map.of())} for a call and completes its stage. */
        void finish(String name) {
            await().atMost(WAIT).until(() -> contexts.containsKey(name));
            contexts.get(name).fulfil(Map.of());
            stages.get(name).complete(null);
        }
    }

    private void start(AsyncAssignmentHandler handler) {
        start(handler, List.of(PARTITION));
    }

    /** Starts the loop, the group giving it {@code partitions}. */
    private void start(AsyncAssignmentHandler handler, List<TopicPartition> partitions) {
        loop = new AssignmentLoop(consumer, TOPIC, byIndex, new OwnTopics("db-team", List.of(TOPIC),
                names -> Map.of(TOPIC, OwnTopics.State.EXISTS)), "db-team", slots, workers, cancels, handler,
                assignment -> new ReportingContext(assignment, sink), true, Clock.fixed(NOW, ZoneOffset.UTC), listener, rebalanceDrain,
                timeouts,
                nanos::get);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(partitions);
            consumer.updateBeginningOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> 0L)));
        });
        Thread thread = new Thread(loop, "assignment-loop-test");
        thread.setDaemon(true);
        thread.start();
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.stop(Duration.ZERO);
        }
        workers.shutdownNow();
        cancels.shutdownNow();
        timeouts.close();
    }

    /** One assignment record to write. */
    record Spec(AssignmentAction action, String requestId, int attempt, int revision) {
    }

    /** Writes an assignment to the partition, read at one of the loop's next polls. */
    private void write(AssignmentAction action, String requestId, int attempt, int revision) {
        write(new Spec(action, requestId, attempt, revision));
    }

    /** Writes assignments to the partition, all read at the same poll. */
    private void write(Spec... specs) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        synchronized (written) {
            for (Spec spec : specs) {
                records.add(record(PARTITION, written.size(), spec));
            }
        }
        consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
    }

    /** Writes assignments from {@code offset} on of a partition, all read at the same poll, apart from the offsets {@link #write} uses. */
    private void writeAt(TopicPartition partition, long offset, Spec... specs) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        synchronized (written) {
            for (int i = 0; i < specs.length; i++) {
                records.add(record(partition, offset + i, specs[i]));
            }
        }
        consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
    }

    /** FULFILs of requests {@code prefix + i}, {@code i} from {@code from} to {@code to} (exclusive). */
    private static Spec[] fulfils(String prefix, int from, int to) {
        return java.util.stream.IntStream.range(from, to).mapToObj(i -> new Spec(AssignmentAction.FULFIL, prefix + i, 1, 0))
                .toArray(Spec[]::new);
    }

    /** The record of a new assignment at {@code offset}; its bytes are its index among those written. */
    private ConsumerRecord<String, byte[]> record(TopicPartition partition, long offset, Spec spec) {
        boolean update = spec.action() == AssignmentAction.UPDATE;
        int index = written.size();
        written.add(io.capmarket.schemas.Assignment.newBuilder().setRequestId(spec.requestId())
                .setAction(spec.action()).setOfferId("pg-1").setProducerId("db-team").setCapability("postgres-database")
                .setCapabilityVersion(1).setConsumerTeam("app-team").setAttempt(spec.attempt())
                .setParameters(update ? "{\"size\":\"large\"}" : "{\"size\":\"small\"}")
                .setPreviousParameters(update ? "{\"size\":\"small\"}" : null).setAssignedAt(NOW)
                .setAcceptDeadline(NOW.plusSeconds(30)).setLeadTimeSloMs(60_000).setRevision(spec.revision()).build());
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(partition.topic(), partition.partition(), offset, spec.requestId(),
                new byte[] {(byte) index});
        made.add(record);
        return record;
    }

    /** Writes a record that cannot be read for {@code why}. */
    private void writePoison(RuntimeException why) {
        synchronized (written) {
            int index = written.size();
            written.add(null);
            poison.put(index, why);
            consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, index, "r-?", new byte[] {(byte) index})));
        }
    }

    /** The records of a partition from {@code offset} on come again, as the broker sends them after the loop seeked back. */
    private void redeliver(TopicPartition partition, long offset) {
        List<ConsumerRecord<String, byte[]>> again = made.stream()
                .filter(r -> r.partition() == partition.partition() && r.offset() >= offset).toList();
        consumer.schedulePollTask(() -> again.forEach(consumer::addRecord));
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    private List<Sent> sentFor(String requestId) {
        return sent.stream().filter(s -> s.ref().requestId().equals(requestId)).toList();
    }

    @Test
    void eachActionReachesItsHandlerMethodAndTheReportsCarryItsRevision() {
        Held handler = new Held();
        start(handler);

        write(AssignmentAction.FULFIL, "r-1", 1, 0);
        write(AssignmentAction.UPDATE, "r-2", 1, 1);
        write(AssignmentAction.DEPROVISION, "r-3", 2, 4);
        handler.finish("fulfil r-1#0");
        handler.finish("update r-2#1");
        handler.finish("deprovision r-3#4/2");

        await().atMost(WAIT).until(() -> sent.size() == 4);
        assertThat(handler.calls).containsExactlyInAnyOrder("fulfil r-1#0", "update r-2#1", "deprovision r-3#4/2");
        assertThat(received).containsExactly("fulfil r-1", "update r-2#1", "deprovision r-3#4");
        // auto-accept applies to the provisioning only
        assertThat(sentFor("r-1")).extracting(Sent::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
        assertThat(sentFor("r-1")).allSatisfy(s -> assertThat(s.ref().revision()).isZero());
        assertThat(sentFor("r-2")).containsExactly(new Sent(new AssignmentRef("r-2", 1, "pg-1", "postgres-database", 1),
                FulfilmentKind.FULFILLED, null));
        assertThat(sentFor("r-3")).containsExactly(new Sent(new AssignmentRef("r-3", 2, "pg-1", "postgres-database", 4),
                FulfilmentKind.FULFILLED, null));
        await().atMost(WAIT).until(() -> consumer.committed(java.util.Set.of(PARTITION)).get(PARTITION) != null
                && consumer.committed(java.util.Set.of(PARTITION)).get(PARTITION).offset() == 3);
    }

    @Test
    void workDeliveredAgainWhileItRunsIsCommittedOnlyOnceItsOutcomeIsPublished() {
        rebalanceDrain = Duration.ZERO;
        Held handler = new Held();
        start(handler);
        write(AssignmentAction.FULFIL, "r-1", 1, 0);
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-1#0"));

        // the group takes the partition away, handing the work over at once, and gives it back: its record, not committed, comes again
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of());
            consumer.rebalance(List.of(PARTITION));
            consumer.seek(PARTITION, 0);
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "r-1", new byte[] {0}));
        });
        await().atMost(WAIT).until(() -> consumer.position(PARTITION) == 1);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> committed() == null);
        assertThat(handler.calls).as("not handed to the handler a second time").containsExactly("fulfil r-1#0");
        assertThat(handedOver).containsExactly("r-1");

        handler.finish("fulfil r-1#0");

        await().atMost(WAIT).until(() -> Long.valueOf(1).equals(committed()));
    }

    @Test
    void aConsumerThatFailsForGoodIsToldApartFromOneStopped() {
        start(new Held());
        write(AssignmentAction.FULFIL, "r-1", 1, 0);
        await().atMost(WAIT).until(() -> received.contains("fulfil r-1"));
        assertThat(loop.failed()).isFalse();

        consumer.setPollException(new org.apache.kafka.common.errors.FencedInstanceIdException("another process took instance 1"));

        await().atMost(WAIT).until(loop::failed);
    }

    @Test
    void anOutcomeThatCannotBePublishedAtAllTakesTheProcessOutOfMatching() {
        unpublishable.add("r-lost");
        start(HandlerRun.async((assignment, context) -> context.fulfil(Map.of())));
        write(AssignmentAction.FULFIL, "r-lost", 1, 0);

        await().atMost(WAIT).until(loop::failed);
        assertThat(committed()).as("nothing past it").isNull();
    }

    /** The partition's committed offset, or null while none is. */
    private Long committed() {
        var offset = consumer.committed(java.util.Set.of(PARTITION)).get(PARTITION);
        return offset == null ? null : offset.offset();
    }

    @Test
    void aHandlerWithoutUpdateOrDeprovisionRejectsThemAsNotSupported() {
        AssignmentHandler onlyFulfils = (assignment, context) -> context.fulfil(Map.of());
        start(HandlerRun.async(onlyFulfils));

        write(AssignmentAction.UPDATE, "r-1", 1, 1);
        write(AssignmentAction.DEPROVISION, "r-2", 1, 2);

        await().atMost(WAIT).until(() -> sent.size() == 2);
        assertThat(sentFor("r-1")).containsExactly(new Sent(new AssignmentRef("r-1", 1, "pg-1", "postgres-database", 1),
                FulfilmentKind.REJECTED, AssignmentHandler.UPDATE_NOT_SUPPORTED));
        assertThat(sentFor("r-2")).containsExactly(new Sent(new AssignmentRef("r-2", 1, "pg-1", "postgres-database", 2),
                FulfilmentKind.REJECTED, "deprovision not supported by this producer"));
    }

    @Test
    void aCancelStopsTheRunningWorkOnlyWhenAttemptAndRevisionMatch() {
        Held handler = new Held();
        start(handler);
        write(AssignmentAction.UPDATE, "r-1", 1, 3);
        await().atMost(WAIT).until(() -> handler.calls.contains("update r-1#3"));

        write(AssignmentAction.CANCEL, "r-1", 1, 2); // an earlier update's cancel: not this one
        write(AssignmentAction.CANCEL, "r-1", 2, 3); // another attempt
        write(AssignmentAction.FULFIL, "r-9", 1, 0); // read after both cancels
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-9#0"));
        assertThat(handler.contexts.get("update r-1#3").cancelled()).isFalse();

        write(AssignmentAction.CANCEL, "r-1", 1, 3);
        await().atMost(WAIT).until(() -> handler.calls.contains("cancel r-1#3"));
        assertThat(handler.contexts.get("update r-1#3").cancelled()).isTrue();
    }

    @Test
    void theSameOperationDeliveredAgainWhileItRunsIsSkippedAndANewerOneWaitsForIt() {
        Held handler = new Held();
        start(handler);
        write(AssignmentAction.UPDATE, "r-1", 1, 1);
        await().atMost(WAIT).until(() -> handler.calls.contains("update r-1#1"));

        write(AssignmentAction.UPDATE, "r-1", 1, 1); // the topology sent it again
        write(AssignmentAction.DEPROVISION, "r-1", 1, 2); // the consumer gave the resource back meanwhile
        await().atMost(WAIT).until(() -> handler.calls.contains("cancel r-1#1"));
        assertThat(handler.calls).containsExactly("update r-1#1", "cancel r-1#1");
        assertThat(handler.contexts.get("update r-1#1").cancelled()).isTrue();

        handler.stages.get("update r-1#1").complete(null); // the cancelled update stops without an outcome
        handler.finish("deprovision r-1#2");

        await().atMost(WAIT).until(() -> sentFor("r-1").stream().anyMatch(s -> s.ref().revision() == 2));
        assertThat(handler.calls).containsExactly("update r-1#1", "cancel r-1#1", "deprovision r-1#2");
        assertThat(received).containsExactly("update r-1#1", "deprovision r-1#2");
    }

    /** Starts the loop with {@code capacity} slots for pg-1 and a held handler, and waits until r-1's provisioning runs. */
    private Held startWithFirstRunning(int capacity) {
        slots.capacity("pg-1", capacity);
        Held handler = new Held();
        start(handler);
        write(AssignmentAction.FULFIL, "r-1", 1, 0);
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-1#0"));
        return handler;
    }

    @Test
    void operationsDoNotWaitForProvisioningSlotsNorCountAgainstThem() {
        Held handler = startWithFirstRunning(1);
        write(new Spec(AssignmentAction.FULFIL, "r-2", 1, 0), // waits for r-1's slot
                new Spec(AssignmentAction.UPDATE, "r-3", 1, 1),
                new Spec(AssignmentAction.DEPROVISION, "r-4", 1, 1)); // the offer's one operation slot is r-3's

        await().atMost(WAIT).until(() -> handler.calls.contains("update r-3#1"));
        assertThat(slots.inFlight()).isEqualTo(1);
        assertThat(handler.calls).containsExactly("fulfil r-1#0", "update r-3#1");

        handler.finish("update r-3#1");
        await().atMost(WAIT).until(() -> handler.calls.contains("deprovision r-4#1"));
        assertThat(handler.calls).doesNotContain("fulfil r-2#0");

        handler.finish("fulfil r-1#0");
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-2#0"));
    }

    @Test
    void poisonRecordsAreSkippedCountedAndCommittedPast() {
        start(HandlerRun.async((assignment, context) -> context.fulfil(Map.of())));
        writePoison(new AvroDeserializationException(TOPIC, "cannot decode 3 bytes written with schema id 1", null));
        writePoison(new AvroDeserializationException(TOPIC, "schema id 7 is not in the registry",
                new SchemaRegistryNotFoundException(404, 40403, "Schema 7 not found")));
        write(AssignmentAction.FULFIL, "r-1", 1, 0);

        await().atMost(WAIT).until(() -> Long.valueOf(3).equals(committed()));
        assertThat(skipped).containsExactly(
                TOPIC + "-0@0: it cannot be read: cannot deserialize record from topic " + TOPIC
                        + ": cannot decode 3 bytes written with schema id 1",
                TOPIC + "-0@1: it cannot be read: cannot deserialize record from topic " + TOPIC + ": schema id 7 is not in the registry");
        assertThat(sentFor("r-1")).extracting(Sent::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
        assertThat(loop.failed()).isFalse();
    }

    /** Failures to read that are not the record's: the registry unavailable, refusing the credentials, not knowing its API. */
    static Stream<RuntimeException> registryTrouble() {
        return Stream.of(
                new SchemaRegistryUnavailableException("GET http://registry:8081/schemas/ids/1 failed", new java.net.ConnectException()),
                new SchemaRegistryException(401, 40101, "Unauthorized"),
                new SchemaRegistryException(403, 40301, "User is denied operation Read on Subject"),
                // a 404 without 40403 is not the record's: the deserializer passes it on as it came
                new SchemaRegistryNotFoundException(404, -1, "HTTP 404 Not Found: no such path"),
                new IllegalStateException("the deserializer's client was closed"));
    }

    @ParameterizedTest
    @MethodSource("registryTrouble")
    void aRecordThatCannotBeReadForAnotherReasonIsReadAgainAndNeverCommittedPast(RuntimeException trouble) {
        Held handler = new Held();
        start(handler);
        readTrouble = trouble;
        write(AssignmentAction.FULFIL, "r-1", 1, 0);

        await().atMost(WAIT).until(loop::failed);
        assertThat(committed()).as("nothing committed past it").isNull();
        assertThat(skipped).isEmpty();
        assertThat(consumer.position(PARTITION)).as("the loop seeked back to it").isZero();

        readTrouble = null;
        advance(Duration.ofSeconds(ReadBackOff.FIRST_SECONDS));
        redeliver(PARTITION, 0);

        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-1#0"));
        await().atMost(WAIT).until(() -> !loop.failed());
        handler.finish("fulfil r-1#0");
        await().atMost(WAIT).until(() -> Long.valueOf(1).equals(committed()));
        assertThat(skipped).isEmpty();
    }

    @Test
    void readsWaitOutABackOffThatDoublesUpToItsBound() {
        Held handler = new Held();
        start(handler);
        readTrouble = new SchemaRegistryUnavailableException("GET http://registry:8081/schemas/ids/1 timed out", null);
        write(AssignmentAction.FULFIL, "r-1", 1, 0);
        await().atMost(WAIT).until(() -> reads.get() == 1);

        int expected = 1;
        for (long seconds : new long[] {1, 2, 4, 8, 16, 30, 30}) {
            redeliver(PARTITION, 0);
            advance(Duration.ofSeconds(seconds).minusMillis(1));
            int before = expected;
            await().during(Duration.ofMillis(150)).atMost(WAIT).until(() -> reads.get() == before);
            advance(Duration.ofMillis(1));
            expected++;
            int after = expected;
            await("read again " + seconds + " s after the last failure").atMost(WAIT).until(() -> reads.get() == after);
            assertThat(loop.failed()).isTrue();
        }
        assertThat(committed()).isNull();
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void anErrorOnTheConsumerThreadTakesTheProcessOutOfMatching() {
        start(new Held());
        readTrouble = new NoSuchMethodError("'void io.capmarket.schemas.Assignment.setRevision(int)'");
        write(AssignmentAction.FULFIL, "r-1", 1, 0);

        await().dontCatchUncaughtExceptions().atMost(WAIT).until(loop::failed);
    }

    @Test
    void anErrorOnAWorkerThreadTakesTheProcessOutOfMatching() {
        // a stage from a library built against another Java: settling it fails on the worker thread
        start((assignment, context) -> new CompletableFuture<Void>() {
            @Override
            public CompletableFuture<Void> whenComplete(BiConsumer<? super Void, ? super Throwable> action) {
                throw new NoSuchMethodError("'java.util.concurrent.CompletableFuture "
                        + "java.util.concurrent.CompletableFuture.whenComplete()'");
            }
        });
        write(AssignmentAction.FULFIL, "r-1", 1, 0);

        await().dontCatchUncaughtExceptions().atMost(WAIT).until(loop::failed);
        assertThat(committed()).isNull();
    }

    @Test
    void atTheBoundOfHandlerThreadsStuckPastTheirTimeTheLoopLeavesTheGroupUntilOneReturns() {
        CountDownLatch release = new CountDownLatch(1);
        List<String> started = new CopyOnWriteArrayList<>();
        timeouts = HandlerTimeouts.withTimer(Duration.ofMillis(50), "assignment-loop-test-timeout");
        start(HandlerRun.async((assignment, context) -> {
            started.add(assignment.requestId());
            boolean released = false;
            while (!released) { // ignores its interrupt
                try {
                    released = release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    // waits on
                }
            }
            context.fulfil(Map.of());
        }));
        int bound = HandlerTimeouts.MAX_STUCK_HANDLERS;
        write(fulfils("r-stuck-", 0, bound)); // one slot: each starts once the one before timed out and freed it
        await().atMost(WAIT).until(timeouts::overStuckBound);

        // out of the group: its partitions go to the producer's other processes, nothing is read here
        await().atMost(WAIT).until(() -> consumer.subscription().isEmpty());
        assertThat(slots.inFlight()).as("no work started: its slot is free").isZero();
        assertThat(started).hasSize(bound);
        assertThat(commits).as("the timed-out work committed as the partition went: its next owner starts past it")
                .containsEntry(PARTITION, (long) bound);
        assertThat(handedOver).isEmpty();

        // what the next poll, once back in the group, finds: the partition again, and work on it
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(PARTITION)));
        write(AssignmentAction.FULFIL, "r-next", 1, 0);
        release.countDown();
        await().atMost(WAIT).until(() -> consumer.subscription().equals(java.util.Set.of(TOPIC)));
        await().atMost(WAIT).until(() -> started.contains("r-next"));
    }

    @Test
    void anotherAttemptOfARequestRunningHereWaitsUntilTheFirstHasFinished() {
        Held handler = startWithFirstRunning(3);

        // the marketplace gave up on the first attempt and matched the request here again
        write(new Spec(AssignmentAction.CANCEL, "r-1", 1, 0), new Spec(AssignmentAction.FULFIL, "r-1", 2, 0),
                new Spec(AssignmentAction.FULFIL, "r-2", 1, 0));
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-2#0") && handler.calls.contains("cancel r-1#0"));
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !handler.calls.contains("fulfil r-1#0/2"));

        handler.stages.get("fulfil r-1#0").complete(null); // the cancelled attempt stops without an outcome
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-1#0/2"));
        handler.finish("fulfil r-1#0/2");
        handler.finish("fulfil r-2#0");

        await().atMost(WAIT).until(() -> Long.valueOf(4).equals(committed()));
        assertThat(sentFor("r-1")).as("nothing more of the cancelled attempt").extracting(s -> s.kind() + " " + s.ref().attempt())
                .containsExactly("ACCEPTED 1", "ACCEPTED 2", "FULFILLED 2");
    }

    /** How long a revocation took, and the offsets committed when it returned. */
    record Revoked(long elapsedNanos, Map<TopicPartition, Long> commits) {
    }

    /**
     * Has the group take {@code partitions} away at the loop's next poll (keeping the others), and
     * completes the returned future when the revocation has returned, with what it committed by then.
     */
    private CompletableFuture<Revoked> revokeAtNextPoll(TopicPartition... partitions) {
        CompletableFuture<Revoked> revoked = new CompletableFuture<>();
        consumer.schedulePollTask(() -> {
            java.util.Set<TopicPartition> kept = new java.util.HashSet<>(consumer.assignment());
            List.of(partitions).forEach(kept::remove);
            long start = System.nanoTime();
            consumer.rebalance(kept);
            revoked.complete(new Revoked(System.nanoTime() - start, Map.copyOf(commits)));
        });
        return revoked;
    }

    @Test
    void aRevocationWaitsForWorkRunningFromThePartitionAndCommitsItBeforeItGoes() {
        Held handler = startWithFirstRunning(1);

        CompletableFuture<Revoked> revoked = revokeAtNextPoll(PARTITION);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !revoked.isDone());
        handler.finish("fulfil r-1#0");

        await().atMost(WAIT).until(revoked::isDone);
        assertThat(revoked.join().commits()).as("committed before the partition went").isEqualTo(Map.of(PARTITION, 1L));
        assertThat(handedOver).isEmpty();
        assertThat(sentFor("r-1")).extracting(Sent::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
    }

    @Test
    void aRevocationWaitsNoLongerThanItsBoundThenHandsTheWorkOverAndSaysSo() {
        rebalanceDrain = Duration.ofMillis(300);
        Held handler = startWithFirstRunning(1);

        CompletableFuture<Revoked> revoked = revokeAtNextPoll(PARTITION);

        await().atMost(WAIT).until(revoked::isDone);
        assertThat(revoked.join().elapsedNanos()).isGreaterThanOrEqualTo(rebalanceDrain.toNanos());
        assertThat(revoked.join().commits()).isEmpty();
        assertThat(handedOver).containsExactly("r-1");
        assertThat(handler.contexts.get("fulfil r-1#0").cancelled()).as("it goes on here").isFalse();

        // its outcome is still reported, but the partition is no longer this process's to commit
        handler.finish("fulfil r-1#0");
        await().atMost(WAIT).until(() -> slots.inFlight() == 0);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(commits::isEmpty);
        assertThat(sentFor("r-1")).extracting(Sent::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
    }

    @Test
    void aRevocationWaitsOnlyForWorkFromThePartitionsItTakesAway() {
        slots.capacity("pg-1", 3);
        Held handler = new Held();
        start(handler, List.of(PARTITION, OTHER));
        writeAt(PARTITION, 0, new Spec(AssignmentAction.FULFIL, "r-kept", 1, 0));
        writeAt(OTHER, 0, new Spec(AssignmentAction.FULFIL, "r-moved", 1, 0));
        await().atMost(WAIT).until(() -> handler.calls.containsAll(List.of("fulfil r-kept#0", "fulfil r-moved#0")));

        CompletableFuture<Revoked> revoked = revokeAtNextPoll(OTHER);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !revoked.isDone());
        handler.finish("fulfil r-moved#0");

        await().atMost(WAIT).until(revoked::isDone);
        assertThat(revoked.join().commits()).as("nothing of the kept partition: r-kept still runs").isEqualTo(Map.of(OTHER, 1L));
        assertThat(handedOver).isEmpty();

        // the kept partition is read on, and its work settles as before
        writeAt(PARTITION, 1, new Spec(AssignmentAction.FULFIL, "r-next", 1, 0));
        handler.finish("fulfil r-next#0");
        handler.finish("fulfil r-kept#0");
        await().atMost(WAIT).until(() -> Long.valueOf(2).equals(committed()));
    }

    @Test
    void workFromLostPartitionsIsNotWaitedForAndIsReportedHandedOver() {
        Held handler = startWithFirstRunning(1);

        CompletableFuture<Void> lost = new CompletableFuture<>();
        consumer.schedulePollTask(() -> {
            consumer.losePartitions(List.of(PARTITION)); // this process was out of the group: another one reads it already
            lost.complete(null);
        });

        await().atMost(WAIT).until(lost::isDone);
        assertThat(handedOver).containsExactly("r-1");
        handler.finish("fulfil r-1#0");
        await().atMost(WAIT).until(() -> slots.inFlight() == 0);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(commits::isEmpty);
    }

    @Test
    void aCancelBehindAnAssignmentWaitingForASlotIsReadAtOnce() {
        Held handler = startWithFirstRunning(1);
        write(AssignmentAction.FULFIL, "r-2", 1, 0); // waits for r-1's slot
        await().atMost(WAIT).until(() -> received.contains("fulfil r-2"));

        write(AssignmentAction.CANCEL, "r-2", 1, 0);

        await().atMost(WAIT).until(() -> cancelled.contains("r-2 waiting"));
        assertThat(handler.calls).containsExactly("fulfil r-1#0");
        handler.finish("fulfil r-1#0");
        await().atMost(WAIT).until(() -> Long.valueOf(3).equals(committed()));
        assertThat(handler.calls).as("the cancelled one never starts").containsExactly("fulfil r-1#0");
    }

    @Test
    void theConsumerPausesEveryPartitionWhileTheBoundOfWaitingAssignmentsIsReached() {
        slots.capacity("pg-1", 1);
        Held handler = new Held();
        start(handler, List.of(PARTITION, OTHER));
        writeAt(PARTITION, 0, new Spec(AssignmentAction.FULFIL, "r-1", 1, 0));
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-1#0"));
        // spread over two partitions, so that neither holds its own bound of records not committable
        int half = AssignmentLoop.PENDING_BOUND / 2;
        writeAt(PARTITION, 1, fulfils("r-w", 0, half));
        writeAt(OTHER, 0, fulfils("r-w", half, AssignmentLoop.PENDING_BOUND));
        await().atMost(WAIT).until(() -> received.size() == 1 + AssignmentLoop.PENDING_BOUND);

        writeAt(PARTITION, 1 + half, new Spec(AssignmentAction.CANCEL, "r-w0", 1, 0));
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(cancelled::isEmpty);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(PARTITION, OTHER);

        handler.finish("fulfil r-1#0"); // r-w0 starts: one fewer waits, and reading goes on
        await().atMost(WAIT).until(() -> cancelled.contains("r-w0 running"));
    }

    /**
     * Starts the loop on both partitions, runs r-1 from the other one, and writes an update of r-1,
     * which waits behind it, at offset 0 of the partition, then {@code behind} provisionings fulfilled at
     * once at the offsets after it, all read at one poll; waits until the partition is paused.
     */
    private Held settledWorkPilesUpBehindAWaitingUpdate(int behind) {
        slots.capacity("pg-1", behind + 10);
        Held handler = new Held();
        start(handler, List.of(PARTITION, OTHER));
        writeAt(OTHER, 0, new Spec(AssignmentAction.FULFIL, "r-1", 1, 0));
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil r-1#0"));
        writeAt(PARTITION, 0, new Spec(AssignmentAction.UPDATE, "r-1", 1, 1));
        writeAt(PARTITION, 1, fulfils(Held.AT_ONCE, 0, behind));
        await().atMost(WAIT).until(() -> consumer.paused().contains(PARTITION));
        return handler;
    }

    /** How many calls the handler fulfilled at once. */
    private static long settledAtOnce(Held handler) {
        return handler.calls.stream().filter(call -> call.startsWith("fulfil " + Held.AT_ONCE)).count();
    }

    @Test
    void aPartitionAlonePausesOnceItsBoundOfRecordsBehindAnUnsettledOneIsReadAndResumesWhenThatSettles() {
        int bound = AssignmentLoop.PARTITION_BOUND;
        Held handler = settledWorkPilesUpBehindAWaitingUpdate(bound + 5);

        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> settledAtOnce(handler) == bound - 1);
        assertThat(received).as("r-1, then the bound: the waiting update and what was read behind it").hasSize(1 + bound);
        assertThat(consumer.position(PARTITION)).as("read again from the first record past the bound").isEqualTo(bound);
        assertThat(committed()).isNull();
        assertThat(consumer.paused()).as("only the full partition").containsExactly(PARTITION);
        writeAt(OTHER, 1, new Spec(AssignmentAction.FULFIL, Held.AT_ONCE + "other", 1, 0));
        await().atMost(WAIT).until(() -> handler.calls.contains("fulfil " + Held.AT_ONCE + "other#0"));

        handler.finish("fulfil r-1#0");
        await().atMost(WAIT).until(() -> handler.calls.contains("update r-1#1"));
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> consumer.paused().contains(PARTITION));
        handler.finish("update r-1#1");
        await().atMost(WAIT).until(() -> Long.valueOf(bound).equals(committed()) && consumer.paused().isEmpty());

        redeliver(PARTITION, bound);
        await().atMost(WAIT).until(() -> Long.valueOf(bound + 6).equals(committed()));
        assertThat(settledAtOnce(handler)).as("each once, and the one of the other partition").isEqualTo(bound + 5 + 1);
    }

    @Test
    void aRevocationLeavesWorkSettledBehindAWaitingAssignmentUncommittedNoMoreThanTheBound() {
        int bound = AssignmentLoop.PARTITION_BOUND;
        settledWorkPilesUpBehindAWaitingUpdate(bound + 5);

        CompletableFuture<Revoked> revoked = revokeAtNextPoll(PARTITION);

        await().atMost(WAIT).until(revoked::isDone);
        assertThat(revoked.join().commits()).as("nothing passes the waiting update").doesNotContainKey(PARTITION);
        assertThat(received).as("r-1, then what the next owner reads again: the bound").hasSize(1 + bound);
        assertThat(handedOver).as("nothing of the partition ran").isEmpty();
    }
}
