package io.capmarket.testkit.registry;

import static io.capmarket.testkit.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class SchemaRegistryExtensionIT {

    @Test
    void sharesOneKafkaBackedRegistryWritingConfluentRecords(EmbeddedSchemaRegistry registry,
                                                             EmbeddedSchemaRegistry again,
                                                             KafkaBroker kafka) {
        assertThat(again).isSameAs(registry);
        String subject = "ext-" + UUID.randomUUID() + "-value";
        String schema = "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"e\",\"type\":\"int\"}]}";

        RegistryHttp.Answer answer = new RegistryHttp(registry.url()).post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(answer.status()).isEqualTo(200);
        int id = answer.json().path("id").asInt();

        String expectedKey = "{\"keytype\":\"SCHEMA\",\"subject\":\"" + subject + "\",\"version\":1,\"magic\":1}";
        TopicPartition partition = new TopicPartition(EmbeddedSchemaRegistry.DEFAULT_TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            String value = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (expectedKey.equals(record.key())) {
                        value = record.value();
                    }
                }
            }
            assertThat(value).isEqualTo("{\"subject\":\"" + subject + "\",\"version\":1,\"id\":" + id
                    + ",\"schema\":" + RegistryHttp.JSON.valueToTree(schema) + ",\"deleted\":false}");
        }
    }
}
