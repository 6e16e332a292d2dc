package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.testkit.net.LocalPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Uses its own broker, not the shared one: restarting the shared broker would disturb other tests. */
class EmbeddedKafkaBrokerRestartIT {

    @Test
    void stopThenStartKeepsPortAndData() throws Exception {
        Path dataDirectory;
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
            dataDirectory = kafka.dataDirectory();
            String bootstrap = kafka.bootstrapServers();
            produce(bootstrap, "before-restart");

            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();

            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            produce(bootstrap, "after-restart");
            assertThat(consume(bootstrap, 2)).containsExactly("before-restart", "after-restart");
        }
        assertThat(dataDirectory).as("a temporary data directory is deleted on close").doesNotExist();
    }

    @Test
    void givenDataDirectorySurvivesCloseAndIsNotReformatted() throws Exception {
        Path parent = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        Path dataDirectory = Files.createTempDirectory(parent, "kept-").resolve("kafka");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build().start()) {
            produce(kafka.bootstrapServers(), "first-run");
        }
        assertThat(dataDirectory.resolve("logs/meta.properties")).as("a given directory is kept").exists();

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build().start()) {
            assertThat(consume(kafka.bootstrapServers(), 1)).containsExactly("first-run");
        }
    }

    @Test
    void aNewBrokerOnAKeptDirectoryAbortsATransactionItsCoordinatorNoLongerHolds() throws Exception {
        Path dataDirectory = keptDirectory();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build().start()) {
            KafkaProducer<String, String> producer = transactional(kafka.bootstrapServers(), "left-open");
            try {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(HANGING, 0, "open", "open")).get();
                kafka.stop();
            } finally {
                producer.close(Duration.ZERO);
            }
        }
        // its coordinator no longer holds the open transaction: here it forgot it, after Kafka 4.4's lost markers it
        // completed it; either way no marker will come
        new BrokerStorage(dataDirectory.resolve("logs/__transaction_state-0")).delete();

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build().start()) {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(HANGING, 0, "after", "after")).get();
            }
            assertThat(consume(kafka.bootstrapServers(), HANGING, "read_committed", 1))
                    .as("read past the aborted transaction").containsExactly("after");
        } finally {
            new BrokerStorage(dataDirectory.getParent()).delete();
        }
    }

    @Test
    void aNewBrokerOnAKeptDirectoryLeavesATransactionItsCoordinatorStillHoldsToItsProducer() throws Exception {
        Path dataDirectory = keptDirectory();
        int port = LocalPorts.free();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).port(port).build().start()) {
            try (KafkaProducer<String, String> producer = transactional(kafka.bootstrapServers(), "held")) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(HELD, 0, "held", "held")).get();
                kafka.stop();
                try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).port(port).build().start()) {
                    // the new broker looked at the open transaction while its coordinator held it, and left it alone
                    producer.commitTransaction();
                    assertThat(consume(again.bootstrapServers(), HELD, "read_committed", 1)).containsExactly("held");
                }
            }
        } finally {
            new BrokerStorage(dataDirectory.getParent()).delete();
        }
    }

    private static Path keptDirectory() throws IOException {
        Path parent = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        return Files.createTempDirectory(parent, "kept-").resolve("kafka");
    }

    private static KafkaProducer<String, String> transactional(String bootstrap, String transactionalId) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        return producer;
    }

    private static final String TOPIC = "restart";
    private static final String HANGING = "hanging";
    private static final String HELD = "held";

    private static void produce(String bootstrap, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, value, value)).get();
        }
    }

    private static List<String> consume(String bootstrap, int expected) {
        return consume(bootstrap, TOPIC, "read_uncommitted", expected);
    }

    private static List<String> consume(String bootstrap, String topic, String isolation, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-check-" + System.nanoTime(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }
}
