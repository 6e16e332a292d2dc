package io.capmarket.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.spring.internal.KafkaClientsCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starter on the kafka-clients Spring Boot manages (older than the SDK's), as a team gets it
 * that lets Boot's dependency management win and sets {@code capmarket.check-kafka-clients=false}.
 * The build's {@code boot-managed-kafka-clients} execution runs it with that kafka-clients in
 * place of the SDK's; the broker and registry run in a JVM of their own, on the SDK's Kafka.
 */
class BootKafkaClientsIT {

    @Test
    void theStarterWorksOnTheKafkaClientsSpringBootManages(@TempDir Path dir) throws Exception {
        String managed = System.getProperty("capmarket.boot-kafka-clients");
        assertThat(managed).as("the Spring Boot kafka-clients version this run is for").isNotBlank();
        assertThat(KafkaClientsCheck.onClasspath()).isEqualTo(managed).isNotEqualTo(KafkaClientsCheck.builtWith());

        try (ChildStack stack = ChildStack.start(dir)) {
            new StarterScenario(stack.bootstrapServers(), stack.registryUrl()).run("capmarket.check-kafka-clients=false");
        }
    }
}
