package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.internal.HandlerTimeouts;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Processes of one producer sharing its assignments topic under the real topology, on either of
 * Kafka's group protocols: the classic one (the SDK's default, cooperative-sticky) and the consumer
 * group protocol (KIP-848, {@code group.protocol=consumer}, the broker assigning).
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class ReplicasIT {

    private static final String PRODUCER = "replica-team";
    /** The topology's {@code topics.partitions} in {@link Marketplace}: the producer's assignments topic has as many. */
    private static final int PARTITIONS = 2;
    /** A capability per partition of the assignments topic, which the topology partitions by capability. */
    private static final List<String> CAPABILITIES = List.of(capabilityOn(0), capabilityOn(1));

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private Marketplace market;

    ReplicasIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @CsvSource({"classic, cooperative-sticky", "consumer, uniform"})
    void aProcessJoiningWhileAnotherRunsWorkDoesNotRunThatWorkAgainAndThenGetsWorkOfItsOwn(String protocol, String assignor)
            throws Exception {
        try (Marketplace started = new Marketplace(broker, registry, PRODUCER + "=*")) {
            market = started;
            joinWhileRunning(protocol, assignor);
        }
    }

    private void joinWhileRunning(String protocol, String assignor) throws Exception {
        List<Offer> offers = CAPABILITIES.stream().map(capability -> Offer.builder().offerId("pg-" + capability).capability(capability)
                .capacity(2).leadTime(Duration.ofMinutes(10)).build()).toList();
        List<String> runs = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        // work on each partition of the assignments topic: whichever moves to the second process has work running in the first
        List<String> running = List.of("r-running-0", "r-running-1");
        List<String> later = List.of("r-later-0", "r-later-1");

        try (CapmarketProducer first = market.producer(PRODUCER).instanceId("first").kafkaProperty("group.protocol", protocol)
                .handler(blockedUntil(release, "first", runs)).build()) {
            offers.forEach(first::publish);
            submitOnePerPartition(running);
            await().atMost(Marketplace.WAIT).until(() -> runs.size() == 2);
            assertThat(partitionsOf(running)).containsExactlyInAnyOrder(0, 1);

            try (CapmarketProducer second = market.producer(PRODUCER).instanceId("second").offers(offers)
                    .kafkaProperty("group.protocol", protocol).handler(blockedUntil(release, "second", runs)).build();
                    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                // the second process is in the group: a partition with work running in the first is on its way to it
                ConsumerGroupDescription group = awaitGroupOfTwo(admin, protocol);
                assertThat(group.partitionAssignor()).isEqualTo(assignor);
                release.countDown();

                running.forEach(id -> market.awaitState(id, RequestState.FULFILLED));
                awaitAPartitionEach(admin);
                submitOnePerPartition(later);
                later.forEach(id -> market.awaitState(id, RequestState.FULFILLED));

                assertThat(runs).as("each request running in the first process ran there only, and once")
                        .filteredOn(run -> running.stream().anyMatch(id -> run.contains(" " + id + "/")))
                        .containsExactlyInAnyOrder("first r-running-0/1", "first r-running-1/1");
                assertThat(runs).as("the second process then took work of its own").anyMatch(run -> run.startsWith("second r-later"));
            }
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @CsvSource({"classic", "consumer"})
    void aProcessWithTooManyHandlerThreadsStuckLeavesTheGroupToItsPeerUntilOneReturns(String protocol) throws Exception {
        // failed attempts here must not put the producer on probation before its other process takes over
        try (Marketplace started = new Marketplace(broker, registry, PRODUCER + "=*", Map.of("matching.probation.min-outcomes", "1000"))) {
            market = started;
            int bound = HandlerTimeouts.MAX_STUCK_HANDLERS;
            List<Offer> offers = CAPABILITIES.stream().map(capability -> Offer.builder().offerId("pg-" + capability)
                    .capability(capability).capacity(bound).leadTime(Duration.ofMinutes(10)).build()).toList();
            List<String> runs = new CopyOnWriteArrayList<>();
            CountDownLatch release = new CountDownLatch(1);
            List<String> stuck = IntStream.range(0, bound).mapToObj(i -> "r-stuck-" + i).toList();
            List<String> later = List.of("r-later-0", "r-later-1");
            try (CapmarketProducer first = market.producer(PRODUCER).instanceId("first").handlerTimeout(Duration.ofSeconds(1))
                    .kafkaProperty("group.protocol", protocol).handler(ignoringInterruptsUntil(release, runs)).build();
                    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                offers.forEach(first::publish);
                for (int i = 0; i < bound; i++) {
                    market.submit(stuck.get(i), CAPABILITIES.get(i % PARTITIONS), "{}");
                }
                // a timed-out attempt is not matched to its offer again: eight runs, each stuck
                await().atMost(Marketplace.WAIT).until(() -> runs.size() >= bound);
                // every handler thread stays inside past its time: the process leaves the group, its partitions now nobody's
                await().atMost(Marketplace.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> describeGroup(admin).members().isEmpty());

                try (CapmarketProducer second = market.producer(PRODUCER).instanceId("second").offers(offers)
                        .kafkaProperty("group.protocol", protocol).handler((assignment, context) -> {
                            runs.add("second " + assignment.requestId());
                            context.fulfil(Map.of("host", assignment.requestId() + ".second"));
                        }).build()) {
                    submitOnePerPartition(later);
                    later.forEach(id -> market.awaitState(id, RequestState.FULFILLED));
                    assertThat(runs).as("the work on both partitions ran in the process with free threads")
                            .contains("second r-later-0", "second r-later-1");
                    assertThat(describeGroup(admin).members()).as("the first process is still out of the group").hasSize(1);

                    release.countDown();
                    // its stuck threads returned: the first process is a member again
                    await().atMost(Marketplace.WAIT).pollInterval(Duration.ofMillis(100))
                            .until(() -> describeGroup(admin).members().size() == 2);
                }
            } finally {
                release.countDown();
            }
        }
    }

    /** A handler that records {@code first requestId} and stays inside, its interrupt ignored, until {@code release}. */
    private static AssignmentHandler ignoringInterruptsUntil(CountDownLatch release, List<String> runs) {
        return (assignment, context) -> {
            runs.add("first " + assignment.requestId());
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException e) {
                    // ignored, as a handler must not
                }
            }
        };
    }

    /** A handler that records {@code process requestId/attempt}, waits for {@code release}, then fulfils. */
    private static AssignmentHandler blockedUntil(CountDownLatch release, String process, List<String> runs) {
        return (assignment, context) -> {
            runs.add(process + " " + assignment.requestId() + "/" + assignment.attempt());
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the handler go on");
            }
            context.fulfil(Map.of("host", assignment.requestId() + "." + process));
        };
    }

    /** Submits the requests for the capabilities in turn: the first one's assignment goes to partition 0, the next to 1. */
    private void submitOnePerPartition(List<String> requestIds) {
        for (int i = 0; i < requestIds.size(); i++) {
            market.submit(requestIds.get(i), CAPABILITIES.get(i), "{}");
        }
    }

    /** A capability whose assignments go to {@code partition}. */
    private static String capabilityOn(int partition) {
        for (int i = 0; ; i++) {
            String capability = "cap-replica-" + i;
            if (CapabilityPartitions.of(capability, PARTITIONS) == partition) {
                return capability;
            }
        }
    }

    /** The partitions of the assignments topic the requests' assignments came on. */
    private List<Integer> partitionsOf(List<String> requestIds) {
        return market.readAll(market.topics().assignments(PRODUCER)).stream().filter(r -> requestIds.contains(r.key()))
                .map(ConsumerRecord::partition).distinct().toList();
    }

    /**
     * Waits until both processes are members of the producer's group and a partition is to move.
     * Under the classic protocol the group is stable again by then, its first round done, while the
     * first process revokes the partition that moves (cooperative rebalancing revokes in a second
     * round). Under the consumer protocol it stays reconciling until that revocation is done; the
     * coordinator has computed the move once each member's target holds a partition, and tells the
     * first process at its next heartbeat (the work may then end before the revocation starts, which
     * this protocol's run does not tell apart: it shows no work runs twice, and the group works).
     */
    private ConsumerGroupDescription awaitGroupOfTwo(Admin admin, String protocol) {
        ConsumerGroupDescription[] last = new ConsumerGroupDescription[1];
        await().atMost(Marketplace.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = describeGroup(admin);
            return last[0].members().size() == 2 && (protocol.equals("consumer")
                    ? last[0].members().stream().allMatch(m -> m.targetAssignment().map(t -> t.topicPartitions().size() == 1)
                            .orElse(false))
                    : last[0].groupState() == GroupState.STABLE);
        });
        return last[0];
    }

    /** Waits until the group has given each process a partition. */
    private void awaitAPartitionEach(Admin admin) {
        await().atMost(Marketplace.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Integer> held = partitionsHeld(describeGroup(admin));
            return held.size() == 2 && !held.contains(0);
        });
    }

    private ConsumerGroupDescription describeGroup(Admin admin) throws Exception {
        String groupId = market.topics().producerGroup(PRODUCER);
        return admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId).get(5, TimeUnit.SECONDS);
    }

    /** How many partitions each member holds, as the coordinator sees it. */
    private static List<Integer> partitionsHeld(ConsumerGroupDescription group) {
        return group.members().stream().map(m -> m.assignment().topicPartitions().size()).toList();
    }
}
