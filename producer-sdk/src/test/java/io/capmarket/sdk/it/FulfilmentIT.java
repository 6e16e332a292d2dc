package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.sdk.Offer;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
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

/** The SDK against the real topology: assignments in, reports out, requests to their end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class FulfilmentIT {

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private Marketplace market;

    FulfilmentIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void startTopology() {
        market = new Marketplace(broker, registry, "fulfil-team=cap-fulfil;throw-team=cap-throw;crash-team=cap-crash;"
                + "cancel-team=cap-cancel;handoff-team=cap-handoff;day2-team=cap-day2");
    }

    @AfterAll
    void stopTopology() {
        market.close();
    }

    private static Offer offer(String offerId, String capability, int capacity) {
        return Offer.builder().offerId(offerId).capability(capability).capacity(capacity).leadTime(Duration.ofMinutes(10)).build();
    }

    @Test
    void aHandlerFulfilsAnAssignmentEndToEnd() {
        BlockingQueue<Assignment> seen = new LinkedBlockingQueue<>();
        try (CapmarketProducer producer = market.producer("fulfil-team").handler((assignment, context) -> {
            seen.add(assignment);
            context.progress("creating database");
            context.fulfil(Map.of("host", context.requestId() + ".db.internal", "password", "vault:kv/db/" + context.requestId()));
        }).build()) {
            producer.publish(offer("pg-fulfil", "cap-fulfil", 2));
            market.submit("r-fulfil", "cap-fulfil", "{\"size\":\"small\"}");

            RequestStatus status = market.awaitState("r-fulfil", RequestState.FULFILLED);

            assertThat(status.getOutputs()).containsEntry("host", "r-fulfil.db.internal")
                    .containsEntry("password", "vault:kv/db/r-fulfil");
            assertThat(seen).singleElement().satisfies(a -> {
                assertThat(a.parameterMap()).containsEntry("size", "small");
                assertThat(a.attempt()).isEqualTo(1);
                assertThat(a.consumerTeam()).isEqualTo("app-team");
            });
            List<FulfilmentEvent> events = market.fulfilment("fulfil-team", "r-fulfil");
            assertThat(events).extracting(FulfilmentEvent::getKind)
                    .containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.PROGRESS, FulfilmentKind.FULFILLED);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.getOfferId()).isEqualTo("pg-fulfil");
                assertThat(e.getProducerId()).isEqualTo("fulfil-team");
                assertThat(e.getCapability()).isEqualTo("cap-fulfil");
                assertThat(e.getAttempt()).isEqualTo(1);
            });
            ProducerHeartbeat heartbeat = market.lastHeartbeat("fulfil-team");
            assertThat(heartbeat.getHealthy()).isTrue();
            assertThat(heartbeat.getProducerId()).isEqualTo("fulfil-team");
        }
    }

    @Test
    void aFulfilledResourceIsUpdatedThenDeprovisionedByItsHandler() {
        BlockingQueue<String> calls = new LinkedBlockingQueue<>();
        AssignmentHandler handler = new AssignmentHandler() {
            @Override
            public void onAssignment(Assignment assignment, FulfilmentContext context) {
                context.fulfil(Map.of("host", "r-day2.db.internal", "size", (String) assignment.parameterMap().get("size")));
            }

            @Override
            public void onUpdate(Assignment assignment, FulfilmentContext context) {
                calls.add("update " + assignment.revision() + " " + assignment.changedParameters());
                context.fulfil(Map.of("host", "r-day2.db.internal", "size", (String) assignment.parameterMap().get("size")));
            }

            @Override
            public void onDeprovision(Assignment assignment, FulfilmentContext context) {
                calls.add("deprovision " + assignment.revision());
                context.fulfil(Map.of());
            }
        };
        try (CapmarketProducer producer = market.producer("day2-team").handler(handler).build()) {
            producer.publish(offer("pg-day2", "cap-day2", 1).toBuilder()
                    .parameterSchema("{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\"}}}")
                    .updatableParameters(List.of("size")).build());
            market.submit("r-day2", "cap-day2", "{\"size\":\"small\"}");
            RequestStatus fulfilled = market.awaitState("r-day2", RequestState.FULFILLED);

            market.update("r-day2", "{\"size\":\"large\"}", fulfilled.getParameters());
            RequestStatus updated = market.awaitState("r-day2", RequestState.FULFILLED, s -> s.getRevision() == 1);
            assertThat(updated.getParameters()).isEqualTo("{\"size\":\"large\"}");
            assertThat(updated.getOutputs()).containsEntry("size", "large");

            market.cancel("r-day2");
            RequestStatus gone = market.awaitState("r-day2", RequestState.DEPROVISIONED);
            assertThat(gone.getRevision()).isEqualTo(2);
            assertThat(gone.getOrphaned()).isFalse();
        }
        assertThat(calls).containsExactly("update 1 [size]", "deprovision 2");
        assertThat(market.fulfilment("day2-team", "r-day2")).extracting(FulfilmentEvent::getKind, FulfilmentEvent::getRevision)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FulfilmentKind.ACCEPTED, 0),
                        org.assertj.core.groups.Tuple.tuple(FulfilmentKind.FULFILLED, 0),
                        org.assertj.core.groups.Tuple.tuple(FulfilmentKind.FULFILLED, 1),
                        org.assertj.core.groups.Tuple.tuple(FulfilmentKind.FULFILLED, 2));
    }

    @Test
    void aThrowingHandlerReportsARetryableFailureAndTheRequestIsNotStuck() {
        try (CapmarketProducer producer = market.producer("throw-team").handler((assignment, context) -> {
            throw new IllegalStateException("cloud quota exceeded in eu-west");
        }).build()) {
            producer.publish(offer("pg-throw", "cap-throw", 1));
            market.submit("r-throw", "cap-throw", "{}");

            await().atMost(Marketplace.WAIT).until(() -> market.fulfilment("throw-team", "r-throw").stream()
                    .anyMatch(e -> e.getKind() == FulfilmentKind.FAILED));
            FulfilmentEvent failed = market.fulfilment("throw-team", "r-throw").stream().filter(e -> e.getKind() == FulfilmentKind.FAILED)
                    .findFirst().orElseThrow();
            assertThat(failed.getRetryable()).isTrue();
            assertThat(failed.getMessage()).isEqualTo("cloud quota exceeded in eu-west");
            // the topology gave the request back to matching, excluding the failed offer
            RequestStatus status = market.awaitState("r-throw", RequestState.WAITING);
            assertThat(status.getTriedOffers()).containsExactly("pg-throw");
        }
    }

    @Test
    void aCrashedProcessHandsItsAssignmentToTheNextOneWithTheSameRequestIdAndAttempt() throws Exception {
        Offer offer = offer("pg-crash", "cap-crash", 1);
        BlockingQueue<Assignment> first = new LinkedBlockingQueue<>();
        CapmarketProducer crashing = market.producer("crash-team").handler((assignment, context) -> {
            first.add(assignment);
            new CountDownLatch(1).await(); // works until the process dies
        }).build();
        crashing.publish(offer);
        market.submit("r-crash", "cap-crash", "{}");
        Assignment before = first.poll(60, TimeUnit.SECONDS);
        assertThat(before).isNotNull();
        market.awaitState("r-crash", RequestState.ACCEPTED);

        crashing.close(Duration.ZERO); // no drain: as if the process died before committing

        BlockingQueue<Assignment> second = new LinkedBlockingQueue<>();
        try (CapmarketProducer next = market.producer("crash-team").offers(List.of(offer)).handler((assignment, context) -> {
            second.add(assignment);
            context.fulfil(Map.of("host", "crash.db"));
        }).build()) {
            RequestStatus status = market.awaitState("r-crash", RequestState.FULFILLED);

            Assignment again = second.poll(10, TimeUnit.SECONDS);
            assertThat(again.requestId()).isEqualTo(before.requestId());
            assertThat(again.attempt()).isEqualTo(before.attempt());
            assertThat(status.getOutputs()).containsEntry("host", "crash.db");
            // the crashed process reported nothing after it died
            assertThat(market.fulfilment("crash-team", "r-crash")).extracting(FulfilmentEvent::getKind).doesNotContain(FulfilmentKind.FAILED);
        }
    }

    @Test
    void aCancelForRunningWorkReachesOnCancel() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        BlockingQueue<Boolean> contextSaysCancelled = new LinkedBlockingQueue<>();
        AssignmentHandler handler = new AssignmentHandler() {
            @Override
            public void onAssignment(Assignment assignment, FulfilmentContext context) throws Exception {
                started.countDown();
                cancelled.await(60, TimeUnit.SECONDS);
                context.fail("stopped: the request was cancelled", false);
            }

            @Override
            public void onCancel(Assignment assignment, FulfilmentContext context) {
                contextSaysCancelled.add(context.cancelled());
                cancelled.countDown();
            }
        };
        try (CapmarketProducer producer = market.producer("cancel-team").handler(handler).build()) {
            producer.publish(offer("pg-cancel", "cap-cancel", 1));
            market.submit("r-cancel", "cap-cancel", "{}");
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

            market.cancel("r-cancel");

            market.awaitState("r-cancel", RequestState.CANCELLED);
            assertThat(contextSaysCancelled.poll(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Marketplace.WAIT).until(() -> producer.inFlight() == 0);
        }
    }

    @Test
    void handedOffWorkIsReportedLaterThroughAReporterOfAnotherClient() throws Exception {
        BlockingQueue<AssignmentRef> handedOff = new LinkedBlockingQueue<>();
        Offer offer = offer("pg-handoff", "cap-handoff", 1);
        try (CapmarketProducer producer = market.producer("handoff-team")
                .handler((assignment, context) -> handedOff.add(context.handOff())).build()) {
            producer.publish(offer);
            market.submit("r-handoff", "cap-handoff", "{}");
            AssignmentRef ref = handedOff.poll(60, TimeUnit.SECONDS);
            assertThat(ref).isEqualTo(new AssignmentRef("r-handoff", 1, "pg-handoff", "cap-handoff"));
            market.awaitState("r-handoff", RequestState.ACCEPTED);
            await().atMost(Marketplace.WAIT).until(() -> producer.inFlight() == 0);
        }

        try (CapmarketProducer elsewhere = market.producer("handoff-team").offers(List.of(offer)).build()) {
            elsewhere.reporter("r-handoff", 1, "pg-handoff").fulfil(Map.of("host", "late.db"));

            assertThat(market.awaitState("r-handoff", RequestState.FULFILLED).getOutputs()).containsEntry("host", "late.db");
        }
    }
}
