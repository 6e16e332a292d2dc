package io.capmarket.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The serde through a real broker, with the embedded registry stored in Kafka. */
@ExtendWith(KafkaBrokerExtension.class)
class AvroSerdeKafkaIT {

    private final KafkaBroker broker;

    AvroSerdeKafkaIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void recordsWrittenBeforeARegistryRestartAreReadAfterIt() {
        String schemasTopic = "_schemas-" + UUID.randomUUID();
        String topic = "offers-" + UUID.randomUUID();
        List<CapabilityOffer> written = IntStream.range(0, 20).mapToObj(AvroSerdeKafkaIT::offer).toList();
        int idBefore;
        try (EmbeddedSchemaRegistry registry = registry(schemasTopic)) {
            produce(topic, written, registry.url());
            idBefore = SchemaRegistryClient.create(SchemaRegistryConfig.of(registry.url()))
                    .lookup(topic + "-value", CapabilityOffer.getClassSchema()).id();
        }

        try (EmbeddedSchemaRegistry restarted = registry(schemasTopic)) {
            List<CapabilityOffer> read = consume(topic, written.size(), restarted.url());

            assertThat(read).containsExactlyElementsOf(written);
            assertThat(SchemaRegistryClient.create(SchemaRegistryConfig.of(restarted.url()))
                    .lookup(topic + "-value", CapabilityOffer.getClassSchema()).id()).isEqualTo(idBefore);
        }
    }

    @Test
    void aPoisonRecordIsReportedWithTopicPartitionOffsetAndReason() {
        String topic = "poison-" + UUID.randomUUID();
        try (EmbeddedSchemaRegistry registry = registry("_schemas-" + UUID.randomUUID());
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, "bad", "{\"not\":\"avro\"}".getBytes())).get();
            produce(topic, List.of(offer(1)), registry.url());

            try (KafkaConsumer<String, CapabilityOffer> consumer = consumer(registry.url())) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));

                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                        .isInstanceOfSatisfying(RecordDeserializationException.class, failure -> {
                            AvroDeserializationException located = AvroDeserializationException.locate(failure);
                            assertThat(located.topic()).isEqualTo(topic);
                            assertThat(located.partition()).isZero();
                            assertThat(located.offset()).isZero();
                            assertThat(located.reason()).contains("unknown magic byte 123");
                            assertThat(located.getMessage()).contains(topic + " partition 0 offset 0");
                        });

                consumer.seek(partition, 1);
                List<CapabilityOffer> rest = poll(consumer, 1);
                assertThat(rest).containsExactly(offer(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private EmbeddedSchemaRegistry registry(String schemasTopic) {
        return EmbeddedSchemaRegistry.builder().kafkaBootstrapServers(broker.bootstrapServers())
                .topic(schemasTopic).build().start();
    }

    private void produce(String topic, List<CapabilityOffer> offers, String registryUrl) {
        AvroSerde<CapabilityOffer> serde = AvroSerde.specific(CapabilityOffer.class);
        serde.configure(Map.of("schema.registry.url", registryUrl), false);
        try (KafkaProducer<String, CapabilityOffer> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), serde.serializer())) {
            offers.forEach(offer -> producer.send(new ProducerRecord<>(topic, offer.getOfferId(), offer)));
            producer.flush();
        }
    }

    private List<CapabilityOffer> consume(String topic, int count, String registryUrl) {
        try (KafkaConsumer<String, CapabilityOffer> consumer = consumer(registryUrl)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            return poll(consumer, count);
        }
    }

    private KafkaConsumer<String, CapabilityOffer> consumer(String registryUrl) {
        AvroDeserializer<CapabilityOffer> deserializer = new AvroDeserializer<>(CapabilityOffer.class, null);
        deserializer.configure(Map.of("schema.registry.url", registryUrl), false);
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), deserializer);
    }

    private static List<CapabilityOffer> poll(KafkaConsumer<String, CapabilityOffer> consumer, int count) {
        List<CapabilityOffer> read = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, CapabilityOffer> record : consumer.poll(Duration.ofMillis(200))) {
                read.add(record.value());
            }
        }
        return read;
    }

    private static CapabilityOffer offer(int i) {
        return CapabilityOffer.newBuilder()
                .setOfferId("offer-" + i)
                .setProducerId("db-team")
                .setCapability("postgres-database")
                .setCapabilityVersion(1)
                .setParameterSchema("{\"type\":\"object\"}")
                .setOutputSchema("{}")
                .setAttributes(Map.of("region", i % 2 == 0 ? "eu-west" : "eu-north"))
                .setLeadTimeSloMs(600_000L)
                .setCapacity(10 + i)
                .setStatus(OfferStatus.ACTIVE)
                .setUpdatedAt(Instant.ofEpochMilli(1_767_225_600_000L + i))
                .build();
    }
}
