package io.capmarket.schemas.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How the serializer names the registry subject a record's schema is registered under, as in
 * Confluent's serializers. Configured with {@code key.subject.name.strategy} and
 * {@code value.subject.name.strategy}; Confluent's class names are accepted as values.
 */
public enum SubjectNameStrategy {

    /** {@code <topic>-key} or {@code <topic>-value}: one schema lineage per topic (the default). */
    TOPIC_NAME("io.confluent.kafka.serializers.subject.TopicNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one lineage per record type, shared by every topic carrying it. */
    RECORD_NAME("io.confluent.kafka.serializers.subject.RecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<record full name>}: several record types per topic, each with its own lineage. */
    TOPIC_RECORD_NAME("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    private final String confluentClassName;

    SubjectNameStrategy(String confluentClassName) {
        this.confluentClassName = confluentClassName;
    }

    /** The subject for a record of {@code schema} written to {@code topic} as key or value. */
    public abstract String subject(String topic, boolean isKey, Schema schema);

    /** The name Confluent's clients use for this strategy. */
    public String confluentClassName() {
        return confluentClassName;
    }

    /**
     * Reads a strategy from a config value: Confluent's class name, its simple name
     * ({@code TopicNameStrategy}) or this enum's constant name ({@code TOPIC_NAME}).
     *
     * @param property the property being read, for the error message
     */
    public static SubjectNameStrategy fromConfig(String property, Object value) {
        if (value == null) {
            return TOPIC_NAME;
        }
        String text = value instanceof Class<?> type ? type.getName() : value.toString().trim();
        for (SubjectNameStrategy strategy : values()) {
            String className = strategy.confluentClassName;
            if (text.equals(className) || text.equals(className.substring(className.lastIndexOf('.') + 1))
                    || text.toUpperCase(Locale.ROOT).equals(strategy.name())) {
                return strategy;
            }
        }
        throw new IllegalArgumentException(property + " must be one of TopicNameStrategy, RecordNameStrategy, "
                + "TopicRecordNameStrategy (or Confluent's class name for one), but was " + text);
    }
}
