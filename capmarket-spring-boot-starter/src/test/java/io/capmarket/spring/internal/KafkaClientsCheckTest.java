package io.capmarket.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaClientsCheckTest {

    @Test
    void theBuildRecordsTheKafkaClientsItIsBuiltWithAndThisClasspathHasIt() {
        assertThat(KafkaClientsCheck.builtWith()).matches("\\d+\\.\\d+\\.\\d+.*").isEqualTo(KafkaClientsCheck.onClasspath());
        assertThatCode(KafkaClientsCheck::require).doesNotThrowAnyException();
    }

    @Test
    void anOlderKafkaClientsAsSpringBootManagesItIsRefusedWithTheFix() {
        assertThatThrownBy(() -> KafkaClientsCheck.require("4.4.0", "4.1.2"))
                .hasMessageStartingWith("kafka-clients must be 4.4.0 or newer for the capmarket producer SDK, but 4.1.2 is on the classpath")
                .hasMessageContaining("Import io.capmarket:capmarket-bom before spring-boot-dependencies")
                .hasMessageContaining("set the Maven property kafka.version to 4.4.0");
        assertThatThrownBy(() -> KafkaClientsCheck.require("4.4.0", "3.9.1")).hasMessageContaining("3.9.1 is on the classpath");
    }

    @Test
    void theSameOrANewerKafkaClientsIsAccepted() {
        assertThatCode(() -> KafkaClientsCheck.require("4.4.0", "4.4.1")).doesNotThrowAnyException();
        assertThatCode(() -> KafkaClientsCheck.require("4.4.0", "4.5.0-SNAPSHOT")).doesNotThrowAnyException();
        assertThatCode(() -> KafkaClientsCheck.require("4.4.0", "5.0.0")).doesNotThrowAnyException();
    }
}
