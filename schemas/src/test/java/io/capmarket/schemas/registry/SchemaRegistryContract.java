package io.capmarket.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.serde.AvroDeserializer;
import io.capmarket.schemas.serde.AvroSerde;
import io.capmarket.schemas.serde.AvroSerializer;
import io.capmarket.schemas.serde.WireFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One specification for the registry client and serde, run against every registry
 * implementation: capmarket's embedded registry and Apicurio Registry's Confluent API. Where an
 * implementation knowingly differs from Confluent, the subclass says so through
 * {@link #defaultCompatibility()}; assertions are not loosened.
 */
abstract class SchemaRegistryContract {

    static final Schema PING_V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Ping","namespace":"io.capmarket.golden","fields":[
              {"name":"name","type":"string"},
              {"name":"count","type":"int"},
              {"name":"ok","type":"boolean"}]}""");
    static final Schema PING_V2_COMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Ping","namespace":"io.capmarket.golden","fields":[
              {"name":"name","type":"string"},
              {"name":"count","type":"int"},
              {"name":"ok","type":"boolean"},
              {"name":"note","type":["null","string"],"default":null}]}""");
    static final Schema PING_V2_INCOMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Ping","namespace":"io.capmarket.golden","fields":[
              {"name":"name","type":"string"},
              {"name":"count","type":"int"},
              {"name":"ok","type":"boolean"},
              {"name":"region","type":"string"}]}""");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private SchemaRegistryClient client;
    private String subject;

    SchemaRegistryContract(String url) {
        this.url = url;
    }

    /** The registry-wide default compatibility level the implementation ships with. */
    abstract CompatibilityLevel defaultCompatibility();

    @BeforeEach
    void newClientAndSubject() {
        client = SchemaRegistryClient.create(SchemaRegistryConfig.of(url));
        subject = "contract-" + UUID.randomUUID() + "-value";
    }

    @Test
    void registersLooksUpAndFetchesById() {
        int id = client.register(subject, PING_V1);

        RegisteredSchema found = client.lookup(subject, PING_V1);
        assertThat(found.id()).isEqualTo(id);
        assertThat(found.version()).isEqualTo(1);
        assertThat(found.subject()).isEqualTo(subject);
        assertThat(found.schema()).isEqualTo(PING_V1);
        assertThat(SchemaRegistryClient.create(SchemaRegistryConfig.of(url)).schemaById(id)).isEqualTo(PING_V1);
        assertThat(client.latest(subject).id()).isEqualTo(id);
        assertThat(client.version(subject, 1).schema()).isEqualTo(PING_V1);
        assertThat(client.versions(subject)).containsExactly(1);
        assertThat(client.subjects()).contains(subject);
    }

    @Test
    void registeringTheSameSchemaAgainReturnsTheSameIdWithoutANewVersion() {
        int first = client.register(subject, PING_V1);
        int again = SchemaRegistryClient.create(SchemaRegistryConfig.of(url)).register(subject, PING_V1);

        assertThat(again).isEqualTo(first);
        assertThat(client.versions(subject)).containsExactly(1);
    }

    @Test
    void theGlobalDefaultCompatibilityIsTheImplementationsDocumentedOne() {
        assertThat(client.globalCompatibility()).isEqualTo(defaultCompatibility());
    }

    @Test
    void aSubjectsCompatibilityLevelCanBeSetAndRead() {
        client.register(subject, PING_V1);

        assertThat(client.setSubjectCompatibility(subject, CompatibilityLevel.FULL)).isEqualTo(CompatibilityLevel.FULL);
        assertThat(client.subjectCompatibility(subject)).contains(CompatibilityLevel.FULL);
    }

    @Test
    void aBackwardCompatibleSchemaBecomesVersionTwo() {
        client.register(subject, PING_V1);
        client.setSubjectCompatibility(subject, CompatibilityLevel.BACKWARD);

        assertThat(client.testCompatibility(subject, PING_V2_COMPATIBLE).compatible()).isTrue();
        int id = client.register(subject, PING_V2_COMPATIBLE);

        assertThat(client.versions(subject)).containsExactly(1, 2);
        assertThat(client.version(subject, 2).id()).isEqualTo(id);
        assertThat(client.latest(subject).schema()).isEqualTo(PING_V2_COMPATIBLE);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWith409() {
        client.register(subject, PING_V1);
        client.setSubjectCompatibility(subject, CompatibilityLevel.BACKWARD);

        assertThat(client.testCompatibility(subject, PING_V2_INCOMPATIBLE).compatible()).isFalse();
        assertThatThrownBy(() -> client.register(subject, PING_V2_INCOMPATIBLE))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(ErrorCodes.INCOMPATIBLE_SCHEMA);
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(client.versions(subject)).containsExactly(1);
    }

    @Test
    void unknownSubjectVersionAndSchemaHaveConfluentErrorCodes() {
        client.register(subject, PING_V1);

        assertThatThrownBy(() -> client.lookup("missing-" + subject, PING_V1))
                .isInstanceOfSatisfying(SchemaRegistryNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SUBJECT_NOT_FOUND));
        assertThatThrownBy(() -> client.version(subject, 99))
                .isInstanceOfSatisfying(SchemaRegistryNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.VERSION_NOT_FOUND));
        assertThatThrownBy(() -> client.lookup(subject, PING_V2_COMPATIBLE))
                .isInstanceOfSatisfying(SchemaRegistryNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> client.schemaById(987_654_321))
                .isInstanceOfSatisfying(SchemaRegistryNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SCHEMA_NOT_FOUND));
    }

    @Test
    void anUnparseableSchemaIsRefusedWith42201() throws Exception {
        HttpResponse<String> response = post("/subjects/" + subject + "/versions",
                JSON.createObjectNode().put("schema", "{\"type\":\"record\",\"name\":").toString());

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(response.body()).path("error_code").asInt()).isEqualTo(ErrorCodes.INVALID_SCHEMA);
    }

    @Test
    void theSerializerWritesGoldenBytes() throws IOException {
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", url), false);
        GenericRecord ping = new GenericRecordBuilder(PING_V1).set("name", "db").set("count", 3).set("ok", true).build();
        String topic = "golden-" + UUID.randomUUID();

        byte[] frame = serializer.serialize(topic, ping);

        int id = client.lookup(topic + "-value", PING_V1).id();
        assertThat(frame).isEqualTo(frame(id, golden("ping-v1.hex")));
    }

    @Test
    void aSerializerFramesEachRecordWithItsSubjectsIdAcrossSizesSchemasAndTopics() throws IOException {
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", url), false);
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of("schema.registry.url", url), false);
        GenericRecord v1 = new GenericRecordBuilder(PING_V1).set("name", "db").set("count", 3).set("ok", true).build();
        String topic = "alternate-" + UUID.randomUUID();
        String other = "alternate-" + UUID.randomUUID();

        // one schema on one topic: after the first, every record reuses what the serializer remembered,
        // whether it is larger than the frame before (past the buffer it left), smaller, or past 64 KiB
        int id = client.register(topic + "-value", PING_V2_COMPATIBLE);
        for (int length : new int[] {10, 300, 5_000, 20, 100_000, 3_000, 0}) {
            String note = "n".repeat(length);
            byte[] frame = serializer.serialize(topic, new GenericRecordBuilder(PING_V2_COMPATIBLE)
                    .set("name", "db").set("count", length).set("ok", false).set("note", note).build());
            assertThat(WireFormat.schemaId(frame)).isEqualTo(id);
            assertThat(deserializer.deserialize(topic, frame).get("note").toString()).isEqualTo(note);
        }

        for (int round = 0; round < 3; round++) {
            // two schemas alternating on one topic, each round's records larger than the last's
            String note = "n".repeat(300 * round * round);
            GenericRecord v2 = new GenericRecordBuilder(PING_V2_COMPATIBLE)
                    .set("name", "db").set("count", round).set("ok", false).set("note", note).build();
            byte[] first = serializer.serialize(topic, v1);
            byte[] second = serializer.serialize(topic, v2);
            byte[] third = serializer.serialize(other, v1);

            assertThat(first).isEqualTo(frame(client.lookup(topic + "-value", PING_V1).id(), golden("ping-v1.hex")));
            assertThat(WireFormat.schemaId(second)).isEqualTo(client.lookup(topic + "-value", PING_V2_COMPATIBLE).id());
            assertThat(deserializer.deserialize(topic, second).get("note").toString()).isEqualTo(note);
            assertThat(third).isEqualTo(frame(client.lookup(other + "-value", PING_V1).id(), golden("ping-v1.hex")));
        }
    }

    @Test
    void theSerdeWritesGoldenBytesForAnEventSchema() throws IOException {
        AvroSerde<CapabilityOffer> serde = AvroSerde.specific(CapabilityOffer.class);
        serde.configure(Map.of("schema.registry.url", url), false);
        String topic = "golden-" + UUID.randomUUID();

        byte[] frame = serde.serializer().serialize(topic, goldenOffer());

        int id = client.lookup(topic + "-value", CapabilityOffer.getClassSchema()).id();
        assertThat(frame).isEqualTo(frame(id, golden("capability-offer-v1.hex")));
        assertThat(serde.deserializer().deserialize(topic, frame)).isEqualTo(goldenOffer());
    }

    @Test
    void theDeserializerReadsAHandBuiltFrame() throws IOException {
        int id = client.register(subject, PING_V1);
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of("schema.registry.url", url), false);

        GenericRecord ping = deserializer.deserialize("any", frame(id, golden("ping-v1.hex")));

        assertThat(ping.get("name").toString()).isEqualTo("db");
        assertThat(ping.get("count")).isEqualTo(3);
        assertThat(ping.get("ok")).isEqualTo(true);
    }

    @Test
    void theGenericSerdeRoundTripsWithTheWritersSchema() {
        AvroSerde<GenericRecord> serde = AvroSerde.generic();
        serde.configure(Map.of("schema.registry.url", url), false);
        GenericRecord ping = new GenericRecordBuilder(PING_V2_COMPATIBLE)
                .set("name", "db").set("count", 7).set("ok", false).set("note", "hello").build();
        String topic = "generic-" + UUID.randomUUID();

        GenericRecord read = serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, ping));

        assertThat(read.getSchema()).isEqualTo(PING_V2_COMPATIBLE);
        assertThat(read.get("note").toString()).isEqualTo("hello");
        assertThat(read.get("count")).isEqualTo(7);
    }

    @Test
    void theSpecificReaderSettingReturnsGeneratedClasses() {
        AvroSerializer<CapabilityOffer> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", url), false);
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of("schema.registry.url", url, "specific.avro.reader", "true"), false);
        String topic = "specific-" + UUID.randomUUID();

        Object read = deserializer.deserialize(topic, serializer.serialize(topic, goldenOffer()));

        assertThat(read).isInstanceOf(CapabilityOffer.class).isEqualTo(goldenOffer());
    }

    @Test
    void anOldReaderReadsRecordsWrittenWithANewerSchema() {
        Schema newer = new Schema.Parser().parse(CapabilityOffer.getClassSchema().toString().replace(
                "{\"name\":\"updatedAt\"",
                "{\"name\":\"costPerMonth\",\"type\":[\"null\",\"double\"],\"default\":null},{\"name\":\"updatedAt\""));
        GenericData.Record written = new GenericData.Record(newer);
        CapabilityOffer offer = goldenOffer();
        for (Schema.Field field : CapabilityOffer.getClassSchema().getFields()) {
            Object value = offer.get(field.pos());
            written.put(field.name(), value instanceof Instant at ? at.toEpochMilli()
                    : value instanceof OfferStatus status ? new GenericData.EnumSymbol(newer.getField("status").schema(), status.name())
                    : value);
        }
        written.put("costPerMonth", 12.5);
        String topic = "evolution-" + UUID.randomUUID();
        AvroSerializer<GenericRecord> newProducer = new AvroSerializer<>();
        newProducer.configure(Map.of("schema.registry.url", url), false);
        AvroSerde<CapabilityOffer> oldConsumer = AvroSerde.specific(CapabilityOffer.class);
        oldConsumer.configure(Map.of("schema.registry.url", url), false);

        CapabilityOffer read = oldConsumer.deserializer().deserialize(topic, newProducer.serialize(topic, written));

        assertThat(read).isEqualTo(offer);
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() {
        String topic = "latest-" + UUID.randomUUID();
        int latestId = client.register(topic + "-value", PING_V2_COMPATIBLE);
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", url, "auto.register.schemas", "false",
                "use.latest.version", "true"), false);

        byte[] frame = serializer.serialize(topic,
                new GenericRecordBuilder(PING_V1).set("name", "db").set("count", 3).set("ok", true).build());

        assertThat(WireFormat.schemaId(frame)).isEqualTo(latestId);
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of("schema.registry.url", url), false);
        GenericRecord read = deserializer.deserialize(topic, frame);
        assertThat(read.getSchema()).isEqualTo(PING_V2_COMPATIBLE);
        assertThat(read.get("note")).isNull();
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsAnError() {
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", url, "auto.register.schemas", false), false);
        GenericRecord ping = new GenericRecordBuilder(PING_V1).set("name", "db").set("count", 3).set("ok", true).build();

        assertThatThrownBy(() -> serializer.serialize("unregistered-" + UUID.randomUUID(), ping))
                .hasMessageContaining("io.capmarket.golden.Ping")
                .hasCauseInstanceOf(SchemaRegistryNotFoundException.class);
    }

    static CapabilityOffer goldenOffer() {
        return CapabilityOffer.newBuilder()
                .setOfferId("offer-pg-eu")
                .setProducerId("db-team")
                .setCapability("postgres-database")
                .setCapabilityVersion(1)
                .setDescription("PostgreSQL 16")
                .setParameterSchema("{\"type\":\"object\"}")
                .setOutputSchema("{}")
                .setAttributes(Map.of("region", "eu-west"))
                .setLeadTimeSloMs(600_000L)
                .setCapacity(50)
                .setStatus(OfferStatus.ACTIVE)
                .setSunsetAt(null)
                .setUpdatedAt(Instant.ofEpochMilli(1_767_225_600_000L))
                .build();
    }

    static byte[] frame(int id, byte[] body) {
        return ByteBuffer.allocate(WireFormat.HEADER_SIZE + body.length).put((byte) 0).putInt(id).put(body).array();
    }

    static byte[] golden(String name) throws IOException {
        String hex = Files.readString(Path.of("src/test/resources/golden", name), StandardCharsets.US_ASCII);
        return HexFormat.of().parseHex(hex.replaceAll("(?m)#.*$", "").replaceAll("\\s", ""));
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
