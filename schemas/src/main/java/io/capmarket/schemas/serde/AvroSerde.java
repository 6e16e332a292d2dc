package io.capmarket.schemas.serde;

import io.capmarket.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka (and Kafka Streams) {@link Serde} for Avro records in Confluent's wire format: an
 * {@link AvroSerializer} and an {@link AvroDeserializer} configured together.
 *
 * <pre>{@code
 * Serde<CapabilityOffer> offers = AvroSerde.specific(CapabilityOffer.class);
 * offers.configure(Map.of("schema.registry.url", "http://localhost:8081"), false);
 * }</pre>
 *
 * @param <T> the record type
 */
public final class AvroSerde<T> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    private AvroSerde(Class<T> type, SchemaRegistryClient client) {
        this.serializer = new AvroSerializer<>(client);
        this.deserializer = new AvroDeserializer<>(type, client);
    }

    /** A serde for a generated class; the class's schema is the reader schema. */
    public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type) {
        return new AvroSerde<>(type, null);
    }

    /** A serde for a generated class sharing a registry client. */
    public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type, SchemaRegistryClient client) {
        return new AvroSerde<>(type, client);
    }

    /** A serde for {@code GenericRecord}s read with the writer's schema. */
    public static AvroSerde<GenericRecord> generic() {
        return new AvroSerde<>(GenericRecord.class, null);
    }

    /** A serde for {@code GenericRecord}s sharing a registry client. */
    public static AvroSerde<GenericRecord> generic(SchemaRegistryClient client) {
        return new AvroSerde<>(GenericRecord.class, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
