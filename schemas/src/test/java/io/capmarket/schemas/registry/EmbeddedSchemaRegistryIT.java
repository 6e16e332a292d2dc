package io.capmarket.schemas.registry;

import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract against capmarket's embedded registry, stored in the test broker's {@code _schemas} topic. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class EmbeddedSchemaRegistryIT extends SchemaRegistryContract {

    EmbeddedSchemaRegistryIT(EmbeddedSchemaRegistry registry) {
        super(registry.url());
    }

    /** As Confluent Schema Registry. */
    @Override
    CompatibilityLevel defaultCompatibility() {
        return CompatibilityLevel.BACKWARD;
    }
}
