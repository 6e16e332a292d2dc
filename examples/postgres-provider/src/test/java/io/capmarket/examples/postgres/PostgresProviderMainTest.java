package io.capmarket.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service takes its connection from the client properties file onboarding writes, the variables winning over it. */
class PostgresProviderMainTest {

    @Test
    void theClientPropertiesFileConnectsAndTheVariablesWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("db-team.properties");
        Files.writeString(file, """
                bootstrap.servers=127.0.0.1:1
                security.protocol=PLAINTEXT
                schema.registry.url=http://127.0.0.1:1
                auto.register.schemas=false
                """);

        try (CapmarketProducer producer = PostgresProviderMain.connection(Map.of("CAPMARKET_CLIENT_PROPERTIES", file.toString(),
                "CAPMARKET_TOPICS_PREFIX", "staging.")).build()) {
            assertThat(producer.producerId()).isEqualTo("db-team");
            assertThat(producer.topics().offers("db-team").name()).isEqualTo("staging.producer.db-team.offers");
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void aSettingTheSdkDoesNotKnowIsRefusedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("db-team.properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:1\nauto.register.schemas=sometimes\n");

        assertThatThrownBy(() -> PostgresProviderMain.connection(Map.of("CAPMARKET_CLIENT_PROPERTIES", file.toString())))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("serde property auto.register.schemas must be true or false, but was sometimes");
    }
}
