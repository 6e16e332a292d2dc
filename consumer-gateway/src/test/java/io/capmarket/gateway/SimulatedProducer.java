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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * every assignment it gets (accepted, progress, fulfilled with a host output), does every update
 * (fulfilled with a host and size output) and deprovision (fulfilled), but for the requests it is
 * told to fail updates of ({@link #failUpdatesOf}) or to leave unanswered ({@link #ignore}).
 */
final class SimulatedProducer implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> failingUpdates = ConcurrentHashMap.newKeySet();
    private final Set<String> ignored = ConcurrentHashMap.newKeySet();
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
                        if (assignment == null || assignment.getAction() == AssignmentAction.CANCEL
                                || ignored.contains(assignment.getRequestId())) {
                            continue;
                        }
                        for (FulfilmentKind kind : answers(assignment)) {
                            producer.send(new ProducerRecord<>(fulfilment.name(), assignment.getRequestId(), FulfilmentEvent.newBuilder()
                                    .setRequestId(assignment.getRequestId()).setOfferId(assignment.getOfferId())
                                    .setProducerId(producerId).setCapability(assignment.getCapability())
                                    .setAttempt(assignment.getAttempt()).setRevision(assignment.getRevision()).setKind(kind)
                                    .setMessage(kind == FulfilmentKind.FAILED ? "no disk that large here" : kind.name().toLowerCase())
                                    .setOutputs(outputs(assignment, kind)).setAt(Instant.now()).build()));
                        }
                        producer.flush();
                    }
                }
            }
        }, "simulated-producer-" + producerId);
        thread.setDaemon(true);
        thread.start();
    }

    /** Updates of this request fail from now on. */
    void failUpdatesOf(String requestId) {
        failingUpdates.add(requestId);
    }

    /** Assignments about this request go unanswered from now on. */
    void ignore(String requestId) {
        ignored.add(requestId);
    }

    private List<FulfilmentKind> answers(Assignment assignment) {
        if (assignment.getAction() == AssignmentAction.FULFIL) {
            return List.of(FulfilmentKind.ACCEPTED, FulfilmentKind.PROGRESS, FulfilmentKind.FULFILLED);
        }
        boolean fails = assignment.getAction() == AssignmentAction.UPDATE && failingUpdates.contains(assignment.getRequestId());
        return List.of(FulfilmentKind.ACCEPTED, fails ? FulfilmentKind.FAILED : FulfilmentKind.FULFILLED);
    }

    private static Map<String, String> outputs(Assignment assignment, FulfilmentKind kind) {
        if (kind != FulfilmentKind.FULFILLED || assignment.getAction() == AssignmentAction.DEPROVISION) {
            return Map.of();
        }
        Map<String, String> outputs = new java.util.TreeMap<>(Map.of("host", assignment.getRequestId() + ".db"));
        if (assignment.getAction() == AssignmentAction.UPDATE) {
            outputs.put("parameters", assignment.getParameters());
        }
        return outputs;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
