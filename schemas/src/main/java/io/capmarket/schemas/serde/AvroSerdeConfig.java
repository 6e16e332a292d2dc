package io.capmarket.schemas.serde;

import io.capmarket.schemas.registry.SchemaRegistryConfig;
import java.util.Map;

/**
 * The serde's settings, read from Confluent's property names.
 *
 * @param registry how to reach the registry
 * @param autoRegisterSchemas whether the serializer registers a record's schema ({@code auto.register.schemas}, default true)
 * @param useLatestVersion whether the serializer writes with the subject's latest schema ({@code use.latest.version}, default false)
 * @param keySubjectNameStrategy subject naming for keys ({@code key.subject.name.strategy})
 * @param valueSubjectNameStrategy subject naming for values ({@code value.subject.name.strategy})
 * @param specificAvroReader whether the deserializer returns generated classes ({@code specific.avro.reader}, default false)
 */
public record AvroSerdeConfig(SchemaRegistryConfig registry, boolean autoRegisterSchemas, boolean useLatestVersion,
        SubjectNameStrategy keySubjectNameStrategy, SubjectNameStrategy valueSubjectNameStrategy,
        boolean specificAvroReader) {

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    /**
     * Reads the settings from Kafka-style properties.
     *
     * @throws IllegalArgumentException naming the property when one is missing or invalid
     */
    public static AvroSerdeConfig from(Map<String, ?> props) {
        return new AvroSerdeConfig(SchemaRegistryConfig.from(props),
                bool(props, AUTO_REGISTER_SCHEMAS, true),
                bool(props, USE_LATEST_VERSION, false),
                SubjectNameStrategy.fromConfig(KEY_SUBJECT_NAME_STRATEGY, props.get(KEY_SUBJECT_NAME_STRATEGY)),
                SubjectNameStrategy.fromConfig(VALUE_SUBJECT_NAME_STRATEGY, props.get(VALUE_SUBJECT_NAME_STRATEGY)),
                bool(props, SPECIFIC_AVRO_READER, false));
    }

    /** The subject naming for keys or values. */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return isKey ? keySubjectNameStrategy : valueSubjectNameStrategy;
    }

    private static boolean bool(Map<String, ?> props, String key, boolean fallback) {
        Object value = props.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(key + " must be true or false, but was " + value);
    }
}
