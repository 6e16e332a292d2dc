package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the views have still to read of a partition of the statuses, on a real broker: up to its
 * last committed record, past the transaction markers and aborted records that follow it however
 * many, and nothing when the views' group committed a position past it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StatusTailIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaBroker broker;

    StatusTailIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void thePartitionEndsAtItsLastCommittedStatusPastMarkersAndAbortedTransactions() throws Exception {
        String topic = "status-tail-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String group = topic + "-views";
        try (StatusTail tail = new StatusTail(topic, group, Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                TIMEOUT);
             KafkaProducer<String, String> producer = transactional(topic)) {
            assertThat(tail.lastOffset(0)).as("an empty partition").isEmpty();

            long committed = -1;
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                RecordMetadata written = producer.send(new ProducerRecord<>(topic, 0, "r" + i, "status")).get();
                committed = written.offset();
            }
            producer.commitTransaction();
            // the coordinator writes the markers after it answers the commit: until then the transaction is open
            long last = committed;
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(tail.lastOffset(0)).as("before its marker")
                    .isEqualTo(OptionalLong.of(last)));

            // more aborted records after it than the first read back covers
            producer.beginTransaction();
            for (int i = 0; i < StatusTail.FIRST_WINDOW * 2; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "a" + i, "aborted"));
            }
            producer.flush();
            producer.abortTransaction();
            // a transaction begins only once the one before it is marked everywhere: once this one is visible,
            // partition 0 ends with the aborted records and their marker
            producer.beginTransaction();
            long other = producer.send(new ProducerRecord<>(topic, 1, "other", "status")).get().offset();
            producer.commitTransaction();
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(tail.lastOffset(1)).isEqualTo(OptionalLong.of(other)));

            assertThat(tail.lastOffset(0)).as("past the aborted records").isEqualTo(OptionalLong.of(last));

            // the views' group committed its position past the last status: nothing is left to read
            commit(group, new TopicPartition(topic, 0), last + 1);
            assertThat(tail.lastOffset(0)).isEmpty();
            commit(group, new TopicPartition(topic, 0), last);
            assertThat(tail.lastOffset(0)).as("the last status itself not read yet").isEqualTo(OptionalLong.of(last));
        }
    }

    private void commit(String group, TopicPartition partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)));
        }
    }

    private KafkaProducer<String, String> transactional(String topic) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-writer"), new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        return producer;
    }
}
