package io.capmarket.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.spring.internal.KafkaClientsCheck;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The starter on the SDK's own kafka-clients, against the in-JVM broker and the embedded registry. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class CapmarketStarterIT {

    @Test
    void handlerMethodsFulfilTheirCapabilitysAssignmentsThroughTheBroker(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        assertThat(KafkaClientsCheck.onClasspath()).isEqualTo(KafkaClientsCheck.builtWith());

        new StarterScenario(broker.bootstrapServers(), registry.url()).run();
    }
}
