package io.capmarket.gateway;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A producer team for tests, on its own topics as the SDK uses them (it must be onboarded): fulfils
 * every assignment it gets (accepted, progress, fulfilled with a host output).
 */
final class SimulatedProducer implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    SimulatedProducer(String bootstrapServers, Topics topics, String producerId) {
        Topic<String, Assignment> assignments = topics.assignments(producerId);
        Topic<String, FulfilmentEvent> fulfilment = topics.fulfilment(producerId);
        thread = new Thread(() -> {
            try (KafkaConsumer<String, Assignment> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, topics.producerPrefix(producerId) + "sim-" + UUID.randomUUID(),
                    ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    assignments.keySerde().deserializer(), assignments.valueSerde().deserializer());
                 KafkaProducer<String, FulfilmentEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                    fulfilment.keySerde().serializer(), fulfilment.valueSerde().serializer())) {
                consumer.subscribe(List.of(assignments.name()));
                while (running.get()) {
                    for (ConsumerRecord<String, Assignment> record : consumer.poll(Duration.ofMillis(200))) {
                        Assignment assignment = record.value();
                        if (assignment == null || assignment.getAction() != AssignmentAction.FULFIL) {
                            continue;
                        }
                        for (FulfilmentKind kind : List.of(FulfilmentKind.ACCEPTED, FulfilmentKind.PROGRESS, FulfilmentKind.FULFILLED)) {
                            producer.send(new ProducerRecord<>(fulfilment.name(), assignment.getRequestId(), FulfilmentEvent.newBuilder()
                                    .setRequestId(assignment.getRequestId()).setOfferId(assignment.getOfferId())
                                    .setProducerId(producerId).setCapability(assignment.getCapability())
                                    .setAttempt(assignment.getAttempt()).setKind(kind).setMessage(kind.name().toLowerCase())
                                    .setOutputs(kind == FulfilmentKind.FULFILLED ? Map.of("host", assignment.getRequestId() + ".db") : Map.of())
                                    .setAt(Instant.now()).build()));
                        }
                        producer.flush();
                    }
                }
            }
        }, "simulated-producer-" + producerId);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
