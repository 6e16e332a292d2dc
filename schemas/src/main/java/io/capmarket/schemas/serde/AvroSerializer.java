package io.capmarket.schemas.serde;

import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.registry.RegisteredSchema;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated classes or {@code GenericRecord}s) in Confluent's wire format,
 * registering or looking up their schema in the registry.
 *
 * <p>Configured with Confluent's property names: {@code schema.registry.url},
 * {@code auto.register.schemas} (default true), {@code use.latest.version} (write with the
 * subject's latest schema, resolving the record into it), {@code key.subject.name.strategy} /
 * {@code value.subject.name.strategy}, and basic auth. Thread-safe once configured.
 *
 * @param <T> the record type
 */
public final class AvroSerializer<T> implements Serializer<T> {

    private final SchemaRegistryClient givenClient;
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private boolean isKey;

    /** A serializer that creates its registry client from the properties given to {@link #configure}. */
    public AvroSerializer() {
        this(null);
    }

    /** A serializer that shares {@code client}; {@code schema.registry.url} then becomes optional. */
    public AvroSerializer(SchemaRegistryClient client) {
        this.givenClient = client;
        AvroTrust.install();
    }

    @Override
    public void configure(Map<String, ?> props, boolean isKey) {
        this.config = RegistryClients.config(props, givenClient);
        this.client = RegistryClients.clientFor(config, givenClient);
        this.isKey = isKey;
        targets.clear();
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("AvroSerializer used before configure(props, isKey)");
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationException("AvroSerializer writes Avro records (generated classes or GenericRecord), "
                    + "but was given a " + data.getClass().getName() + " for topic " + topic);
        }
        Schema schema = container.getSchema();
        if (!config.useLatestVersion() && topic != null) {
            Target target = targets.get(topic);
            if (target != null && target.schema == schema) {
                return frame(target, data);
            }
        }
        String subject = config.subjectNameStrategy(isKey).subject(topic, isKey, schema);
        try {
            if (config.useLatestVersion()) {
                RegisteredSchema latest = client.latest(subject);
                Object datum = latest.schema().equals(schema) ? data : resolve(data, schema, latest.schema());
                return frame(new Target(latest.schema(), latest.id(), writerFor(latest.schema(), datum)), datum);
            }
            int id = config.autoRegisterSchemas() ? client.register(subject, schema) : client.lookup(subject, schema).id();
            Target target = new Target(schema, id, writerFor(schema, data));
            if (topic != null) {
                targets.put(topic, target);
            }
            return frame(target, data);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot serialize a " + schema.getFullName() + " for topic " + topic
                    + " (subject " + subject + "): " + e.getMessage(), e);
        }
    }

    private byte[] frame(Target target, Object datum) {
        FrameBuffer out = new FrameBuffer(WireFormat.HEADER_SIZE, target.size);
        encode(target.schema, target.writer, datum, out);
        byte[] frame = out.toByteArray();
        WireFormat.writeHeader(frame, target.id);
        int size = Math.min(frame.length, FrameBuffer.MOST_TO_RESERVE);
        // written only on a real change, so that threads sharing the serializer rarely write the line they read
        if (size > target.size || size < target.size / 2) {
            target.size = size;
        }
        return frame;
    }

    /**
     * How a topic's records of one schema are written: the id registered for the subject, the
     * writer, and about the size of the recent frames (the next frame's buffer starts an eighth
     * larger). A serializer remembers the last one per topic (one entry per topic it writes, until
     * it is configured again), so a record of the same schema (the same instance) skips the
     * subject's name and the registry client's look-ups: the id of a subject and schema does not
     * change once registered, unless the subject is deleted. A topic whose records alternate
     * between schemas takes the look-ups each time, as before.
     */
    private static final class Target {
        final Schema schema;
        final int id;
        final DatumWriter<Object> writer;
        /** Read and written by any thread without order: any value is a correct starting size. */
        int size = FrameBuffer.LEAST_TO_RESERVE;

        Target(Schema schema, int id, DatumWriter<Object> writer) {
            this.schema = schema;
            this.id = id;
            this.writer = writer;
        }
    }

    /**
     * Appends {@code datum}'s encoding to {@code out}. A generated record goes through its
     * schema's {@link CompiledWriter}; should that meet a value it does not expect, the record is
     * written again, from the same start, by Avro's own writer, whose bytes or error then stand.
     */
    private void encode(Schema schema, DatumWriter<Object> writer, Object datum, FrameBuffer out) {
        int start = out.size();
        try {
            try {
                write(writer, datum, out);
            } catch (RuntimeException unexpected) {
                if (!(writer instanceof CompiledWriter compiled)) {
                    throw unexpected;
                }
                out.truncate(start);
                write(compiled.fallback(), datum, out);
            }
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode a " + schema.getFullName() + ": " + e.getMessage(), e);
        }
    }

    private static void write(DatumWriter<Object> writer, Object datum, FrameBuffer out) throws IOException {
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
    }

    private DatumWriter<Object> writerFor(Schema schema, Object datum) {
        boolean specific = datum instanceof SpecificRecord;
        return writers.computeIfAbsent(schema, s -> specific
                ? CompiledWriter.of(s, SpecificData.getForSchema(s))
                : new GenericDatumWriter<>(s, GenericData.get()));
    }

    /** Rewrites a record into the subject's latest schema through Avro's schema resolution. */
    private Object resolve(Object datum, Schema own, Schema target) {
        FrameBuffer out = new FrameBuffer(0, FrameBuffer.LEAST_TO_RESERVE);
        encode(own, writerFor(own, datum), datum, out);
        try {
            return new GenericDatumReader<>(own, target, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("a " + own.getFullName()
                    + " cannot be written with the subject's latest schema: " + e.getMessage(), e);
        }
    }

    /**
     * The bytes of one frame as they are written: a {@link ByteArrayOutputStream} that takes no
     * lock per write (one thread writes a frame, and Avro's encoder writes every number on its
     * own), starting after room for the wire format's header.
     */
    private static final class FrameBuffer extends ByteArrayOutputStream {

        /** The smallest buffer a frame starts with. */
        static final int LEAST_TO_RESERVE = 256;
        /** The largest size a frame is expected to have: a larger frame grows its buffer as it is written. */
        static final int MOST_TO_RESERVE = 64 * 1024;

        /**
         * @param headerRoom bytes left for the header before the record's
         * @param expected the size the frame is expected to have (the buffer starts an eighth larger)
         */
        FrameBuffer(int headerRoom, int expected) {
            super(Math.max(LEAST_TO_RESERVE, expected + expected / 8));
            count = headerRoom;
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            ensure(length);
            System.arraycopy(bytes, offset, buf, count, length);
            count += length;
        }

        /** Forgets what was written past {@code size} bytes. */
        void truncate(int size) {
            count = size;
        }

        private void ensure(int more) {
            if (more > buf.length - count) {
                buf = Arrays.copyOf(buf, Math.max(2 * buf.length, Math.addExact(count, more)));
            }
        }
    }
}
