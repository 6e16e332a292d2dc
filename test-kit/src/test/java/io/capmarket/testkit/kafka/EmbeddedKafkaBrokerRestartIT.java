package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static final String TOPIC = "restart";

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
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-check-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }
}
