package io.capmarket.sdk.it;

import io.capmarket.schemas.onboarding.ProducerOnboarding;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Topics of a fresh prefix, without the topology: for tests of the SDK's own Kafka plumbing. */
final class Brokerside {

    private Brokerside() {
    }

    /** A catalogue with a fresh prefix whose shared topics exist, and the producer onboarded (its own topics created). */
    static Topics provision(KafkaBroker broker, EmbeddedSchemaRegistry registry, String producerId) {
        Topics topics = withoutProducers(broker, registry);
        onboard(broker, topics, producerId);
        return topics;
    }

    /** A catalogue with a fresh prefix whose shared topics exist, and no producer onboarded. */
    static Topics withoutProducers(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        Topics topics = Topics.builder().prefix("sdk-" + UUID.randomUUID().toString().substring(0, 8) + ".").partitions(2)
                .serdeConfig(Map.of("schema.registry.url", registry.url())).build();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(topics.sharedSpecs());
        }
        return topics;
    }

    /** Writes one record with {@code acks=all} and waits for it, as the platform's own writers do. */
    static <V> void send(KafkaBroker broker, Topic<String, V> topic, String key, V value) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic.name(), e);
        }
    }

    /** Onboards a producer as an administrator would: its own topics, then its approval for any capability. */
    static void onboard(KafkaBroker broker, Topics topics, String producerId) {
        try (ProducerOnboarding onboarding = ProducerOnboarding.create(topics,
                Map.of("bootstrap.servers", broker.bootstrapServers()), Duration.ofSeconds(30))) {
            onboarding.approve(producerId, List.of("*"), "sdk-tests");
        }
    }
}
