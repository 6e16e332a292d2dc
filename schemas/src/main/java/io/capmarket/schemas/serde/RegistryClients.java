package io.capmarket.schemas.serde;

import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import java.util.HashMap;
import java.util.Map;

/** Resolves the serde settings and registry client when Kafka configures a serializer or deserializer. */
final class RegistryClients {

    private RegistryClients() {
    }

    /** The serde settings; when a client was given, its URL stands in for a missing {@code schema.registry.url}. */
    static AvroSerdeConfig config(Map<String, ?> props, SchemaRegistryClient given) {
        Map<String, Object> merged = new HashMap<>(props);
        if (given != null) {
            merged.putIfAbsent(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, given.config().urls().get(0).toString());
        }
        return AvroSerdeConfig.from(merged);
    }

    static SchemaRegistryClient clientFor(AvroSerdeConfig config, SchemaRegistryClient given) {
        return given != null ? given : SchemaRegistryClient.create(config.registry());
    }
}
