package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerKindTest {

    @ParameterizedTest
    @CsvSource({"auto,AUTO", "AUTO,AUTO", "embedded,EMBEDDED", " Embedded ,EMBEDDED", "testcontainers,TESTCONTAINERS"})
    void parsesKnownValuesIgnoringCaseAndSpaces(String value, BrokerKind expected) {
        assertThat(BrokerKind.parse(value)).isEqualTo(expected);
    }

    @Test
    void missingOrBlankMeansAuto() {
        assertThat(BrokerKind.parse(null)).isEqualTo(BrokerKind.AUTO);
        assertThat(BrokerKind.parse("  ")).isEqualTo(BrokerKind.AUTO);
    }

    @Test
    void unknownValueNamesPropertyValueAndAllowedValues() {
        assertThatThrownBy(() -> BrokerKind.parse("docker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'kafka.broker'")
                .hasMessageContaining("'docker'")
                .hasMessageContaining("auto, testcontainers, embedded");
    }

    @Test
    void autoUsesTestcontainersOnlyWhenDockerAnswers() {
        assertThat(BrokerKind.AUTO.resolve(() -> true)).isEqualTo(BrokerKind.TESTCONTAINERS);
        assertThat(BrokerKind.AUTO.resolve(() -> false)).isEqualTo(BrokerKind.EMBEDDED);
    }

    @Test
    void explicitKindsNeverProbeDocker() {
        AtomicInteger probes = new AtomicInteger();
        assertThat(BrokerKind.EMBEDDED.resolve(() -> probes.incrementAndGet() > 0)).isEqualTo(BrokerKind.EMBEDDED);
        assertThat(BrokerKind.TESTCONTAINERS.resolve(() -> probes.incrementAndGet() < 0)).isEqualTo(BrokerKind.TESTCONTAINERS);
        assertThat(probes).hasValue(0);
    }

    @Test
    void embeddedBuilderValidatesItsArguments() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535, but was 70000");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().defaultPartitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultPartitions must be at least 1, but was 0");
    }
}
