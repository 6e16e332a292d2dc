package io.capmarket.schemas.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSettingsTest {

    private final ClientSettings settings = ClientSettings.of(ordered(
            "bootstrap.servers", "kafka:9092",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", ClientSettings.scramJaasConfig("producer.db-team", "s3cr=t"),
            "schema.registry.url", "https://registry:8081",
            "basic.auth.credentials.source", "USER_INFO",
            "basic.auth.user.info", "reader:r3ad",
            "auto.register.schemas", "false"));

    @Test
    void rendersPropertiesThatReadBackTheSame() throws Exception {
        String text = settings.render("db-team's settings\nkeep them secret");

        assertThat(text).startsWith("# db-team's settings\n# keep them secret\nbootstrap.servers=kafka:9092\n");
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        assertThat(properties).hasSize(8);
        assertThat(properties.getProperty("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"producer.db-team\" password=\"s3cr=t\";");
    }

    @Test
    void splitsKafkaFromRegistrySettings() {
        assertThat(settings.kafkaClientConfig()).containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.mechanism",
                "sasl.jaas.config");
        assertThat(settings.serdeConfig()).containsOnlyKeys("schema.registry.url", "basic.auth.credentials.source",
                "basic.auth.user.info", "auto.register.schemas");
    }

    @Test
    void toStringHidesPasswords() {
        assertThat(settings.toString()).doesNotContain("s3cr=t", "r3ad").contains("password=\"***\"", "reader:***");
    }

    @Test
    void writesAFileOnlyItsOwnerReads(@TempDir Path dir) throws Exception {
        Path file = settings.write(dir.resolve("credentials/producer.db-team.properties"), "db-team");

        assertThat(ClientSettings.read(file).asMap()).isEqualTo(new java.util.TreeMap<>(settings.asMap()));
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        settings.with("bootstrap.servers", "other:9092").write(file, null);
        assertThat(ClientSettings.read(file).get("bootstrap.servers")).contains("other:9092");
    }

    @Test
    void aPlatformPrincipalsSettingsAreTheApplicationsKeys() {
        ClientSettings topology = ClientSettings.of(ordered(
                "bootstrap.servers", "kafka:9092",
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", ClientSettings.scramJaasConfig("capmarket-topology", "t0p"),
                "ssl.truststore.location", "/etc/ca.jks",
                "schema.registry.url", "http://registry:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "capmarket-topology:r3g"));

        assertThat(topology.applicationSettings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "kafka:9092",
                "streams.security.protocol", "SASL_PLAINTEXT",
                "streams.sasl.mechanism", "SCRAM-SHA-512",
                "streams.sasl.jaas.config", ClientSettings.scramJaasConfig("capmarket-topology", "t0p"),
                "streams.ssl.truststore.location", "/etc/ca.jks",
                "schema.registry.url", "http://registry:8081",
                "schema.registry.basic.auth.user.info", "capmarket-topology:r3g"));
    }

    @Test
    void aProducersSettingsAreNotAnApplications() {
        assertThatThrownBy(settings::applicationSettings).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auto.register.schemas is a producer's or a team's serializer setting, but these settings are for the "
                        + "topology or the gateway, which register the platform's schemas themselves (use the file of their principal)");
        assertThatThrownBy(() -> ClientSettings.of(Map.of("basic.auth.credentials.source", "URL")).applicationSettings())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("basic.auth.credentials.source must be USER_INFO (the registry credentials in basic.auth.user.info), "
                        + "but was 'URL'");
    }

    @Test
    void jaasRefusesQuotesAndBackslashes() {
        assertThatThrownBy(() -> ClientSettings.scramJaasConfig("u", "a\"b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without '\"'");
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
