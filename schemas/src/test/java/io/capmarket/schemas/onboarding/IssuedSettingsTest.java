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
}
