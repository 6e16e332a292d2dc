package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What onboarding hands out names the registry's credentials; its own description does not. */
class IssuedSettingsTest {

    @Test
    void theDescriptionHoldsNoRegistryCredential() {
        IssuedSettings issued = new IssuedSettings(IssuedSettings.clientBase(Map.of("bootstrap.servers", "b:9092"), null, true),
                "http://registry:8081", Optional.of("reader:reader-secret"), Optional.of("platform:platform-secret"));

        assertThat(issued.toString()).contains("http://registry:8081", "bootstrap.servers")
                .doesNotContain("reader-secret", "platform-secret");
        assertThat(issued.clientBase()).containsEntry("security.protocol", "SASL_PLAINTEXT");
    }

    @Test
    void theClientsSpeakTheAdminsProtocolTlsKept() {
        assertThat(IssuedSettings.clientBase(Map.of("bootstrap.servers", "b:9093", "security.protocol", "SSL",
                "ssl.truststore.location", "/trust.jks"), null, false))
                .containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", "/trust.jks");
        assertThat(IssuedSettings.clientBase(Map.of("bootstrap.servers", "b:9093", "security.protocol", "sasl_ssl"), null, true))
                .as("as Kafka reads it, in any case").containsEntry("security.protocol", "SASL_SSL");
        assertThat(IssuedSettings.clientBase(Map.of("bootstrap.servers", "b:9093", "security.protocol", "SSL"), null, true))
                .as("SCRAM asked for over TLS").containsEntry("security.protocol", "SASL_SSL");
        assertThat(IssuedSettings.clientBase(Map.of("bootstrap.servers", "b:9092"), null, false)).doesNotContainKey("security.protocol");
    }
}
