package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.ProducerScore;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.Offer;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Producers failing under the real topology, with real SDK clients: one that goes silent while
 * it holds unaccepted work, one that rejects everything, and one whose handler fails with a
 * message larger than a Kafka record may be. (A process that crashes in the
 * middle of its handler is {@link FulfilmentIT}'s
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
                "silent-team=cap-silent;live-team=cap-silent;reject-team=cap-reject;good-team=cap-reject;verbose-team=cap-verbose",
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

        silent.close(Duration.ZERO); // heartbeats stop; nothing is reported

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

    private static ProducerScore producer(CapabilityScore score, String producerId) {
        return score.getProducers().stream().filter(p -> p.getProducerId().equals(producerId)).findFirst()
                .orElseThrow(() -> new AssertionError("no scorecard figures for " + producerId + " in " + score));
    }
}
