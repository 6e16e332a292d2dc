package io.capmarket.schemas.registry;

import io.capmarket.testkit.apicurio.ApicurioRegistry;
import io.capmarket.testkit.apicurio.ApicurioRegistryExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract against an independent implementation of Confluent's API: Apicurio Registry
 * 3.0.9 at {@code /apis/ccompat/v7}.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class ApicurioSchemaRegistryIT extends SchemaRegistryContract {

    ApicurioSchemaRegistryIT(ApicurioRegistry apicurio) {
        super(apicurio.confluentApiUrl());
    }

    /** Apicurio ships with no global rule (Confluent ships with BACKWARD). */
    @Override
    CompatibilityLevel defaultCompatibility() {
        return CompatibilityLevel.NONE;
    }
}
