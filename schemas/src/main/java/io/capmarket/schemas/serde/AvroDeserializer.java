package io.capmarket.schemas.serde;

import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.registry.ErrorCodes;
import io.capmarket.schemas.registry.InvalidSchemaException;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryNotFoundException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in Confluent's wire format: fetches the writer's schema by the id in the
 * record's header and resolves it into the reader's schema, so a consumer built with an older
 * schema reads records written with a newer compatible one (and the other way round).
 *
 * <p>The reader schema is the given generated class's when one is given; otherwise, with
 * {@code specific.avro.reader=true}, the generated class named like the writer's schema; else
 * the writer's schema, returning {@code GenericRecord}s. A record that cannot be read raises an
 * {@link AvroDeserializationException} naming the topic and the reason: bytes that do not decode,
 * or a schema id the registry answers it does not know (error_code 40403) or whose schema does not
 * parse. Any other registry failure (unreachable, 5xx, throttled, refused credentials, a URL that
 * does not lead to the registry) is raised as the registry's own {@code SchemaRegistryException},
 * unwrapped, since the record itself is fine: {@link RegistryFailure#in} tells the two apart.
 * Thread-safe once configured.
 *
 * @param <T> the record type returned
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    private final Class<T> type;
    private final SchemaRegistryClient givenClient;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private AvroSerdeConfig config;

    /** A deserializer configured entirely from the properties given to {@link #configure}. */
    public AvroDeserializer() {
        this(null, null);
    }

    /**
     * A deserializer returning {@code type} (a generated class, or null for the configured
     * behaviour) that shares {@code client} (or null to create one from the properties).
     */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this.type = type;
        this.givenClient = client;
        AvroTrust.install();
    }

    @Override
    public void configure(Map<String, ?> props, boolean isKey) {
        this.config = RegistryClients.config(props, givenClient);
        this.client = RegistryClients.clientFor(config, givenClient);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("AvroDeserializer used before configure(props, isKey)");
        }
        int id;
        try {
            id = WireFormat.schemaId(data);
        } catch (IllegalArgumentException e) {
            throw new AvroDeserializationException(topic, e.getMessage(), e);
        }
        DatumReader<Object> reader = readers.get(id);
        try {
            if (reader == null) {
                // fetched outside the map: a registry call may take seconds, and must not hold up the threads reading other ids
                DatumReader<Object> fetched = readerFor(id);
                DatumReader<Object> raced = readers.putIfAbsent(id, fetched);
                reader = raced == null ? fetched : raced;
            }
        } catch (SchemaRegistryNotFoundException e) {
            if (e.errorCode() != ErrorCodes.SCHEMA_NOT_FOUND) {
                throw e;
            }
            throw new AvroDeserializationException(topic, "schema id " + id + " is not in the registry", e);
        } catch (InvalidSchemaException e) {
            throw new AvroDeserializationException(topic, "the schema with id " + id + " cannot be parsed: " + e.getMessage(), e);
        }
        Object value;
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, null);
        try {
            value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes left over after the datum");
            }
        } catch (IOException | RuntimeException e) {
            throw new AvroDeserializationException(topic, "cannot decode " + data.length + " bytes written with schema id "
                    + id + ": " + e, e);
        }
        if (type != null && !type.isInstance(value)) {
            throw new AvroDeserializationException(topic, "schema id " + id + " holds a " + value.getClass().getName()
                    + ", not a " + type.getName(), null);
        }
        @SuppressWarnings("unchecked")
        T result = (T) value;
        return result;
    }

    private DatumReader<Object> readerFor(int id) {
        Schema writer = client.schemaById(id);
        Class<?> specific;
        if (type != null) {
            specific = SpecificRecord.class.isAssignableFrom(type) ? type : null;
        } else {
            specific = config.specificAvroReader() ? SpecificData.get().getClass(writer) : null;
        }
        if (specific == null) {
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        SpecificData model = SpecificData.getForClass(specific);
        return new SpecificDatumReader<>(writer, model.getSchema(specific), model);
    }
}
