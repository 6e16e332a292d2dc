package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.CapmarketProducerBuilder;
import io.capmarket.sdk.FulfilmentContext;
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
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Updates and deprovisions of a fulfilled resource, written to the producer's assignments topic as
 * the topology writes them: they reach the handler's {@code onUpdate} and {@code onDeprovision},
 * and every report comes back on the fulfilment topic with the operation's revision.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class ResourceOperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    ResourceOperationsIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    private static Offer offer(String offerId) {
        return Offer.builder().offerId(offerId).capability("postgres-database").capacity(2).leadTime(Duration.ofMinutes(10))
                .parameterSchema("{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\"}}}")
                .updatableParameters(List.of("size")).build();
    }

    private CapmarketProducerBuilder producer(Topics topics, String producerId, Offer offer) {
        return CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers()).schemaRegistryUrl(registry.url())
                .topicPrefix(topics.prefix()).producerId(producerId).offers(List.of(offer))
                .heartbeatInterval(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofSeconds(10));
    }

    @Test
    void anUpdateAndADeprovisionReachTheHandlerAndTheirReportsCarryTheirRevision() throws Exception {
        Topics topics = Brokerside.provision(broker, registry, "ops-team");
        Offer offer = offer("pg-ops");
        BlockingQueue<Assignment> seen = new LinkedBlockingQueue<>();
        AssignmentHandler handler = new AssignmentHandler() {
            @Override
            public void onAssignment(Assignment assignment, FulfilmentContext context) {
                context.fulfil(Map.of());
            }

            @Override
            public void onUpdate(Assignment assignment, FulfilmentContext context) {
                seen.add(assignment);
                context.progress("resizing " + assignment.changedParameters());
                context.fulfil(Map.of("host", "r-ops.db.internal"));
            }

            @Override
            public void onDeprovision(Assignment assignment, FulfilmentContext context) {
                seen.add(assignment);
                context.fulfil(Map.of());
            }
        };
        try (CapmarketProducer ignored = producer(topics, "ops-team", offer).handler(handler).build()) {
            assign(topics, "ops-team", offer, AssignmentAction.UPDATE, 1);
            assign(topics, "ops-team", offer, AssignmentAction.DEPROVISION, 2);

            await().atMost(WAIT).until(() -> reports(topics, "ops-team").size() == 3);
        }

        assertThat(seen).extracting(Assignment::action, Assignment::revision).containsExactly(
                org.assertj.core.groups.Tuple.tuple(AssignmentAction.UPDATE, 1),
                org.assertj.core.groups.Tuple.tuple(AssignmentAction.DEPROVISION, 2));
        Assignment update = seen.peek();
        assertThat(update.parameterMap()).containsEntry("size", "large");
        assertThat(update.previousParameterMap()).containsEntry("size", "small");
        List<FulfilmentEvent> reports = reports(topics, "ops-team");
        // an operation is not auto-accepted: the handler's own reports only
        assertThat(reports).extracting(FulfilmentEvent::getKind, FulfilmentEvent::getRevision).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FulfilmentKind.PROGRESS, 1),
                org.assertj.core.groups.Tuple.tuple(FulfilmentKind.FULFILLED, 1),
                org.assertj.core.groups.Tuple.tuple(FulfilmentKind.FULFILLED, 2));
        assertThat(reports.get(1).getOutputs()).containsEntry("host", "r-ops.db.internal");
        assertThat(reports).allSatisfy(r -> {
            assertThat(r.getRequestId()).isEqualTo("r-ops");
            assertThat(r.getAttempt()).isEqualTo(2);
            assertThat(r.getOfferId()).isEqualTo("pg-ops");
            assertThat(r.getProducerId()).isEqualTo("ops-team");
        });
    }

    @Test
    void aHandlerWithoutUpdateAndDeprovisionRejectsThemAsNotSupported() {
        Topics topics = Brokerside.provision(broker, registry, "plain-team");
        Offer offer = offer("pg-plain");
        try (CapmarketProducer ignored = producer(topics, "plain-team", offer)
                .handler((assignment, context) -> context.fulfil(Map.of())).build()) {
            assign(topics, "plain-team", offer, AssignmentAction.UPDATE, 1);
            assign(topics, "plain-team", offer, AssignmentAction.DEPROVISION, 2);

            await().atMost(WAIT).until(() -> reports(topics, "plain-team").size() == 2);
        }

        assertThat(reports(topics, "plain-team")).extracting(FulfilmentEvent::getKind, FulfilmentEvent::getRevision,
                FulfilmentEvent::getMessage).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FulfilmentKind.REJECTED, 1, "update not supported by this producer"),
                org.assertj.core.groups.Tuple.tuple(FulfilmentKind.REJECTED, 2, "deprovision not supported by this producer"));
    }

    /** Writes an operation on request {@code r-ops} (attempt 2, fulfilled at size small) as the topology would. */
    private void assign(Topics topics, String producerId, Offer offer, AssignmentAction action, int revision) {
        boolean update = action == AssignmentAction.UPDATE;
        io.capmarket.schemas.Assignment assignment = io.capmarket.schemas.Assignment.newBuilder().setRequestId("r-ops")
                .setAction(action).setOfferId(offer.offerId()).setProducerId(producerId).setCapability(offer.capability())
                .setCapabilityVersion(1).setConsumerTeam("app-team").setAttempt(2)
                .setParameters(update ? "{\"size\":\"large\"}" : "{\"size\":\"small\"}")
                .setPreviousParameters(update ? "{\"size\":\"small\"}" : null).setRevision(revision)
                .setAssignedAt(Instant.now()).setAcceptDeadline(Instant.now().plus(Duration.ofHours(1)))
                .setLeadTimeSloMs(offer.leadTime().toMillis()).build();
        Brokerside.send(broker, topics.assignments(producerId), "r-ops", assignment);
    }

    private List<FulfilmentEvent> reports(Topics topics, String producerId) {
        return new TopicReader(broker).readAll(topics.fulfilment(producerId)).stream().map(ConsumerRecord::value).toList();
    }
}
