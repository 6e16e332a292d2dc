package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Poison and hostile records on every input topic of the real topology (a producer's own offers,
 * heartbeats and fulfilment topics, the gateway's requests, and the platform's approvals and
 * liveness tables): each is dead-lettered with its reason, exactly once, the topology stays
 * RUNNING, and valid records after the poison are processed as usual.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class PoisonInputIT {

    /**
     * The broker's default {@code message.max.bytes} (1 MiB + 12) less room for the batch and
     * record overhead and the key: the largest value the input topics accept.
     */
    static final int LARGEST_ACCEPTED_VALUE = 1_048_588 - 200;

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private LiveTopology market;
    /** The reason each poison record must be dead-lettered with, by key. */
    private final Map<String, String> reasons = new LinkedHashMap<>();

    PoisonInputIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    private LiveTopology start(String name) {
        market = new LiveTopology(broker, registry, name,
                Map.of("producers.approved", "db-team=postgres-database;hb-team=hb-cap"));
        return market;
    }

    @AfterEach
    void stop() {
        if (market != null) {
            market.close();
        }
    }

    @Test
    void offers() {
        LiveTopology m = start("poison-offers");
        String topic = m.topics().offers("db-team").name();
        CapabilityOffer valid = LiveTopology.offer("pg-valid", "db-team", "postgres-database", 2);
        Map<String, byte[]> poison = commonPoison(m, topic, valid, "CapabilityOffer", "capacity",
                o -> o.put("parameterSchema", huge()));
        enumPoison(poison, hostile(m, topic + "-enum", valid,
                HostileRecords.withExtraSymbol(valid.getSchema(), "OfferStatus", "ON_HOLD"), o -> o.put("status", "ON_HOLD")), "ON_HOLD");
        m.sendRaw(topic, List.copyOf(poison.entrySet()));

        m.send(m.topics().offers("db-team"), "pg-valid", valid);

        m.awaitCatalogOffer("postgres-database", "pg-valid");
        assertDeadLettered(m, topic, poison);
    }

    @Test
    void producerHeartbeats() {
        LiveTopology m = start("poison-heartbeats");
        String topic = m.topics().heartbeats("hb-team").name();
        awaitWaitingForHbTeam(m);
        ProducerHeartbeat valid = LiveTopology.heartbeat("hb-team");
        // ProducerHeartbeat has no enum field: the unknown-symbol case cannot be written for this topic
        Map<String, byte[]> poison = commonPoison(m, topic, valid, "ProducerHeartbeat", "healthy",
                o -> o.put("instanceId", huge()));
        m.sendRaw(topic, List.copyOf(poison.entrySet()));

        m.send(m.topics().heartbeats("hb-team"), valid.getInstanceId(), valid);

        m.awaitState("r-hb", RequestState.MATCHED);
        assertDeadLettered(m, topic, poison);
    }

    /** The liveness table is the platform's, read by Kafka's global thread: poison there is dead-lettered too. */
    @Test
    void producerLiveness() {
        LiveTopology m = start("poison-liveness");
        String topic = m.topics().liveness().name();
        awaitWaitingForHbTeam(m);
        ProducerHeartbeat valid = LiveTopology.heartbeat("hb-team");
        Map<String, byte[]> poison = commonPoison(m, topic, valid, "ProducerHeartbeat", "healthy",
                o -> o.put("instanceId", huge()));
        m.sendRaw(topic, List.copyOf(poison.entrySet()));

        m.send(m.topics().heartbeats("hb-team"), valid.getInstanceId(), valid);

        m.awaitState("r-hb", RequestState.MATCHED);
        assertDeadLettered(m, topic, poison);
    }

    /** A request waiting for the only offer's producer to come alive. */
    private static void awaitWaitingForHbTeam(LiveTopology m) {
        m.send(m.topics().offers("hb-team"), "hb-offer", LiveTopology.offer("hb-offer", "hb-team", "hb-cap", 1));
        m.awaitCatalogOffer("hb-cap", "hb-offer");
        m.send(m.topics().requests(), "r-hb", LiveTopology.submit("r-hb", "hb-cap"));
        m.awaitState("r-hb", RequestState.WAITING);
    }

    @Test
    void producerApprovals() {
        LiveTopology m = start("poison-producers");
        String topic = m.topics().producers().name();
        ProducerApproval valid = LiveTopology.approval("late-team", "late-cap");
        // ProducerApproval has no enum field: the unknown-symbol case cannot be written for this topic
        Map<String, byte[]> poison = commonPoison(m, topic, valid, "ProducerApproval", "approvedBy",
                o -> o.put("approvedBy", huge()));
        m.sendRaw(topic, List.copyOf(poison.entrySet()));

        m.provision(m.topics().producerTopics("late-team"));
        m.send(m.topics().producers(), "late-team", valid);

        // the approval table is read by its own thread, the new topic found on a metadata refresh: offer until taken
        await().atMost(LiveTopology.WAIT).until(() -> {
            m.send(m.topics().offers("late-team"), "late-offer", LiveTopology.offer("late-offer", "late-team", "late-cap", 1));
            var view = m.latest(m.topics().catalog(), "late-cap");
            return view != null && view.getOffers().stream().anyMatch(o -> o.getOfferId().equals("late-offer"));
        });
        assertDeadLettered(m, topic, poison);
    }

    @Test
    void requests() {
        LiveTopology m = start("poison-requests");
        String topic = m.topics().requests().name();
        m.send(m.topics().heartbeats("db-team"), "it", LiveTopology.heartbeat("db-team"));
        m.send(m.topics().offers("db-team"), "pg", LiveTopology.offer("pg", "db-team", "postgres-database", 5));
        m.awaitCatalogOffer("postgres-database", "pg");
        RequestCommand valid = LiveTopology.submit("r-valid", "postgres-database");
        Map<String, byte[]> poison = commonPoison(m, topic, valid, "SubmitRequest", "consumerTeam",
                o -> submit(o).put("parameters", "{\"blob\":\"" + huge() + "\"}"));
        enumPoison(poison, hostile(m, topic + "-enum", valid,
                HostileRecords.withExtraSymbol(valid.getSchema(), "Priority", "URGENT"), o -> submit(o).put("priority", "URGENT")),
                "URGENT");
        m.sendRaw(topic, List.copyOf(poison.entrySet()));

        m.send(m.topics().requests(), "r-valid", valid);

        m.awaitState("r-valid", RequestState.MATCHED);
        assertDeadLettered(m, topic, poison);
    }

    @Test
    void fulfilment() {
        LiveTopology m = start("poison-fulfilment");
        String topic = m.topics().fulfilment("db-team").name();
        m.send(m.topics().heartbeats("db-team"), "it", LiveTopology.heartbeat("db-team"));
        m.send(m.topics().offers("db-team"), "pg", LiveTopology.offer("pg", "db-team", "postgres-database", 5));
        m.awaitCatalogOffer("postgres-database", "pg");
        m.send(m.topics().requests(), "r-f", LiveTopology.submit("r-f", "postgres-database"));
        RequestStatus matched = m.awaitState("r-f", RequestState.MATCHED);
        FulfilmentEvent valid = LiveTopology.report(matched, FulfilmentKind.ACCEPTED);
        Map<String, byte[]> poison = commonPoison(m, topic, valid, "FulfilmentEvent", "attempt",
                o -> o.put("message", union(huge())));
        enumPoison(poison, hostile(m, topic + "-enum", valid,
                HostileRecords.withExtraSymbol(valid.getSchema(), "FulfilmentKind", "PAUSED"), o -> o.put("kind", "PAUSED")),
                "PAUSED");
        m.sendRaw(topic, List.copyOf(poison.entrySet()));

        m.send(m.topics().fulfilment("db-team"), "r-f", valid);
        m.awaitState("r-f", RequestState.ACCEPTED);
        m.send(m.topics().fulfilment("db-team"), "r-f", LiveTopology.report(matched, FulfilmentKind.FULFILLED));

        m.awaitState("r-f", RequestState.FULFILLED);
        assertDeadLettered(m, topic, poison);
    }

    // ---- the poison

    /**
     * Malformed bytes, an unknown schema id, a writer schema lacking a field that has no default,
     * and the largest record the broker accepts.
     */
    private Map<String, byte[]> commonPoison(LiveTopology m, String topic, SpecificRecord valid, String recordName,
            String requiredField, Consumer<ObjectNode> inflate) {
        Map<String, byte[]> poison = new LinkedHashMap<>();
        poison.put("poison-malformed", "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8));
        reasons.put("poison-malformed", "deserialization: unknown magic byte 123, expected 0");
        poison.put("poison-unknown-schema", ByteBuffer.allocate(9).put((byte) 0).putInt(987_654_321).putInt(42).array());
        reasons.put("poison-unknown-schema", "deserialization: schema id 987654321 is not in the registry");
        Schema lacking = HostileRecords.withoutField(valid.getSchema(), recordName, requiredField);
        poison.put("poison-missing-field", hostile(m, topic + "-missing-field", valid, lacking,
                o -> remove(o, recordName, requiredField)));
        reasons.put("poison-missing-field", "missing required field " + requiredField);
        // written with the topic's own schema: a valid record, only too large
        byte[] oversized = HostileRecords.wire(m.registryClient(), topic + "-value",
                HostileRecords.rewrite(valid, valid.getSchema(), inflate));
        assertThat(oversized.length).as("oversized record").isBetween(LARGEST_ACCEPTED_VALUE - 64 * 1024, LARGEST_ACCEPTED_VALUE);
        poison.put("poison-oversized", oversized);
        reasons.put("poison-oversized", "deserialization: value of " + oversized.length + " bytes on " + topic
                + " is larger than the 262144 bytes the topology takes");
        return poison;
    }

    /**
     * The valid record rewritten for the writer schema, registered under a subject of its own (a
     * writer outside the topic's compatibility rules); the reader resolves the writer schema by id.
     */
    private static byte[] hostile(LiveTopology m, String subjectBase, SpecificRecord valid, Schema writer,
            Consumer<ObjectNode> change) {
        SchemaRegistryClient client = m.registryClient();
        GenericRecord record = HostileRecords.rewrite(valid, writer, change);
        return HostileRecords.wire(client, subjectBase + "-hostile-value", record);
    }

    private static void remove(ObjectNode json, String recordName, String field) {
        if (recordName.equals("SubmitRequest")) {
            submit(json).remove(field);
        } else {
            json.remove(field);
        }
    }

    private static ObjectNode submit(ObjectNode command) {
        return (ObjectNode) command.get("command").get("io.capmarket.schemas.SubmitRequest");
    }

    private static ObjectNode union(String text) {
        ObjectNode node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        node.put("string", text);
        return node;
    }

    /** Random letters, so that compression cannot shrink the record below the limit. */
    private static String huge() {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder(LARGEST_ACCEPTED_VALUE);
        while (text.length() < LARGEST_ACCEPTED_VALUE - 4 * 1024) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    // ---- the checks

    private void enumPoison(Map<String, byte[]> poison, byte[] bytes, String symbol) {
        poison.put("poison-enum", bytes);
        reasons.put("poison-enum", "No match for " + symbol);
    }

    private void assertDeadLettered(LiveTopology m, String topic, Map<String, byte[]> poison) {
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
        await().atMost(LiveTopology.WAIT).until(() -> {
            letters.clear();
            letters.addAll(m.deadLettersFrom(topic));
            return letters.size() >= poison.size();
        });
        assertThat(letters).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(poison.keySet());
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            String key = new String(letter.key(), StandardCharsets.UTF_8);
            byte[] original = poison.get(key);
            if (original.length > DeadLetters.MAX_LETTER_VALUE_BYTES) {
                assertThat(letter.value()).as("the first bytes of %s", key)
                        .isEqualTo(java.util.Arrays.copyOf(original, DeadLetters.MAX_LETTER_VALUE_BYTES));
                assertThat(LiveTopology.header(letter, DeadLetterHeaders.ORIGINAL_SIZE)).isEqualTo(Integer.toString(original.length));
            } else {
                assertThat(letter.value()).as("original bytes of %s", key).isEqualTo(original);
                assertThat(LiveTopology.header(letter, DeadLetterHeaders.ORIGINAL_SIZE)).isNull();
            }
            assertThat(LiveTopology.header(letter, DeadLetterHeaders.REASON)).as("reason of %s", key).contains(reasons.get(key));
            assertThat(LiveTopology.header(letter, DeadLetterHeaders.COMPONENT)).isEqualTo(DeadLetters.COMPONENT);
            assertThat(LiveTopology.header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isNotNull();
        }
        assertThat(m.app().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
}
