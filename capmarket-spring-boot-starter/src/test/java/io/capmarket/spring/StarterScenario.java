package io.capmarket.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.onboarding.ProducerOnboarding;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A Spring application with two {@code @CapmarketHandler}s against a real broker and registry:
 * the starter publishes its offers, each assignment (written as the topology would) reaches the
 * handler of its capability, the fulfilment reaches the producer's topic, health and meters
 * follow, and closing the context stops the client. Uses Kafka's clients only, so it runs on
 * whichever kafka-clients the test's classpath has.
 */
record StarterScenario(String bootstrapServers, String registryUrl) {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String PRODUCER = "spring-team";

    /** Runs the scenario; {@code properties} are added to the application's. */
    void run(String... properties) {
        Topics topics = onboarded();
        CapmarketProducerLifecycle[] seen = new CapmarketProducerLifecycle[1];
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CapmarketAutoConfiguration.class, CapmarketHealthAutoConfiguration.class))
                .withUserConfiguration(Handlers.Both.class)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("capmarket.producer-id=" + PRODUCER, "capmarket.topic-prefix=" + topics.prefix(),
                        "spring.kafka.bootstrap-servers=" + bootstrapServers,
                        "spring.kafka.properties.schema.registry.url=" + registryUrl,
                        "capmarket.publish-offers=true", "capmarket.heartbeat-interval=200ms", "capmarket.shutdown-timeout=5s")
                .withPropertyValues(properties)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CapmarketProducerLifecycle lifecycle = context.getBean(CapmarketProducerLifecycle.class);
                    seen[0] = lifecycle;
                    assertThat(lifecycle.isRunning()).isTrue();
                    assertThat(readAll(topics.offers(PRODUCER))).extracting(ConsumerRecord::key)
                            .containsExactlyInAnyOrder("starter-pg", "starter-topic");

                    assign(topics, "r-pg", "starter-pg", "postgres-database", "{\"size\":\"small\"}");
                    assign(topics, "r-topic", "starter-topic", "kafka-topic", "{}");

                    await().atMost(WAIT).until(() -> fulfilled(topics).size() == 2);
                    assertThat(fulfilled(topics)).containsEntry("r-pg", Map.of("host", "r-pg.pg.internal"))
                            .containsEntry("r-topic", Map.of("topic", "t-r-topic"));
                    assertThat(kinds(topics, "r-pg")).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.PROGRESS,
                            FulfilmentKind.FULFILLED);

                    await().atMost(WAIT).until(() -> context.getBean(CapmarketHealthIndicator.class).health(true).getStatus()
                            .equals(Status.UP));
                    assertThat(context.getBean(MeterRegistry.class).get("capmarket.sdk.assignments.fulfilled")
                            .tag("producer", PRODUCER).tag("capability", "postgres-database").counter().count()).isEqualTo(1.0);
                });
        assertThat(seen[0].isRunning()).isFalse();
    }

    private Topics onboarded() {
        Topics topics = Topics.builder().prefix("starter-" + UUID.randomUUID().toString().substring(0, 8) + ".").partitions(1)
                .serdeConfig(Map.of("schema.registry.url", registryUrl)).build();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(topics.sharedSpecs());
        }
        try (ProducerOnboarding onboarding = ProducerOnboarding.create(topics, Map.of("bootstrap.servers", bootstrapServers),
                Duration.ofSeconds(30))) {
            onboarding.approve(PRODUCER, List.of("*"), "starter-tests");
        }
        return topics;
    }

    /** Writes an assignment as the topology would. */
    private void assign(Topics topics, String requestId, String offerId, String capability, String parameters) throws Exception {
        io.capmarket.schemas.Assignment assignment = io.capmarket.schemas.Assignment.newBuilder().setRequestId(requestId)
                .setAction(AssignmentAction.FULFIL).setOfferId(offerId).setProducerId(PRODUCER).setCapability(capability)
                .setCapabilityVersion(1).setConsumerTeam("app-team").setAttempt(1).setParameters(parameters)
                .setAssignedAt(Instant.now()).setAcceptDeadline(Instant.now().plusSeconds(30)).setLeadTimeSloMs(60_000).build();
        Topic<String, io.capmarket.schemas.Assignment> topic = topics.assignments(PRODUCER);
        try (KafkaProducer<String, io.capmarket.schemas.Assignment> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), requestId, assignment)).get(30, TimeUnit.SECONDS);
        }
    }

    private Map<String, Map<String, String>> fulfilled(Topics topics) {
        Map<String, Map<String, String>> outputs = new TreeMap<>();
        for (ConsumerRecord<String, FulfilmentEvent> record : readAll(topics.fulfilment(PRODUCER))) {
            if (record.value().getKind() == FulfilmentKind.FULFILLED) {
                outputs.put(record.key(), Map.copyOf(record.value().getOutputs()));
            }
        }
        return outputs;
    }

    private List<FulfilmentKind> kinds(Topics topics, String requestId) {
        return readAll(topics.fulfilment(PRODUCER)).stream().filter(r -> r.key().equals(requestId)).map(r -> r.value().getKind())
                .toList();
    }

    /** Reads a topic from the beginning to its current end, without a consumer group; fails when it cannot within 30 s. */
    private <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    // a part of the topic is no proof that a record is absent from it
                    throw new AssertionError("could not read " + topic.name() + " to its end " + end + " within 30 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }
}
