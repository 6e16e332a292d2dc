package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SDK's own capacity bound, fed directly through the assignments topic (the topology would bound it too). */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class BackPressureIT {

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    BackPressureIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void neverMoreInFlightThanTheOffersCapacityAndTheRestWaitsForASlot() throws Exception {
        Topics topics = Brokerside.provision(broker, registry, "busy-team");
        Offer offer = Offer.builder().offerId("busy-1").capability("kafka-topic").capacity(2).leadTime(Duration.ofMinutes(1)).build();
        Set<String> running = ConcurrentHashMap.newKeySet();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Set<String> exhausted = ConcurrentHashMap.newKeySet();
        try (CapmarketProducer producer = CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.url()).topicPrefix(topics.prefix()).producerId("busy-team").offers(List.of(offer))
                .listener(new ProducerListener() {
                    @Override
                    public void capacityExhausted(String offerId, int capacity) {
                        exhausted.add(offerId + "/" + capacity);
                    }
                })
                .handler((assignment, context) -> {
                    running.add(assignment.requestId());
                    most.accumulateAndGet(running.size(), Math::max);
                    release.await(60, TimeUnit.SECONDS);
                    running.remove(assignment.requestId());
                    context.fulfil(Map.of());
                }).build()) {
            for (int i = 1; i <= 5; i++) {
                assign(topics, "r" + i, AssignmentAction.FULFIL);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> running.size() == 2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> running.size() == 2);
            assertThat(producer.inFlight()).isEqualTo(2);
            assertThat(exhausted).containsExactly("busy-1/2");

            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> fulfilled(topics).size() == 5);
            assertThat(most.get()).isEqualTo(2);
            assertThat(fulfilled(topics)).containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "r5");
        }
    }

    private List<String> fulfilled(Topics topics) {
        return new TopicReader(broker).readAll(topics.fulfilment("busy-team")).stream()
                .filter(r -> r.value().getKind() == FulfilmentKind.FULFILLED).map(r -> r.key()).toList();
    }

    private void assign(Topics topics, String requestId, AssignmentAction action) {
        io.capmarket.schemas.Assignment assignment = io.capmarket.schemas.Assignment.newBuilder().setRequestId(requestId)
                .setAction(action).setOfferId("busy-1").setProducerId("busy-team").setCapability("kafka-topic")
                .setCapabilityVersion(1).setConsumerTeam("app-team").setAttempt(1).setParameters("{}")
                .setAssignedAt(Instant.now()).setAcceptDeadline(Instant.now().plusSeconds(30)).setLeadTimeSloMs(60_000).build();
        Brokerside.send(broker, topics.assignments("busy-team"), requestId, assignment);
    }
}
