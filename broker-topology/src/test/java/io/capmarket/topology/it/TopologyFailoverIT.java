package io.capmarket.topology.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two topology instances share the work on a real broker and registry while thousands of
 * requests are in flight; one runs in a child process that is killed without warning
 * ({@link Process#destroyForcibly()}, SIGKILL: no shutdown hook, no commit) mid-stream, then
 * started again as a new process on the same application id and its own state directory, until
 * both instances hold partitions again. The test plays the producers: it accepts and fulfils
 * every assignment, and keeps its own count of unfinished work per offer, which can only lag the
 * topology's, so any count above an offer's capacity proves a double booking.
 *
 * <p>System properties size it: {@code failover.requests} (default 10,000, what fits in about a
 * minute on a busy 2-core machine; 15,000 take 80 s there when idle, 20,000 about 95 s) and
 * {@code failover.kills} (kill and restart cycles, default 1); {@code ./capmarket chaos} runs
 * 20,000 with 3 cycles.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class TopologyFailoverIT {

    private static final int CAPABILITIES = 8;
    private static final int PRODUCERS = 4;
    private static final int CAPACITY = 16;
    /** Each capability is offered by two of the producers. */
    private static final int OFFERS_PER_CAPABILITY = 2;
    private static final int REQUESTS = Integer.getInteger("failover.requests", 10_000);
    private static final int KILLS = Integer.getInteger("failover.kills", 1);
    private static final Duration HOLD = Duration.ofMillis(30);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final String prefix = "fo-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Topics topics;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private final Map<String, RequestStatus> latest = new ConcurrentHashMap<>();
    /** When the latest MATCHED status of each capability arrived, in {@link System#nanoTime()}. */
    private final Map<String, Long> lastMatchedNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlightByOffer = new ConcurrentHashMap<>();
    private final Map<String, Integer> assignedAttempts = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger duplicateAssignments = new AtomicInteger();
    private final AtomicInteger unacknowledgedSubmits = new AtomicInteger();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    TopologyFailoverIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
        this.topics = Topics.builder().prefix(prefix).partitions(4)
                .serdeConfig(Map.of("schema.registry.url", registry.url())).build();
    }

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aKilledAndRestartedInstanceLosesNothingAndNeverDoubleBooks() throws Exception {
        assertThat(REQUESTS).as("failover.requests").isGreaterThanOrEqualTo(1_000);
        assertThat(KILLS).as("failover.kills").isPositive();
        long started = System.nanoTime();
        provision();
        publishOffers();
        Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "failover");
        String applicationId = prefix + "topology";

        KafkaStreams inJvm = TopologyInstance.start(broker.bootstrapServers(), registry.url(), prefix, applicationId,
                state.resolve("a"));
        resources.add(() -> inJvm.close(Duration.ofSeconds(20)));
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        resources.add(admin);
        Process child = startChild(applicationId, state.resolve("b"), 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> inJvm.state() == KafkaStreams.State.RUNNING);
        awaitMembersWithWork(admin, applicationId, 2);

        startStatusReader();
        submitRequests();
        // every offer full before the producers take work, so that their first polls see offers at capacity
        // (started earlier, they can finish work before a slow start has assigned the rest)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> count(RequestState.MATCHED) >= (long) CAPABILITIES * OFFERS_PER_CAPABILITY * CAPACITY || !failures.isEmpty());
        startProducers();

        Duration progressBudget = Duration.ofSeconds(60 + REQUESTS / 200);
        List<String> cycles = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            long threshold = (long) REQUESTS * kill / (KILLS + 2);
            await().atMost(progressBudget).pollInterval(Duration.ofMillis(100))
                    .until(() -> count(RequestState.FULFILLED) >= threshold || !failures.isEmpty());
            long fulfilledAtKill = count(RequestState.FULFILLED);
            child.destroyForcibly().waitFor();
            long killedAt = System.nanoTime();
            assertThat(fulfilledAtKill).as("kill %d happens mid-stream", kill).isLessThan(REQUESTS);
            // every capability has work waiting, so each is matched again once its task runs on the survivor
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> IntStream.range(0, CAPABILITIES).allMatch(c -> lastMatchedNanos.getOrDefault("cap-" + c, 0L) > killedAt)
                            || !failures.isEmpty());
            double resumedSeconds = (System.nanoTime() - killedAt) / 1e9;

            // the killed member leaves the group once its session expires; then a new process takes its place
            awaitMembersWithWork(admin, applicationId, 1);
            long fulfilledAtRestart = count(RequestState.FULFILLED);
            child = startChild(applicationId, state.resolve("b"), kill);
            awaitMembersWithWork(admin, applicationId, 2);
            cycles.add("kill " + kill + " at " + fulfilledAtKill + " fulfilled, every capability matching again "
                    + String.format(Locale.ROOT, "%.1f s", resumedSeconds) + " after it, restart at " + fulfilledAtRestart
                    + ", both running at " + count(RequestState.FULFILLED));
        }

        await().atMost(progressBudget).pollInterval(Duration.ofMillis(200))
                .until(() -> count(RequestState.FULFILLED) == REQUESTS || !failures.isEmpty());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Map<String, Integer> members = membersWithWork(admin, applicationId);

        long lost = REQUESTS - latest.keySet().stream().filter(id -> latest.get(id).getState() == RequestState.FULFILLED).count();
        System.out.printf("failover: %d requests, %d fulfilled, %d lost, %d duplicate assignments, %d capacity violations, "
                + "max in flight per offer %d (capacity %d), %d kill/restart cycles [%s], partitions per member at the end %s, "
                + "took %.1f s%n",
                REQUESTS, count(RequestState.FULFILLED), lost, duplicateAssignments.get(), violations.size() - duplicateAssignments.get(),
                maxInFlight.get(), CAPACITY, KILLS, String.join("; ", cycles), members.values(), took.toMillis() / 1000.0);
        assertThat(failures).isEmpty();
        assertThat(unacknowledgedSubmits.get()).as("every submit was acknowledged by the broker").isZero();
        assertThat(latest.keySet()).as("a status for every submitted request and no other")
                .isEqualTo(IntStream.range(0, REQUESTS).mapToObj(i -> "req-" + i).collect(Collectors.toSet()));
        assertThat(latest.values()).as(() -> "final states " + statesByCount())
                .allSatisfy(s -> assertThat(s.getState()).isEqualTo(RequestState.FULFILLED));
        assertThat(violations).isEmpty();
        assertThat(assignedAttempts).as("one assignment per request: none re-matched, none lost").hasSize(REQUESTS);
        assertThat(maxInFlight.get()).as("offers filled up, so the capacity check was exercised").isEqualTo(CAPACITY);
        assertThat(members).as("both instances run again after the restart").hasSize(2);
        assertThat(inJvm.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    /** Waits until the group has exactly {@code members} members, each with partitions assigned. */
    private void awaitMembersWithWork(Admin admin, String applicationId, int members) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> membersWithWork(admin, applicationId).size() == members
                        && membersWithWork(admin, applicationId).values().stream().allMatch(p -> p > 0)
                        || !failures.isEmpty());
        assertThat(failures).isEmpty();
    }

    /** The members of the topology's consumer group, by member id, with the number of partitions each holds. */
    private static Map<String, Integer> membersWithWork(Admin admin, String applicationId) throws Exception {
        return admin.describeConsumerGroups(List.of(applicationId)).all().get().get(applicationId).members().stream()
                .collect(Collectors.toMap(MemberDescription::consumerId, m -> m.assignment().topicPartitions().size()));
    }

    private long count(RequestState state) {
        return latest.values().stream().filter(s -> s.getState() == state).count();
    }

    private void provision() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            List<TopicSpec> specs = new ArrayList<>(topics.sharedSpecs());
            IntStream.range(0, PRODUCERS).forEach(p -> topics.producerTopics(producer(p)).forEach(t -> specs.add(t.spec())));
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(specs);
        }
    }

    private void publishOffers() {
        Instant now = Instant.now();
        try (KafkaProducer<String, ProducerApproval> approvals = producer(topics.producers());
                KafkaProducer<String, ProducerHeartbeat> heartbeats = producer(topics.heartbeats(producer(0)));
                KafkaProducer<String, CapabilityOffer> offers = producer(topics.offers(producer(0)))) {
            for (int p = 0; p < PRODUCERS; p++) {
                approvals.send(new ProducerRecord<>(topics.producers().name(), producer(p),
                        new ProducerApproval(producer(p), List.of("*"), "admin", now)));
                heartbeats.send(new ProducerRecord<>(topics.heartbeats(producer(p)).name(), "it",
                        new ProducerHeartbeat(producer(p), "it", now, 0, true)));
            }
            approvals.flush();
            heartbeats.flush();
            for (int c = 0; c < CAPABILITIES; c++) {
                for (int p : new int[] {c % PRODUCERS, (c + 1) % PRODUCERS}) { // OFFERS_PER_CAPABILITY of them
                    String offerId = "cap-" + c + "-by-" + producer(p);
                    offers.send(new ProducerRecord<>(topics.offers(producer(p)).name(), offerId, CapabilityOffer.newBuilder()
                            .setOfferId(offerId).setProducerId(producer(p)).setCapability("cap-" + c)
                            .setCapabilityVersion(1).setParameterSchema("{}").setOutputSchema("{}")
                            .setAttributes(Map.of()).setLeadTimeSloMs(600_000).setCapacity(CAPACITY)
                            .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build()));
                }
            }
        }
    }

    /**
     * Every other request on the partition of its capability (handled by the task that reads it),
     * the rest by requestId (passing capability-events): both ways to the engine cross the kill.
     */
    private void submitRequests() {
        int partitions = topics.requests().spec().partitions();
        try (KafkaProducer<String, RequestCommand> requests = producer(topics.requests())) {
            for (int i = 0; i < REQUESTS; i++) {
                String id = "req-" + i;
                String capability = "cap-" + (i % CAPABILITIES);
                Integer partition = i % 2 == 0 ? CapabilityPartitions.of(capability, partitions) : null;
                requests.send(new ProducerRecord<>(topics.requests().name(), partition, id, new RequestCommand(SubmitRequest.newBuilder()
                        .setRequestId(id).setConsumerTeam("app").setRequestedBy(new Requester(RequesterKind.BOT, "load"))
                        .setCapability(capability).setCapabilityVersion(1).setParameters("{}")
                        .setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL)
                        .setSubmittedAt(Instant.now()).build())), (metadata, error) -> {
                            if (error != null) {
                                unacknowledgedSubmits.incrementAndGet();
                            }
                        });
            }
        }
    }

    /**
     * Plays every producer: accepts each assignment at once and fulfils it {@link #HOLD} later, so
     * that offers fill up to their capacity, checking the count of unfinished work as it goes.
     */
    private void startProducers() {
        KafkaConsumer<String, Assignment> consumer = consumer(topics.assignments(producer(0)), "producers");
        consumer.subscribe(IntStream.range(0, PRODUCERS).mapToObj(p -> topics.assignments(producer(p)).name()).toList());
        KafkaProducer<String, FulfilmentEvent> reports = producer(topics.fulfilment(producer(0)));
        java.util.ArrayDeque<Held> held = new java.util.ArrayDeque<>();
        background("producers", () -> {
            for (ConsumerRecord<String, Assignment> record : consumer.poll(Duration.ofMillis(10))) {
                Assignment a = record.value();
                AtomicInteger inFlight = inFlightByOffer.computeIfAbsent(a.getOfferId(), o -> new AtomicInteger());
                if (a.getAction() == AssignmentAction.CANCEL) {
                    continue;
                }
                Integer before = assignedAttempts.put(a.getRequestId() + "#" + a.getAttempt(), a.getAttempt());
                if (before != null) {
                    duplicateAssignments.incrementAndGet();
                    violations.add("assigned twice: " + a.getRequestId() + " attempt " + a.getAttempt());
                }
                int now = inFlight.incrementAndGet();
                maxInFlight.accumulateAndGet(now, Math::max);
                if (now > CAPACITY) {
                    violations.add(a.getOfferId() + " has " + now + " in flight, capacity " + CAPACITY);
                }
                reports.send(new ProducerRecord<>(topics.fulfilment(a.getProducerId()).name(), a.getRequestId(),
                        report(a, FulfilmentKind.ACCEPTED)));
                held.add(new Held(a, System.nanoTime() + HOLD.toNanos()));
            }
            while (!held.isEmpty() && held.peek().dueNanos() <= System.nanoTime()) {
                Assignment a = held.poll().assignment();
                // counted as finished before the report leaves, so this count never runs ahead of the topology's
                inFlightByOffer.get(a.getOfferId()).decrementAndGet();
                reports.send(new ProducerRecord<>(topics.fulfilment(a.getProducerId()).name(), a.getRequestId(),
                        report(a, FulfilmentKind.FULFILLED)));
            }
        }, () -> {
            consumer.close();
            reports.close();
        });
    }

    private record Held(Assignment assignment, long dueNanos) {
    }

    private void startStatusReader() {
        KafkaConsumer<String, RequestStatus> consumer = consumer(topics.requestStatus(), "status-reader");
        consumer.subscribe(Set.of(topics.requestStatus().name()));
        background("status-reader", () -> consumer.poll(Duration.ofMillis(100)).forEach(record -> {
            latest.put(record.key(), record.value());
            if (record.value().getState() == RequestState.MATCHED) {
                lastMatchedNanos.put(record.value().getCapability(), System.nanoTime());
            }
        }), consumer::close);
    }

    private void background(String name, Runnable step, Runnable close) {
        Thread thread = new Thread(() -> {
            try {
                while (running.get()) {
                    step.run();
                }
            } catch (RuntimeException e) {
                failures.add(e);
            } finally {
                close.run();
            }
        }, name);
        thread.start();
        resources.add(() -> {
            running.set(false);
            thread.join(30_000);
        });
    }

    private static FulfilmentEvent report(Assignment a, FulfilmentKind kind) {
        return FulfilmentEvent.newBuilder().setRequestId(a.getRequestId()).setOfferId(a.getOfferId())
                .setProducerId(a.getProducerId()).setCapability(a.getCapability()).setAttempt(a.getAttempt())
                .setKind(kind).setOutputs(kind == FulfilmentKind.FULFILLED ? Map.of("ref", "vault:" + a.getRequestId()) : Map.of())
                .setAt(Instant.now()).build();
    }

    /** Starts an instance in a new JVM; {@code generation} numbers the restarts, for the log file's name. */
    private Process startChild(String applicationId, Path stateDir, int generation) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "failover-child-" + applicationId + "-" + generation + ".log");
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                TopologyInstance.class.getName(), broker.bootstrapServers(), registry.url(), prefix, applicationId,
                stateDir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        resources.add(() -> child.destroyForcibly().waitFor());
        return child;
    }

    private static String producer(int p) {
        return "team-" + p;
    }

    private <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private <V> KafkaConsumer<String, V> consumer(Topic<String, V> topic, String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, prefix + group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    private String statesByCount() {
        return latest.values().stream().collect(Collectors.groupingBy(RequestStatus::getState, Collectors.counting())).toString();
    }
}
