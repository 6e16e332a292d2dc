package io.capmarket.testkit.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Keeps the registry in a compacted, single-partition Kafka topic in Confluent's record shapes.
 * Assumes a single writer: one registry instance per topic at a time.
 */
final class KafkaSchemaJournal implements SchemaJournal {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final Map<String, Object> clientConfig;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * @param clientConfig Kafka client settings ({@code bootstrap.servers} and any security settings)
     */
    KafkaSchemaJournal(Map<String, Object> clientConfig, String topic) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.bootstrapServers = String.valueOf(clientConfig.get("bootstrap.servers"));
        this.topic = topic;
        ensureTopic();
        this.producer = new KafkaProducer<>(with(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                // a write is given up on before append() stops waiting for it (TIMEOUT), not after
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000,
                ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-" + topic),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The client settings plus these key-value pairs. */
    private Map<String, Object> with(Object... pairs) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        for (int i = 0; i < pairs.length; i += 2) {
            config.put((String) pairs[i], pairs[i + 1]);
        }
        return config;
    }

    @Override
    public List<JournalRecord> replay() {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<JournalRecord> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(with(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading topic '" + topic + "' up to offset " + end
                            + " took longer than " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ConfluentRecordCodec.decode(record.key(), record.value()).ifPresent(records::add);
                }
            }
        }
        return records;
    }

    @Override
    public void append(JournalRecord record) {
        ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(topic, 0,
                ConfluentRecordCodec.key(record), ConfluentRecordCodec.value(record));
        try {
            producer.send(message).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw RegistryException.storeError("Error while storing to topic '" + topic + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.storeError("Interrupted while storing to topic '" + topic + "'", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /**
     * Describes the topic, waiting while a broker does not know it yet (just created) or its
     * partition has no leader, so that reading it right away does not fail.
     */
    private TopicDescription describeOnceLed(Admin admin) throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                if (description.partitions().stream().allMatch(p -> p.leader() != null) || System.nanoTime() > deadline) {
                    return description;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(50);
        }
    }

    private void ensureTopic() {
        try (Admin admin = Admin.create(with())) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic '" + topic + "' on " + bootstrapServers, e);
                }
            }
            TopicDescription description = describeOnceLed(admin);
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("Topic '" + topic + "' must have exactly 1 partition to keep ids in order, but has "
                        + description.partitions().size());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot describe topic '" + topic + "' on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing topic '" + topic + "'", e);
        }
    }
}
