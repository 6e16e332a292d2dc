package io.capmarket.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    void everyProblemNamesTheKeyTheValueAndTheRule() {
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("bootstrap.servers", "nohost", "http.port", "70000",
                "long-poll.max-timeout", "forever", "http.max-request-size", "1", "htpp.port", "1", "streams.application.id", "x")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "bootstrap.servers must be a comma-separated list of host:port, but was 'nohost': 'nohost' is not host:port",
                        "http.port must be an integer from 0 to 65535 (0: any free port), but was '70000'",
                        "long-poll.max-timeout must be a duration like 30s or 500ms, greater than 0, but was 'forever'",
                        "http.max-request-size must be a size like 65536, 64kb or 1mb, from 1kb to 64mb, but was '1'",
                        "unknown setting htpp.port",
                        "streams.application.id is set by capmarket from application.id; set application.id instead",
                        "schema.registry.url is required (a comma-separated list of http(s) URLs; environment variable CAPMARKET_SCHEMA_REGISTRY_URL)"));
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
