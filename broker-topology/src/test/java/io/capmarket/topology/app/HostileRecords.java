package io.capmarket.topology.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writer schemas derived from the topology's own (v1) schemas, and records in the registry's wire
 * format written with them: what a writer with another idea of the contract would publish.
 */
final class HostileRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HostileRecords() {
    }

    /** The schema with {@code symbol} added to the enum named {@code enumName}. */
    static Schema withExtraSymbol(Schema schema, String enumName, String symbol) {
        return edit(schema, node -> {
            if ("enum".equals(node.path("type").asText()) && enumName.equals(node.path("name").asText())) {
                ((ArrayNode) node.get("symbols")).add(symbol);
            }
        }, "enum " + enumName);
    }

    /** The schema with field {@code field} of record {@code recordName} removed. */
    static Schema withoutField(Schema schema, String recordName, String field) {
        return edit(schema, node -> {
            if ("record".equals(node.path("type").asText()) && recordName.equals(node.path("name").asText())) {
                ArrayNode fields = (ArrayNode) node.get("fields");
                for (Iterator<JsonNode> it = fields.iterator(); it.hasNext(); ) {
                    if (field.equals(it.next().path("name").asText())) {
                        it.remove();
                    }
                }
            }
        }, "record " + recordName);
    }

    /** The schema with a field added to record {@code recordName}, as the last field. */
    static Schema withField(Schema schema, String recordName, String fieldJson) {
        return edit(schema, node -> {
            if ("record".equals(node.path("type").asText()) && recordName.equals(node.path("name").asText())) {
                try {
                    ((ArrayNode) node.get("fields")).add(JSON.readTree(fieldJson));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, "record " + recordName);
    }

    /**
     * The valid record, as Avro JSON, changed by {@code change}, then read with {@code writerSchema}:
     * the same event as the writer of that schema would build it.
     */
    static GenericRecord rewrite(SpecificRecord valid, Schema writerSchema, Consumer<ObjectNode> change) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(valid.getSchema(), out);
            new SpecificDatumWriter<SpecificRecord>(valid.getSchema(), SpecificData.getForSchema(valid.getSchema()))
                    .write(valid, encoder);
            encoder.flush();
            ObjectNode json = (ObjectNode) JSON.readTree(out.toByteArray());
            change.accept(json);
            return new GenericDatumReader<GenericRecord>(writerSchema)
                    .read(null, DecoderFactory.get().jsonDecoder(writerSchema, JSON.writeValueAsString(json)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the writer schema under {@code subject} and writes the record in the wire format with its id. */
    static byte[] wire(SchemaRegistryClient registry, String subject, GenericRecord record) {
        return wire(registry.register(subject, record.getSchema()), record);
    }

    /** Magic byte 0, the 4-byte schema id, the Avro binary. */
    static byte[] wire(int schemaId, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema edit(Schema schema, Consumer<ObjectNode> edit, String what) {
        try {
            JsonNode tree = JSON.readTree(schema.toString());
            String before = tree.toString();
            walk(tree, edit);
            if (tree.toString().equals(before)) {
                throw new IllegalArgumentException(what + " not found in " + schema.getFullName());
            }
            return new Schema.Parser().parse(tree.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(JsonNode node, Consumer<ObjectNode> edit) {
        if (node instanceof ObjectNode object) {
            edit.accept(object);
        }
        node.forEach(child -> walk(child, edit));
    }
}
