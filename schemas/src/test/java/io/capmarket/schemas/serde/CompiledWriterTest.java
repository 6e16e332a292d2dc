package io.capmarket.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class CompiledWriterTest {

    private static final String TEXT = "abcxyz-_.:/ 0129éß漢字😀\"\\\n";
    private static final double[] DOUBLES = {0.0, -0.0, 1.5, -2.25e-300, Double.MAX_VALUE, Double.MIN_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    private final Random random = new Random(20261203L);

    CompiledWriterTest() {
        AvroTrust.install();
    }

    @Test
    void writesEveryGeneratedRecordAsAvrosOwnWriterDoes() throws Exception {
        List<Class<? extends SpecificRecordBase>> classes = generatedRecordClasses();
        assertThat(classes).as("generated record classes found").hasSizeGreaterThan(20).contains(RequestStatus.class);
        int compared = 0;
        for (Class<? extends SpecificRecordBase> type : classes) {
            Schema schema = SpecificData.get().getSchema(type);
            SpecificData data = SpecificData.getForSchema(schema);
            CompiledWriter compiled = CompiledWriter.of(schema, data);
            SpecificDatumWriter<Object> avro = new SpecificDatumWriter<>(schema, data);
            for (int i = 0; i < 300; i++) {
                GenericRecord raw = (GenericRecord) randomValue(schema, 0);
                byte[] rawBytes = encode(new GenericDatumWriter<>(schema, GenericData.get()), raw);
                Object record = new SpecificDatumReader<>(schema, schema, data)
                        .read(null, DecoderFactory.get().binaryDecoder(rawBytes, null));
                assertThat(record).isInstanceOf(type);
                byte[] expected = encode(avro, record);
                assertThat(encode(compiled, record)).as("%s #%d: %s", type.getSimpleName(), i, record).isEqualTo(expected);
                assertThat(expected).as("the random record was read in full").hasSameSizeAs(rawBytes);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(classes.size() * 300);
    }

    @Test
    void aValueThePlanDoesNotExpectFailsSoTheSerializerCanHandItToAvro() {
        RequestStatus status = RequestStatus.newBuilder().setRequestId("r").setConsumerTeam("t")
                .setRequestedBy(new io.capmarket.schemas.Requester(io.capmarket.schemas.RequesterKind.BOT, "b"))
                .setCapability("c").setCapabilityVersion(1).setParameters("{}").setConstraints(Map.of())
                .setPriority(io.capmarket.schemas.Priority.NORMAL).setState(RequestState.SUBMITTED).setAttempt(0)
                .setSubmittedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH)
                .setHistory(List.of(new StatusTransition(RequestState.SUBMITTED, Instant.EPOCH, 0, null, null))).build();
        status.put("consumerTeam", null); // a required field left null, as only an untyped put can do
        CompiledWriter compiled = CompiledWriter.of(status.getSchema(), SpecificData.getForSchema(status.getSchema()));

        assertThatThrownBy(() -> encode(compiled, status)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> encode(compiled.fallback(), status)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("consumerTeam");
    }

    private static byte[] encode(DatumWriter<Object> writer, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static List<Class<? extends SpecificRecordBase>> generatedRecordClasses() throws IOException, URISyntaxException {
        Path root = Path.of(RequestStatus.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<? extends SpecificRecordBase>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("io/capmarket/schemas"))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.contains("$")) {
                    continue;
                }
                try {
                    Class<?> type = Class.forName(name);
                    if (SpecificRecordBase.class.isAssignableFrom(type)) {
                        found.add((Class<? extends SpecificRecordBase>) type);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new AssertionError("cannot load " + name, e);
                }
            }
        }
        return found;
    }

    /** A random value of {@code schema} as the generic model holds it (a timestamp as its long). */
    private Object randomValue(Schema schema, int depth) {
        switch (schema.getType()) {
            case RECORD: {
                GenericRecord record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), randomValue(field.schema(), depth + 1));
                }
                return record;
            }
            case UNION: {
                List<Schema> branches = schema.getTypes();
                return randomValue(branches.get(random.nextInt(branches.size())), depth);
            }
            case ARRAY: {
                List<Object> items = new ArrayList<>();
                for (int i = depth > 4 ? 0 : random.nextInt(4); i > 0; i--) {
                    items.add(randomValue(schema.getElementType(), depth + 1));
                }
                return items;
            }
            case MAP: {
                Map<String, Object> entries = random.nextBoolean() ? new HashMap<>() : new LinkedHashMap<>();
                for (int i = depth > 4 ? 0 : random.nextInt(4); i > 0; i--) {
                    entries.put(randomText(), randomValue(schema.getValueType(), depth + 1));
                }
                return entries;
            }
            case ENUM:
                return new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case STRING:
                return randomText();
            case BYTES: {
                byte[] bytes = new byte[random.nextInt(9)];
                random.nextBytes(bytes);
                return ByteBuffer.wrap(bytes);
            }
            case FIXED: {
                byte[] bytes = new byte[schema.getFixedSize()];
                random.nextBytes(bytes);
                return new GenericData.Fixed(schema, bytes);
            }
            case INT:
                return random.nextBoolean() ? random.nextInt() : random.nextInt(200) - 100;
            case LONG:
                return schema.getLogicalType() != null ? random.nextLong() % 10_000_000_000_000L
                        : random.nextBoolean() ? random.nextLong() : (long) random.nextInt(200) - 100;
            case FLOAT:
                return (float) DOUBLES[random.nextInt(DOUBLES.length)];
            case DOUBLE:
                return random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble();
            case BOOLEAN:
                return random.nextBoolean();
            case NULL:
                return null;
            default:
                throw new AssertionError("no random value for " + schema.getType());
        }
    }

    private String randomText() {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(14); i > 0; i--) {
            text.appendCodePoint(TEXT.codePointAt(TEXT.offsetByCodePoints(0, random.nextInt(TEXT.codePointCount(0, TEXT.length())))));
        }
        return text.toString();
    }
}
