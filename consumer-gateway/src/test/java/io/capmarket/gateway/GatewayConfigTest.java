package io.capmarket.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.config.InvalidConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    private static final Map<String, String> REQUIRED = Map.of("bootstrap.servers", "localhost:9092", "schema.registry.url", "http://localhost:8081");

    @Test
    void defaultsFillWhatIsNotGiven() {
        GatewayConfig config = GatewayConfig.of(REQUIRED);

        assertThat(config.applicationId()).isEqualTo("capmarket-gateway");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.topicsPrefix()).isEqualTo("capmarket.");
        assertThat(config.maxRequestSize()).isEqualTo(256 * 1024);
        assertThat(config.longPollMaxTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.devMode()).isFalse();
        assertThat(config.tokens().size()).isZero();
        assertThat(config.streamsProperties(8080)).containsEntry("application.server", config.advertisedHost() + ":8080")
                .containsEntry("consumer.isolation.level", "read_committed");
    }

    @Test
    void theEnvironmentOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                bootstrap.servers: kafka:9092
                schema.registry.url: http://registry:8081
                http:
                  port: 9000
                  advertised-host: gw-1
                dev-mode: true
                """);

        GatewayConfig config = GatewayConfig.load(file, Map.of("CAPMARKET_HTTP_PORT", "9100", "CAPMARKET_STREAMS_NUM_STREAM_THREADS", "2",
                "CAPMARKET_MATCHING_ACCEPT_DEADLINE", "10s"));

        assertThat(config.httpPort()).isEqualTo(9100);
        assertThat(config.advertisedHost()).isEqualTo("gw-1");
        assertThat(config.devMode()).isTrue();
        assertThat(config.tokens().size()).isEqualTo(2);
        assertThat(config.streamsOverrides()).containsEntry("num.stream.threads", "2");
    }

    @Test
    void theGatewaysClientPropertiesFileFillsEveryKeyNotSetOtherwise(@TempDir Path dir) throws Exception {
        String jaas = ClientSettings.scramJaasConfig("capmarket-gateway", "g4te-s3cret");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("bootstrap.servers", "kafka:9092");
        values.put("security.protocol", "SASL_PLAINTEXT");
        values.put("sasl.mechanism", "SCRAM-SHA-512");
        values.put("sasl.jaas.config", jaas);
        values.put("schema.registry.url", "http://registry:8081");
        values.put("basic.auth.credentials.source", "USER_INFO");
        values.put("basic.auth.user.info", "capmarket-gateway:r3g-s3cret");
        Path file = ClientSettings.of(values).write(dir.resolve("capmarket-gateway.properties"), "the gateway's settings");

        GatewayConfig config = GatewayConfig.load(null, Map.of("CAPMARKET_CLIENT_PROPERTIES", file.toString(),
                "CAPMARKET_SCHEMA_REGISTRY_URL", "http://other:8081"));

        assertThat(GatewayConfig.readsEnvironmentVariable("CAPMARKET_CLIENT_PROPERTIES")).isTrue();
        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://other:8081");
        assertThat(config.serdeConfig()).containsEntry("basic.auth.user.info", "capmarket-gateway:r3g-s3cret");
        assertThat(config.clientConfig()).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.jaas.config", jaas);
        assertThat(config.streamsProperties(8080)).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(config.describe()).doesNotContain("g4te-s3cret", "r3g-s3cret");

        Path team = Files.writeString(dir.resolve("team.app-team.properties"), "auto.register.schemas=false\n");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("client.properties", team.toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("client.properties must hold the gateway's client settings, but '" + team + "' does not: "
                        + "auto.register.schemas is a producer's or a team's serializer setting");
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> GatewayConfig.load(null, Map.of("CAPMARKET_CLIENT_PROPERTIES", missing.toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("client.properties must be a readable .properties file, but '" + missing + "' could not be read")
                .hasMessageContaining("(from environment variable CAPMARKET_CLIENT_PROPERTIES)");
    }

    @Test
    void kafkasConfigProvidersResolveInEveryClientTheGatewayMakes(@TempDir Path dir) throws Exception {
        String jaas = ClientSettings.scramJaasConfig("capmarket-gateway", "g4te-s3cret");
        Path secrets = Files.writeString(dir.resolve("secrets.properties"), "gateway.jaas=" + jaas + "\n");
        Map<String, String> settings = new HashMap<>(REQUIRED);
        settings.put("streams.config.providers", "file");
        settings.put("streams.config.providers.file.class", FileConfigProvider.class.getName());
        settings.put("streams.security.protocol", "SASL_PLAINTEXT");
        settings.put("streams.sasl.mechanism", "SCRAM-SHA-512");
        settings.put("streams.sasl.jaas.config", "${file:" + secrets + ":gateway.jaas}");
        GatewayConfig config = GatewayConfig.of(settings);

        // the admin client and the requests' publisher: the provider's class reaches them with the reference
        assertThat(new AdminClientConfig(config.clientConfig()).getPassword("sasl.jaas.config").value()).isEqualTo(jaas);
        Map<String, Object> publisher = new HashMap<>(config.clientConfig());
        publisher.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        publisher.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        assertThat(new ProducerConfig(publisher).getPassword("sasl.jaas.config").value()).isEqualTo(jaas);
        // Kafka Streams resolves the reference once and hands every client it makes the value
        StreamsConfig streams = new StreamsConfig(config.streamsProperties(8080));
        assertThat(streams.getGlobalConsumerConfigs("gateway")).containsEntry("sasl.jaas.config", jaas);
    }

    @Test
    void everyProblemNamesTheKeyTheValueAndTheRule() {
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("bootstrap.servers", "nohost", "http.port", "70000",
                "long-poll.max-timeout", "forever", "http.max-request-size", "1", "htpp.port", "1", "streams.application.id", "x")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "bootstrap.servers must be a comma-separated list of host:port, but was 'nohost': 'nohost' is not host:port",
                        "http.port must be an integer from 0 to 65535 (0: any free port), but was '70000'",
                        "long-poll.max-timeout must be a duration like 30s or 500ms, but was 'forever'",
                        "http.max-request-size must be a size like 65536, 64kb or 1mb, from 1kb to 64mb, but was '1'",
                        "unknown setting htpp.port; did you mean http.port?",
                        "streams.application.id is set by capmarket from application.id; set application.id instead",
                        "schema.registry.url is required (a comma-separated list of http(s) URLs; environment variable CAPMARKET_SCHEMA_REGISTRY_URL)"));
    }

    @Test
    void theInsightsWindowDuplicateSimilarityAndMaxAgeHaveDefaultsAndBounds() {
        GatewayConfig defaults = GatewayConfig.of(REQUIRED);
        assertThat(defaults.insightsWindow()).isEqualTo(Duration.ofDays(30));
        assertThat(defaults.insightsDuplicateSimilarity()).isEqualTo(0.8);
        assertThat(defaults.insightsMaxAge()).isEqualTo(Duration.ofSeconds(10));

        Map<String, String> set = new HashMap<>(REQUIRED);
        set.put("insights.window", "12h");
        set.put("insights.duplicate-similarity", "0.5");
        set.put("insights.max-age", "1m");
        GatewayConfig config = GatewayConfig.of(set);
        assertThat(config.insightsWindow()).isEqualTo(Duration.ofHours(12));
        assertThat(config.insightsDuplicateSimilarity()).isEqualTo(0.5);
        assertThat(config.insightsMaxAge()).isEqualTo(Duration.ofMinutes(1));

        Map<String, String> wrong = new HashMap<>(REQUIRED);
        wrong.put("insights.window", "366d");
        wrong.put("insights.duplicate-similarity", "0.4");
        wrong.put("insights.max-age", "0s");
        assertThatThrownBy(() -> GatewayConfig.of(wrong))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "insights.window must be a duration from 1h to 365d, like 30d or 12h, but was '366d'",
                        "insights.duplicate-similarity must be a number from 0.5 to 1, but was '0.4'",
                        "insights.max-age must be a duration greater than 0, but was '0s'"));
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("bootstrap.servers", "localhost:9092", "schema.registry.url",
                "http://localhost:8081", "insights.window", "30m"))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("insights.window must be a duration from 1h to 365d");
    }

    @Test
    void mainPrintsHelpHashesTokensAndRefusesBadConfiguration() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(GatewayMain.launch(new String[] {"--help"}, Map.of(), o, e, c -> null).exitCode()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("long-poll.max-timeout").contains("CAPMARKET_HTTP_PORT");
        out.reset();
        assertThat(GatewayMain.launch(new String[] {"--hash-token", "abc"}, Map.of(), o, e, c -> null).exitCode()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(GatewayMain.launch(new String[] {}, Map.of(), o, e, c -> null).exitCode()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bootstrap.servers is required");
        assertThat(GatewayMain.launch(new String[] {"--bogus"}, Map.of(), o, e, c -> null).exitCode()).isEqualTo(2);
    }
}
