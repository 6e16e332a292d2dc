package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.CapmarketProducerBuilder;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.ProducerNotOnboardedException;
import io.capmarket.sdk.PublishFailedException;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SDK on the producer's own topics only: it never creates one (the broker here would create a
 * topic at the first send), tells a producer that was not onboarded what to do, picks its topics
 * up once onboarding created them, and writes with schemas the platform registered when it may not
 * register any itself.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class OwnTopicsIT {

    private static final Offer OFFER = Offer.builder().offerId("own-1").capability("kafka-topic").capacity(2)
            .leadTime(Duration.ofMinutes(1)).build();

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    OwnTopicsIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    private CapmarketProducerBuilder client(Topics topics, String producerId) {
        return CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers()).schemaRegistryUrl(registry.url())
                .topicPrefix(topics.prefix()).producerId(producerId).heartbeatInterval(Duration.ofMillis(200))
                .shutdownTimeout(Duration.ofSeconds(5)).offers(List.of(OFFER));
    }

    @Test
    void aProducerThatWasNotOnboardedIsToldSoCreatesNoTopicAndStartsOnceOnboardingCreatedThem() {
        Topics topics = Brokerside.withoutProducers(broker, registry);
        List<Throwable> heartbeatErrors = new CopyOnWriteArrayList<>();
        try (CapmarketProducer producer = client(topics, "new-team")
                .listener(new ProducerListener() {
                    @Override
                    public void heartbeatFailed(Throwable error) {
                        heartbeatErrors.add(error);
                    }
                })
                .handler((assignment, context) -> context.fulfil(Map.of("topic", "t-" + context.requestId()))).build()) {
            String prefix = topics.producerPrefix("new-team");

            assertThatThrownBy(() -> producer.publish(OFFER))
                    .isInstanceOf(ProducerNotOnboardedException.class)
                    .hasMessage("producer new-team is not onboarded: its topics " + prefix + "assignments, " + prefix + "fulfilment, "
                            + prefix + "heartbeats, " + prefix + "offers do not exist, and the SDK never creates topics. An "
                            + "administrator onboards the producer first, which creates its topics, ACLs and credentials: "
                            + "./capmarket producer onboard --producer-id new-team --capabilities <capability>[,<capability>...]");
            assertThatThrownBy(producer::liveOffers).isInstanceOf(ProducerNotOnboardedException.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> heartbeatErrors.size() >= 3);
            assertThat(heartbeatErrors).allMatch(ProducerNotOnboardedException.class::isInstance);
            assertThat(topicsStartingWith(prefix)).as("neither a send nor the consumer created a topic").isEmpty();

            Brokerside.onboard(broker, topics, "new-team");

            producer.publish(OFFER);
            assertThat(producer.liveOffers()).containsOnlyKeys("own-1");
            assign(topics, "new-team", "r-late");
            await().atMost(Duration.ofSeconds(30)).until(() -> fulfilled(topics, "new-team").contains("r-late"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !heartbeats(topics, "new-team").isEmpty());
        }
    }

    @Test
    void aProducerThatMayNotRegisterSchemasWritesWithThoseThePlatformRegistered() {
        Topics topics = Brokerside.provision(broker, registry, "lookup-team");
        SchemaRegistryClient platform = SchemaRegistryClient.create(SchemaRegistryConfig.of(registry.url()));
        Map<String, Schema> subjects = Map.of(
                topics.offers("lookup-team").name() + "-value", CapabilityOffer.getClassSchema(),
                topics.heartbeats("lookup-team").name() + "-value", ProducerHeartbeat.getClassSchema(),
                topics.fulfilment("lookup-team").name() + "-value", FulfilmentEvent.getClassSchema());
        subjects.forEach(platform::register);

        try (CapmarketProducer producer = client(topics, "lookup-team").serdeProperty("auto.register.schemas", false)
                .instanceId("lookup-1")
                .handler((assignment, context) -> context.fulfil(Map.of("topic", "t-" + context.requestId()))).build()) {
            producer.publish(OFFER);
            assign(topics, "lookup-team", "r-lookup");

            await().atMost(Duration.ofSeconds(30)).until(() -> fulfilled(topics, "lookup-team").contains("r-lookup"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !heartbeats(topics, "lookup-team").isEmpty());
            assertThat(heartbeats(topics, "lookup-team")).extracting(ConsumerRecord::key).as("keyed by instanceId")
                    .containsOnly("lookup-1");
        }
        subjects.keySet().forEach(subject -> assertThat(platform.versions(subject)).as(subject).containsExactly(1));

        Brokerside.onboard(broker, topics, "unregistered-team");
        try (CapmarketProducer producer = client(topics, "unregistered-team").serdeProperty("auto.register.schemas", false)
                .publishTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(() -> producer.publish(OFFER))
                    .isInstanceOf(PublishFailedException.class)
                    .hasMessageContaining("subject " + topics.offers("unregistered-team").name() + "-value");
        }
        assertThat(platform.subjects()).doesNotContain(topics.offers("unregistered-team").name() + "-value");
    }

    private List<String> topicsStartingWith(String prefix) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(name -> name.startsWith(prefix)).toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics", e);
        }
    }

    private List<String> fulfilled(Topics topics, String producerId) {
        return new TopicReader(broker).readAll(topics.fulfilment(producerId)).stream()
                .filter(r -> r.value().getKind() == FulfilmentKind.FULFILLED).map(ConsumerRecord::key).toList();
    }

    private List<ConsumerRecord<String, ProducerHeartbeat>> heartbeats(Topics topics, String producerId) {
        return new TopicReader(broker).readAll(topics.heartbeats(producerId));
    }

    /** Writes an assignment as the topology would. */
    private void assign(Topics topics, String producerId, String requestId) {
        io.capmarket.schemas.Assignment assignment = io.capmarket.schemas.Assignment.newBuilder().setRequestId(requestId)
                .setAction(AssignmentAction.FULFIL).setOfferId(OFFER.offerId()).setProducerId(producerId)
                .setCapability(OFFER.capability()).setCapabilityVersion(1).setConsumerTeam("app-team").setAttempt(1)
                .setParameters("{}").setAssignedAt(Instant.now()).setAcceptDeadline(Instant.now().plusSeconds(30))
                .setLeadTimeSloMs(60_000).build();
        Topic<String, io.capmarket.schemas.Assignment> topic = topics.assignments(producerId);
        try (KafkaProducer<String, io.capmarket.schemas.Assignment> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), requestId, assignment)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot write the assignment", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
