package io.capmarket.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes records of one schema as Avro's {@link SpecificDatumWriter} does, byte for byte, from a
 * plan worked out once per schema: one small writer per schema node, chosen by its type, with
 * each logical type's conversion and each nullable union's branches resolved up front.
 *
 * <p>Avro generates no hand-written encoder for a record class whose schema has a logical type
 * (a timestamp, say), so every such record goes through the datum writer's walk of the schema,
 * which looks up a conversion for every field and resolves every union by class for every record:
 * four times the work of writing the same values straight. This plan does the straight writing.
 * Whatever it does not expect (a value of an unforeseen class, a null where the schema allows
 * none) makes it start again with Avro's own writer, so errors and edge cases read as Avro's.
 *
 * <p>Immutable once made, so one instance serves every thread.
 */
final class CompiledWriter implements DatumWriter<Object> {

    /** Writes one value of one schema node. */
    @FunctionalInterface
    private interface Part {
        void write(Object value, Encoder out) throws IOException;
    }

    private final Part root;
    private final SpecificDatumWriter<Object> fallback;

    private CompiledWriter(Part root, SpecificDatumWriter<Object> fallback) {
        this.root = root;
        this.fallback = fallback;
    }

    /** The writer for {@code schema}'s records, with {@code data}'s conversions for its logical types. */
    static CompiledWriter of(Schema schema, SpecificData data) {
        return new CompiledWriter(new Compiler(data).part(schema), new SpecificDatumWriter<>(schema, data));
    }

    @Override
    public void setSchema(Schema schema) {
        throw new UnsupportedOperationException("a compiled writer keeps the schema it was made for");
    }

    /**
     * Writes {@code datum}. The caller writes into a buffer of its own and, should this throw,
     * throws that buffer away: a failure may leave part of the record written.
     */
    @Override
    public void write(Object datum, Encoder out) throws IOException {
        root.write(datum, out);
    }

    /**
     * Avro's own writer for the same schema: for a datum the plan did not expect, so that its
     * error (or its bytes) are exactly Avro's.
     */
    DatumWriter<Object> fallback() {
        return fallback;
    }

    /** Works out the plan of a schema, once per named record (so recursive schemas end). */
    private static final class Compiler {

        private final SpecificData data;
        private final Map<Schema, Part[]> records = new HashMap<>();

        Compiler(SpecificData data) {
            this.data = data;
        }

        Part part(Schema schema) {
            Part raw = rawPart(schema);
            LogicalType logicalType = schema.getLogicalType();
            Conversion<Object> conversion = logicalType == null ? null : conversionFor(logicalType);
            if (conversion == null) {
                return raw;
            }
            Class<Object> converted = conversion.getConvertedType();
            return (value, out) -> raw.write(converted.isInstance(value)
                    ? Conversions.convertToRawType(value, schema, logicalType, conversion) : value, out);
        }

        @SuppressWarnings("unchecked")
        private Conversion<Object> conversionFor(LogicalType logicalType) {
            return (Conversion<Object>) data.getConversionFor(logicalType);
        }

        private Part rawPart(Schema schema) {
            switch (schema.getType()) {
                case RECORD:
                    return record(schema);
                case UNION:
                    return union(schema);
                case ARRAY:
                    return array(schema);
                case MAP:
                    return map(schema);
                case ENUM:
                    return (value, out) -> out.writeEnum(value instanceof Enum<?> e ? e.ordinal() : schema.getEnumOrdinal(value.toString()));
                case STRING:
                    return (value, out) -> {
                        if (!(value instanceof CharSequence text)) {
                            throw new UnexpectedValue();
                        }
                        out.writeString(text);
                    };
                case BYTES:
                    return (value, out) -> out.writeBytes((ByteBuffer) value);
                case FIXED:
                    return (value, out) -> out.writeFixed(((GenericFixed) value).bytes(), 0, schema.getFixedSize());
                case INT:
                    return (value, out) -> out.writeInt(((Number) value).intValue());
                case LONG:
                    return (value, out) -> out.writeLong(((Number) value).longValue());
                case FLOAT:
                    return (value, out) -> out.writeFloat(((Number) value).floatValue());
                case DOUBLE:
                    return (value, out) -> out.writeDouble(((Number) value).doubleValue());
                case BOOLEAN:
                    return (value, out) -> out.writeBoolean((Boolean) value);
                case NULL:
                    return (value, out) -> out.writeNull();
                default:
                    throw new IllegalArgumentException("no plan for Avro type " + schema.getType());
            }
        }

        private Part record(Schema schema) {
            Part[] fields = records.get(schema);
            if (fields == null) {
                List<Schema.Field> declared = schema.getFields();
                Part[] made = new Part[declared.size()];
                records.put(schema, made); // before the fields, for a record that contains itself
                for (Schema.Field field : declared) {
                    made[field.pos()] = part(field.schema());
                }
                fields = made;
            }
            Part[] plan = fields;
            return (value, out) -> {
                IndexedRecord record = (IndexedRecord) value;
                for (int i = 0; i < plan.length; i++) {
                    plan[i].write(record.get(i), out);
                }
            };
        }

        private Part union(Schema schema) {
            List<Schema> branches = schema.getTypes();
            Integer nullBranch = schema.getIndexNamed(Schema.Type.NULL.getName());
            if (branches.size() == 2 && nullBranch != null) {
                int other = 1 - nullBranch;
                Part otherPart = part(branches.get(other));
                int nullIndex = nullBranch;
                return (value, out) -> {
                    if (value == null) {
                        out.writeIndex(nullIndex);
                    } else {
                        out.writeIndex(other);
                        otherPart.write(value, out);
                    }
                };
            }
            Part[] parts = new Part[branches.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = part(branches.get(i));
            }
            return (value, out) -> {
                int branch = data.resolveUnion(schema, value);
                out.writeIndex(branch);
                parts[branch].write(value, out);
            };
        }

        private Part array(Schema schema) {
            Part item = part(schema.getElementType());
            return (value, out) -> {
                if (!(value instanceof Collection<?> items)) {
                    throw new UnexpectedValue();
                }
                out.writeArrayStart();
                out.setItemCount(items.size());
                for (Object element : items) {
                    out.startItem();
                    item.write(element, out);
                }
                out.writeArrayEnd();
            };
        }

        private Part map(Schema schema) {
            Part valuePart = part(schema.getValueType());
            return (value, out) -> {
                Map<?, ?> entries = (Map<?, ?>) value;
                out.writeMapStart();
                out.setItemCount(entries.size());
                for (Map.Entry<?, ?> entry : entries.entrySet()) {
                    out.startItem();
                    out.writeString(entry.getKey().toString());
                    valuePart.write(entry.getValue(), out);
                }
                out.writeMapEnd();
            };
        }
    }

    /** A value the plan does not expect where it is: Avro's own writer takes over. */
    static final class UnexpectedValue extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnexpectedValue() {
            super(null, null, false, false);
        }
    }
}
