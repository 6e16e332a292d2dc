package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.internal.HandlerTimeouts;
import io.capmarket.sdk.micrometer.MicrometerProducerListener;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Producers failing under the real topology, with real SDK clients: one that goes silent while
 * it holds unaccepted work, one that rejects everything, one whose handler fails with a message
 * larger than a Kafka record may be, one whose handler never returns (bounded by its
 * {@code handlerTimeout}), one whose handlers keep too many threads past their time (it says
 * unhealthy until they return), and one closing while its work drains (it says unhealthy at once). (A
 * process that crashes in the middle of its handler is {@link FulfilmentIT}'s
 * {@code aCrashedProcessHandsItsAssignmentToTheNextOneWithTheSameRequestIdAndAttempt}: the next
 * process gets the assignment again with the same requestId and attempt.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class ProducerFailuresIT {

    private static final Duration ACCEPT_DEADLINE = Duration.ofSeconds(3);
    private static final Duration LIVENESS_BOUND = Duration.ofSeconds(3);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private Marketplace market;

    ProducerFailuresIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void startTopology() {
        market = new Marketplace(broker, registry,
                "silent-team=cap-silent;live-team=cap-silent;reject-team=cap-reject;good-team=cap-reject;verbose-team=cap-verbose;"
                        + "timeout-team=cap-timeout;closing-team=cap-closing;stuck-team=cap-stuck",
                Map.of("matching.accept-deadline", ACCEPT_DEADLINE.toMillis() + "ms",
                        "matching.liveness-bound", LIVENESS_BOUND.toMillis() + "ms",
                        "scorecard.interval", "1s"));
    }

    @AfterAll
    void stopTopology() {
        market.close();
    }

    private static Offer offer(String offerId, String capability, int capacity) {
        return Offer.builder().offerId(offerId).capability(capability).capacity(capacity).leadTime(Duration.ofMinutes(10)).build();
    }

    @Test
    void workHeldUnacceptedByAProducerThatWentSilentIsMatchedToALiveOneAndFulfilledThere() throws Exception {
        BlockingQueue<Assignment> held = new LinkedBlockingQueue<>();
        CapmarketProducer silent = market.producer("silent-team").autoAccept(false).handler((assignment, context) -> {
            held.add(assignment);
            new CountDownLatch(1).await(); // never accepts: the process hangs, then dies
        }).build();
        silent.publish(offer("silent-offer", "cap-silent", 10));
        market.submit("r-held", "cap-silent", "{}");
        assertThat(held.poll(30, TimeUnit.SECONDS)).isNotNull().extracting(Assignment::attempt).isEqualTo(1);

        silent.close(Duration.ZERO); // heartbeats stop, the last one saying unhealthy; nothing is reported

        BlockingQueue<Assignment> served = new LinkedBlockingQueue<>();
        try (CapmarketProducer live = market.producer("live-team").handler((assignment, context) -> {
            served.add(assignment);
            context.fulfil(Map.of("host", context.requestId() + ".live"));
        }).build()) {
            live.publish(offer("live-offer", "cap-silent", 2));
            RequestStatus held1 = market.awaitState("r-held", RequestState.FULFILLED);

            assertThat(held1.getOfferId()).isEqualTo("live-offer");
            assertThat(held1.getAttempt()).isEqualTo(2);
            assertThat(held1.getOutputs()).containsEntry("host", "r-held.live");
            assertThat(held1.getHistory()).extracting(StatusTransition::getDetail)
                    .contains("not accepted by silent-team within " + ACCEPT_DEADLINE.toMillis() + " ms");

            // once its last heartbeat is older than the liveness bound, the silent producer gets no new work,
            // although its offer has more room left than the live one
            ProducerHeartbeat last = market.lastHeartbeat("silent-team");
            Instant stale = last.getAt().plus(LIVENESS_BOUND).plusMillis(500);
            await().atMost(Marketplace.WAIT).until(() -> Instant.now().isAfter(stale));
            market.submit("r-after", "cap-silent", "{}");

            RequestStatus after = market.awaitState("r-after", RequestState.FULFILLED);
            assertThat(after.getOfferId()).isEqualTo("live-offer");
            assertThat(after.getAttempt()).isEqualTo(1);
            assertThat(served).extracting(Assignment::requestId).containsExactly("r-held", "r-after");
            assertThat(held).isEmpty();
        }
    }

    @Test
    void requestsRejectedByOneProducerMoveOnToAnotherAndTheScorecardCountsTheRejections() {
        List<String> requests = List.of("r-rej-1", "r-rej-2", "r-rej-3");
        try (CapmarketProducer rejecting = market.producer("reject-team").autoAccept(false)
                .handler((assignment, context) -> context.reject("no capacity left in eu-west")).build()) {
            rejecting.publish(offer("reject-offer", "cap-reject", 3));
            requests.forEach(id -> market.submit(id, "cap-reject", "{}"));
            for (String id : requests) {
                // it may wait a moment for the offer first: the one that counts is after the rejection
                RequestStatus waiting = market.awaitState(id, RequestState.WAITING, status -> !status.getTriedOffers().isEmpty());
                assertThat(waiting.getTriedOffers()).containsExactly("reject-offer");
                assertThat(waiting.getHistory()).extracting(StatusTransition::getDetail)
                        .contains("rejected by reject-team: no capacity left in eu-west");
            }

            try (CapmarketProducer good = market.producer("good-team")
                    .handler((assignment, context) -> context.fulfil(Map.of("host", context.requestId() + ".good"))).build()) {
                good.publish(offer("good-offer", "cap-reject", 3));
                for (String id : requests) {
                    RequestStatus done = market.awaitState(id, RequestState.FULFILLED);
                    assertThat(done.getOfferId()).isEqualTo("good-offer");
                    assertThat(done.getAttempt()).isEqualTo(2);
                }

                await().atMost(Marketplace.WAIT).untilAsserted(() -> {
                    CapabilityScore score = market.latest(market.topics().scorecard(), "cap-reject");
                    assertThat(score).isNotNull();
                    assertThat(score.getAllTime().getSafety().getRejected()).isEqualTo(3);
                    assertThat(score.getAllTime().getSafety().getFulfilled()).isEqualTo(3);
                    ProducerScore rejecter = producer(score, "reject-team");
                    assertThat(rejecter.getAllTime().getSafety().getRejected()).isEqualTo(3);
                    assertThat(rejecter.getAllTime().getSafety().getFulfilled()).isZero();
                    ProducerScore winner = producer(score, "good-team");
                    assertThat(winner.getAllTime().getSafety().getRejected()).isZero();
                    assertThat(winner.getAllTime().getSafety().getFulfilled()).isEqualTo(3);
                });
            }
        }
    }

    @Test
    void aHandlerFailingWithAMessageLargerThanARecordMayBeIsReportedCutAndTheWorkMovesOn() {
        String huge = "provisioning failed: " + "x".repeat(2 * 1024 * 1024); // over the producer's default max.request.size
        try (CapmarketProducer verbose = market.producer("verbose-team").publishTimeout(Duration.ofSeconds(10))
                .handler((assignment, context) -> {
                    throw new IllegalStateException(huge);
                }).build()) {
            verbose.publish(offer("verbose-offer", "cap-verbose", 1));
            market.submit("r-verbose", "cap-verbose", "{}");

            // the failure was published (cut to the bound), so the marketplace took the work back
            RequestStatus waiting = market.awaitState("r-verbose", RequestState.WAITING, status -> !status.getTriedOffers().isEmpty());

            assertThat(waiting.getHistory()).extracting(StatusTransition::getDetail).anySatisfy(detail -> assertThat(detail)
                    .startsWith("failed at verbose-team (retryable): provisioning failed: xxx"));
        }
    }

    @Test
    void aHandlerThatNeverReturnsIsInterruptedAtItsTimeoutReportedAsARetryableFailureAndItsSlotServesTheNextWork()
            throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch hanging = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        List<String> timedOut = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (CapmarketProducer producer = market.producer("timeout-team").handlerTimeout(Duration.ofSeconds(2))
                .listener(new MicrometerProducerListener(meters, "timeout-team"))
                .listener(new ProducerListener() {
                    @Override
                    public void handlerTimedOut(Assignment assignment, Duration timeout) {
                        timedOut.add(assignment.requestId() + "#" + assignment.attempt() + " after " + timeout);
                    }
                })
                .handler((assignment, context) -> {
                    if (assignment.requestId().equals("r-hangs")) {
                        hanging.countDown();
                        // hangs, and ignores the interrupt too: it keeps its thread (until the test ends), but not its slot
                        boolean released = false;
                        while (!released) {
                            try {
                                never.await();
                                released = true;
                            } catch (InterruptedException e) {
                                interrupted.set(true);
                            }
                        }
                        return;
                    }
                    context.fulfil(Map.of("host", context.requestId() + ".db"));
                }).build()) {
            producer.publish(offer("timeout-offer", "cap-timeout", 1)); // one slot: the hanging handler holds it
            market.submit("r-hangs", "cap-timeout", "{}");
            assertThat(hanging.await(Marketplace.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            market.submit("r-next", "cap-timeout", "{}"); // waits for the offer's one slot

            // the marketplace took the hung work back, and the slot it held runs the next request here
            RequestStatus hung = market.awaitState("r-hangs", RequestState.WAITING, status -> !status.getTriedOffers().isEmpty());
            RequestStatus next = market.awaitState("r-next", RequestState.FULFILLED);

            assertThat(next.getOfferId()).isEqualTo("timeout-offer");
            assertThat(hung.getHistory()).extracting(StatusTransition::getDetail).contains("failed at timeout-team (retryable): "
                    + "handler did not finish within handlerTimeout 2s; its thread was interrupted and its slot freed");
            await().atMost(Marketplace.WAIT).until(interrupted::get);
            List<FulfilmentEvent> firstAttempt = market.fulfilment("timeout-team", "r-hangs").stream()
                    .filter(event -> event.getAttempt() == 1).toList();
            assertThat(firstAttempt).extracting(FulfilmentEvent::getKind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FAILED);
            assertThat(firstAttempt.get(1).getRetryable()).isTrue();
            assertThat(firstAttempt.get(1).getMessage()).isEqualTo("handler did not finish within handlerTimeout 2s; its thread was "
                    + "interrupted and its slot freed");
            assertThat(timedOut).containsExactly("r-hangs#1 after PT2S");
            assertThat(meters.get("capmarket.sdk.handler.timeouts").tag("capability", "cap-timeout").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("capmarket.sdk.handlers.stuck").gauge().value()).as("its thread is still inside").isEqualTo(1.0);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aProcessWhoseHandlersKeepTooManyThreadsPastTheirTimeHeartbeatsUnhealthyUntilTheyReturn() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        int bound = HandlerTimeouts.MAX_STUCK_HANDLERS;
        CountDownLatch hanging = new CountDownLatch(bound);
        try (CapmarketProducer producer = market.producer("stuck-team").instanceId("stuck-1").handlerTimeout(Duration.ofSeconds(1))
                .handler((assignment, context) -> {
                    hanging.countDown();
                    while (true) { // ignores its interrupt
                        try {
                            never.await();
                            break;
                        } catch (InterruptedException e) {
                            // keeps waiting
                        }
                    }
                    context.fulfil(Map.of());
                }).build()) {
            producer.publish(offer("stuck-offer", "cap-stuck", bound));
            for (int i = 0; i < bound; i++) {
                market.submit("r-stuck-" + i, "cap-stuck", "{}");
            }
            assertThat(hanging.await(Marketplace.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            await().atMost(Marketplace.WAIT).until(() -> lastHeartbeatOf("stuck-team", "stuck-1").map(beat -> !beat.getHealthy())
                    .orElse(false));
            never.countDown();
            await().atMost(Marketplace.WAIT).until(() -> lastHeartbeatOf("stuck-team", "stuck-1").map(ProducerHeartbeat::getHealthy)
                    .orElse(false));
        } finally {
            never.countDown();
        }
    }

    @Test
    void aClosingProducerHeartbeatsUnhealthyWhileItsRunningWorkDrains() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        CapmarketProducer producer = market.producer("closing-team").instanceId("closing-1").shutdownTimeout(Duration.ofSeconds(30))
                .handler((assignment, context) -> {
                    running.countDown();
                    release.await();
                    context.fulfil(Map.of("host", context.requestId() + ".db"));
                }).build();
        producer.publish(offer("closing-offer", "cap-closing", 5));
        market.submit("r-draining", "cap-closing", "{}");
        assertThat(running.await(Marketplace.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(Marketplace.WAIT).until(() -> heartbeats("closing-1").stream().anyMatch(ProducerHeartbeat::getHealthy));

        Thread closing = new Thread(producer::close, "closing");
        closing.start();
        try {
            // while close() still waits for the running work, the marketplace is told to match nothing more here
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                List<ProducerHeartbeat> beats = heartbeats("closing-1");
                return !beats.isEmpty() && !beats.get(beats.size() - 1).getHealthy();
            });
            assertThat(closing.isAlive()).isTrue();
            ProducerHeartbeat last = market.lastHeartbeat("closing-team");
            assertThat(last.getHealthy()).isFalse();
            assertThat(last.getInFlight()).isEqualTo(1);
        } finally {
            release.countDown();
            closing.join(TimeUnit.SECONDS.toMillis(40));
        }
        // the drained work's outcome was still reported
        assertThat(market.fulfilment("closing-team", "r-draining")).extracting(FulfilmentEvent::getKind).contains(FulfilmentKind.FULFILLED);
    }

    private List<ProducerHeartbeat> heartbeats(String instanceId) {
        return heartbeats("closing-team", instanceId);
    }

    private List<ProducerHeartbeat> heartbeats(String producerId, String instanceId) {
        return market.readAll(market.topics().heartbeats(producerId)).stream().map(ConsumerRecord::value)
                .filter(beat -> beat.getInstanceId().equals(instanceId)).toList();
    }

    private Optional<ProducerHeartbeat> lastHeartbeatOf(String producerId, String instanceId) {
        List<ProducerHeartbeat> beats = heartbeats(producerId, instanceId);
        return beats.isEmpty() ? Optional.empty() : Optional.of(beats.get(beats.size() - 1));
    }

    private static ProducerScore producer(CapabilityScore score, String producerId) {
        return score.getProducers().stream().filter(p -> p.getProducerId().equals(producerId)).findFirst()
                .orElseThrow(() -> new AssertionError("no scorecard figures for " + producerId + " in " + score));
    }
}
