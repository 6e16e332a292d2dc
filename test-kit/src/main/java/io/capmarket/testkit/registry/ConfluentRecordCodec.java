package io.capmarket.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Encodes {@link JournalRecord}s as Confluent Schema Registry writes them to {@code _schemas}:
 * key {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} with value
 * {@code {"subject","version","id","schema","deleted"}}, and key
 * {@code {"keytype":"CONFIG","subject":..|null,"magic":0}} with value {@code {"compatibilityLevel":..}}.
 * Other key types (MODE, NOOP, DELETE_SUBJECT…) are skipped on replay.
 */
final class ConfluentRecordCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfluentRecordCodec() {
    }

    static byte[] key(JournalRecord record) {
        ObjectNode key = JSON.createObjectNode();
        if (record instanceof JournalRecord.SchemaVersion version) {
            key.put("keytype", "SCHEMA").put("subject", version.subject()).put("version", version.version()).put("magic", 1);
        } else if (record instanceof JournalRecord.VersionRemoved removed) {
            key.put("keytype", "SCHEMA").put("subject", removed.subject()).put("version", removed.version()).put("magic", 1);
        } else if (record instanceof JournalRecord.Config config) {
            key.put("keytype", "CONFIG").put("subject", config.subject()).put("magic", 0);
        }
        return bytes(key);
    }

    /** The value, or {@code null} (a tombstone) for a removal. */
    static byte[] value(JournalRecord record) {
        if (record instanceof JournalRecord.SchemaVersion version) {
            return bytes(JSON.createObjectNode()
                    .put("subject", version.subject())
                    .put("version", version.version())
                    .put("id", version.id())
                    .put("schema", version.schema())
                    .put("deleted", version.deleted()));
        }
        if (record instanceof JournalRecord.Config config && config.level() != null) {
            return bytes(JSON.createObjectNode().put("compatibilityLevel", config.level().name()));
        }
        return null;
    }

    /**
     * Decodes one record of the topic.
     *
     * @return the change, or empty for key types this registry does not use
     * @throws IllegalStateException when the key or value is not the JSON Confluent writes
     */
    static Optional<JournalRecord> decode(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = read(keyBytes);
        String keyType = key.path("keytype").asText();
        JsonNode subjectNode = key.path("subject");
        String subject = subjectNode.isTextual() ? subjectNode.asText() : null;
        if ("SCHEMA".equals(keyType)) {
            int version = key.path("version").asInt();
            if (valueBytes == null) {
                return Optional.of(new JournalRecord.VersionRemoved(subject, version));
            }
            JsonNode value = read(valueBytes);
            return Optional.of(new JournalRecord.SchemaVersion(value.path("subject").asText(),
                    value.path("version").asInt(), value.path("id").asInt(), value.path("schema").asText(),
                    value.path("deleted").asBoolean(false)));
        }
        if ("CONFIG".equals(keyType)) {
            CompatibilityLevel level = valueBytes == null ? null
                    : CompatibilityLevel.parse(read(valueBytes).path("compatibilityLevel").asText());
            return Optional.of(new JournalRecord.Config(subject, level));
        }
        return Optional.empty();
    }

    private static JsonNode read(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalStateException("A record of the schemas topic has no key");
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("A record of the schemas topic is not JSON", e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
