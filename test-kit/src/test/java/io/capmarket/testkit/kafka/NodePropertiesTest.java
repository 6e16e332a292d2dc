package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A secure node's configuration carries the admin's SCRAM login and the controller's secret; its description neither. */
class NodePropertiesTest {

    @Test
    void aSecureNodeLogsInItsAdminAndItsDescriptionHoldsNoSecret() {
        NodeProperties node = new NodeProperties(1, "1@127.0.0.1:9093", "127.0.0.1", 9092, 9093, "admin", "admin-secret",
                Path.of("/tmp/node"), 4, Map.of("num.partitions", "2"));

        Properties properties = node.properties("controller-secret");

        assertThat(properties.getProperty("listeners")).isEqualTo("SASL_PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        assertThat(properties.getProperty("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"))
                .contains("username=\"admin\"", "password=\"admin-secret\"");
        assertThat(properties.getProperty("listener.name.controller.plain.sasl.jaas.config")).contains("user_admin=\"controller-secret\"");
        assertThat(properties.getProperty("num.partitions")).as("an override wins").isEqualTo("2");
        assertThat(node.toString()).contains("admin", "9092").doesNotContain("admin-secret");
    }

    @Test
    void aPlaintextNodeHasNoLogin() {
        Properties properties = new NodeProperties(1, "1@127.0.0.1:9093", "127.0.0.1", 9092, 9093, null, null, Path.of("/tmp/node"), 1,
                Map.of()).properties(null);

        assertThat(properties.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        assertThat(properties.stringPropertyNames()).noneMatch(name -> name.contains("jaas"));
    }
}
