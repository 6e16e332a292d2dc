package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dead-letter handlers in a real Streams application (source, mapValues, sink; Avro values)
 * under exactly-once, against a real broker and registry.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class DeadLettersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final AtomicBoolean outageOnce = new AtomicBoolean();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologyMetrics metrics = new TopologyMetrics(meters);
    private Admin admin;
    private Topics topics;
    private String input;
    private String output;
    private KafkaStreams streams;

    DeadLettersIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeEach
    void start() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        TopologyConfig config = TopologyConfig.of(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "schema.registry.url", registry.url(),
                "application.id", "dead-letters-it-" + id,
                "topics.prefix", "dl-" + id + ".",
                "topics.partitions", "1",
                "state.dir", Path.of(System.getProperty("java.io.tmpdir"), "streams-" + id).toString(),
                // a replaced thread's consumer does not leave the group: the rebalance waits for its session to expire
                "streams.consumer.session.timeout.ms", "6000"));
        topics = config.topics();
        admin = Admin.create(config.clientConfig());
        new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(List.of(topics.deadLetters().spec()));
        input = "dl-" + id + ".in";
        output = "dl-" + id + ".out";
        admin.createTopics(List.of(new NewTopic(input, Optional.of(1), Optional.empty()),
                new NewTopic(output, Optional.of(1), Optional.empty()))).all().get();

        streams = new KafkaStreams(tinyTopology(), config.streamsProperties(metrics));
        streams.setUncaughtExceptionHandler(new ReplaceThreadHandler(metrics));
        streams.start();
    }

    /** source -> mapValues -> sink, where some values cannot be processed or written. */
    private org.apache.kafka.streams.Topology tinyTopology() {
        Serde<String> pickyStrings = Serdes.serdeFrom((topic, text) -> {
            if (text != null && text.endsWith("/unwritable")) {
                throw new SerializationException("cannot write " + text);
            }
            return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        }, new StringDeserializer());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), topics.heartbeats("db-team").valueSerde()).withName("read-heartbeats"))
                .mapValues(heartbeat -> {
                    if (heartbeat.getInstanceId().equals("boom")) {
                        throw new IllegalStateException("instance boom cannot be processed");
                    }
                    if (heartbeat.getInstanceId().equals("outage-once") && outageOnce.compareAndSet(false, true)) {
                        throw new SchemaRegistryUnavailableException("registry did not answer", null);
                    }
                    return heartbeat.getProducerId() + "/" + heartbeat.getInstanceId();
                }, Named.as("describe-heartbeat"))
                .to(output, Produced.with(Serdes.String(), pickyStrings).withName("write-descriptions"));
        return builder.build();
    }

    @AfterEach
    void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        metrics.close();
        admin.close(Duration.ofSeconds(5));
    }

    @Test
    void poisonGoesToDeadLettersWithItsHeadersAndGoodRecordsFlow() {
        byte[] malformed = "not avro".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchema = ByteBuffer.allocate(7).put((byte) 0).putInt(987_654).put(new byte[] {2, 'x'}).array();
        produce(List.of(
                new ProducerRecord<>(input, "malformed", malformed),
                new ProducerRecord<>(input, "unknown-schema", unknownSchema),
                new ProducerRecord<>(input, "boom", heartbeat("boom")),
                new ProducerRecord<>(input, "unwritable", heartbeat("unwritable")),
                new ProducerRecord<>(input, "good", heartbeat("i-1"))));

        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<String, String> outConsumer = consumer(output, new StringDeserializer(), new StringDeserializer());
                KafkaConsumer<byte[], byte[]> dlqConsumer = consumer(topics.deadLetters().name(), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            await().atMost(WAIT).until(() -> {
                outConsumer.poll(Duration.ofMillis(100)).forEach(out::add);
                dlqConsumer.poll(Duration.ofMillis(100)).forEach(dead::add);
                return out.size() >= 1 && dead.size() >= 4;
            });
        }

        assertThat(out).extracting(ConsumerRecord::key, ConsumerRecord::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("good", "db-team/i-1"));
        assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("malformed", "unknown-schema", "boom", "unwritable");
        assertThat(dead.get(0).value()).isEqualTo(malformed);
        assertThat(dead.get(1).value()).isEqualTo(unknownSchema);
        assertThat(dead.get(2).value()).isEqualTo(heartbeat("boom"));
        assertThat(dead.get(3).value()).isEqualTo(heartbeat("unwritable"));
        for (int i = 0; i < dead.size(); i++) {
            ConsumerRecord<byte[], byte[]> letter = dead.get(i);
            assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(input);
            assertThat(header(letter, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Integer.toString(i));
            assertThat(header(letter, DeadLetterHeaders.COMPONENT)).isEqualTo("topology");
            assertThat(Long.parseLong(header(letter, DeadLetterHeaders.AT)))
                    .isBetween(Instant.now().minus(WAIT).toEpochMilli(), Instant.now().toEpochMilli());
        }
        assertThat(header(dead.get(0), DeadLetterHeaders.EXCEPTION)).isEqualTo(AvroDeserializationException.class.getName());
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("deserialization: ");
        assertThat(header(dead.get(1), DeadLetterHeaders.REASON))
                .isEqualTo("deserialization: schema id 987654 is not in the registry");
        assertThat(header(dead.get(2), DeadLetterHeaders.REASON))
                .isEqualTo("processing in describe-heartbeat: instance boom cannot be processed");
        assertThat(header(dead.get(2), DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(dead.get(3), DeadLetterHeaders.REASON))
                .isEqualTo("serialization of the value for " + output + ": cannot write db-team/unwritable");
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(count("capmarket.dead.letters", "deserialization")).isEqualTo(2);
        assertThat(count("capmarket.dead.letters", "processing")).isEqualTo(1);
        assertThat(count("capmarket.dead.letters", "serialization")).isEqualTo(1);
        assertThat(meters.find("capmarket.stream.thread.replacements").counters()).as("no thread replaced")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
    }

    @Test
    void aRegistryOutageIsNotPoisonTheRecordIsRetriedOnAReplacedThread() {
        produce(List.of(
                new ProducerRecord<>(input, "outage", heartbeat("outage-once")),
                new ProducerRecord<>(input, "good", heartbeat("i-2"))));

        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> outConsumer = consumer(output, new StringDeserializer(), new StringDeserializer())) {
            await().atMost(WAIT).until(() -> {
                outConsumer.poll(Duration.ofMillis(100)).forEach(out::add);
                return out.size() >= 2;
            });
        }

        assertThat(out).extracting(ConsumerRecord::value).containsExactly("db-team/outage-once", "db-team/i-2");
        assertThat(outageOnce).isTrue();
        assertThat(meters.get("capmarket.stream.thread.replacements").tag("exception", "SchemaRegistryUnavailableException")
                .counter().count()).isEqualTo(1);
        // the counters exist at zero from the start; none may have counted anything
        assertThat(meters.find("capmarket.dead.letters").counters()).allSatisfy(c -> assertThat(c.count()).isZero());
        await().atMost(WAIT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    private double count(String name, String reason) {
        Counter counter = meters.find(name).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private byte[] heartbeat(String instanceId) {
        ProducerHeartbeat heartbeat = ProducerHeartbeat.newBuilder().setProducerId("db-team").setInstanceId(instanceId)
                .setAt(Instant.ofEpochMilli(1_700_000_000_000L)).setInFlight(1).setHealthy(true).build();
        return topics.heartbeats("db-team").valueSerde().serializer().serialize(input, heartbeat);
    }

    private void produce(List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    private <K, V> KafkaConsumer<K, V> consumer(String topic, org.apache.kafka.common.serialization.Deserializer<K> keys,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        KafkaConsumer<K, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, values);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
