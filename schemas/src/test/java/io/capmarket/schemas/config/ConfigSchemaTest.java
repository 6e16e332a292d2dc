package io.capmarket.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigSchemaTest {

    private static final ConfigSchema SCHEMA = new ConfigSchema("demo", List.of(
            ConfigKey.required("bootstrap.servers", "a comma-separated list of host:port", ConfigParsers::bootstrapServers, "brokers"),
            ConfigKey.withDefault("accept-deadline", "30s", ConfigParsers.DURATION_RULE, ConfigParsers::duration, "deadline"),
            ConfigKey.withDefault("http.port", "8080", "an integer from 0 to 65535", ConfigParsers.intIn(0, 65535), "port"),
            ConfigKey.optional("auth.tokens", "token lines", ConfigParsers::text, "tokens").joiningListsWith(";")),
            Map.of("application.id", "app.id"), List.of("approved."));

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "PT45S, PT45S", "' 7 S ', PT7S"})
    void oneDurationFormatForEveryKey(String text, String expected) {
        assertThat(ConfigParsers.duration(text)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void aZeroOrUnreadableDurationNamesTheRule() {
        assertThat(SCHEMA.of(Map.of("bootstrap.servers", "k:9092", "accept-deadline", "0s")).problems())
                .containsExactly("accept-deadline must be a duration greater than 0, but was '0s'");
        assertThat(SCHEMA.of(Map.of("bootstrap.servers", "k:9092", "accept-deadline", "soon")).problems())
                .containsExactly("accept-deadline must be a duration like 30s or 500ms, but was 'soon'");
        assertThat(ConfigParsers.format(Duration.ofSeconds(90))).isEqualTo("90000ms");
    }

    @Test
    void aDurationIsDescribedInItsLargestWholeUnitAndReadBack() {
        for (Duration duration : java.util.List.of(Duration.ofDays(1), Duration.ofMinutes(90), Duration.ofSeconds(45),
                Duration.ofMillis(1500))) {
            assertThat(ConfigParsers.duration(ConfigParsers.describe(duration))).isEqualTo(duration);
        }
        assertThat(java.util.List.of(Duration.ofDays(1), Duration.ofMinutes(90), Duration.ofSeconds(45), Duration.ofMillis(1500))
                .stream().map(ConfigParsers::describe)).containsExactly("1d", "90m", "45s", "1500ms");
    }

    @Test
    void aDurationOrNeverReadsNeverAsZeroWritesItBackSoAndRefusesAZeroDuration() {
        assertThat(ConfigParsers.durationOrNever(" NEVER ")).isEqualTo(Duration.ZERO);
        assertThat(ConfigParsers.durationOrNever("30d")).isEqualTo(Duration.ofDays(30));
        ConfigSchema schema = new ConfigSchema("demo", List.of(ConfigKey.withDefault("retain", "30d",
                ConfigParsers.DURATION_OR_NEVER_RULE, ConfigParsers::durationOrNever, "retention")), Map.of(), List.of());
        for (String refused : List.of("sometimes", "0", "0ms", "PT0S", "PT-1S", "-1d")) {
            assertThat(schema.of(Map.of("retain", refused)).problems()).as(refused)
                    .containsExactly("retain must be a duration like 30d, or never, but was '" + refused + "'");
        }
        Map<String, String> written = schema.of(Map.of("retain", "never")).asText(Set.of());
        assertThat(written).containsEntry("retain", "never");
        assertThat(schema.of(written).problems()).as("read back as written").isEmpty();
    }

    @Test
    void theFileLosesToTheEnvironmentWhichLosesToOverrides(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("demo.yaml"), """
                bootstrap.servers: file:9092
                accept-deadline: 10s
                http:
                  port: 1000
                auth.tokens:
                  - aaa t consumer
                  - bbb t admin
                """);

        ConfigValues values = SCHEMA.load(file, Map.of("CAPMARKET_ACCEPT_DEADLINE", "20s", "CAPMARKET_HTTP_PORT", "2000",
                "PATH", "/bin"), Map.of("http.port", "3000"));

        assertThat(values.problems()).isEmpty();
        assertThat(values.string("bootstrap.servers")).isEqualTo("file:9092");
        assertThat(values.duration("accept-deadline")).isEqualTo(Duration.ofSeconds(20));
        assertThat(values.integer("http.port")).isEqualTo(3000);
        assertThat(values.string("auth.tokens")).isEqualTo("aaa t consumer;bbb t admin");
        assertThat(values.source("http.port")).isEqualTo(" (set on the command line)");
        assertThat(values.source("accept-deadline")).isEqualTo(" (from environment variable CAPMARKET_ACCEPT_DEADLINE)");
    }

    @Test
    void unknownKeysAreRefusedWithTheClosestKnownOne() {
        assertThat(SCHEMA.of(Map.of("bootstrap.servers", "k:9092", "accept_deadline", "5s", "colour", "blue")).problems())
                .containsExactly("unknown setting accept_deadline; did you mean accept-deadline?", "unknown setting colour");
    }

    @Test
    void otherCapmarketVariablesAreWarnedAboutAndStreamsOnesPassThrough() {
        ConfigValues values = SCHEMA.load(null, Map.of("CAPMARKET_BOOTSTRAP_SERVERS", "k:9092", "CAPMARKET_HTTP_PROT", "1",
                "CAPMARKET_STREAMS_COMMIT_INTERVAL_MS", "100"), Map.of());

        assertThat(values.warnings()).containsExactly(
                "ignoring environment variable CAPMARKET_HTTP_PROT: not a demo setting (did you mean CAPMARKET_HTTP_PORT?)");
        assertThat(values.streams()).containsExactly(Map.entry("commit.interval.ms", "100"));
        assertThat(SCHEMA.readsEnvironmentVariable("CAPMARKET_STREAMS_LINGER_MS")).isTrue();
        assertThat(SCHEMA.readsEnvironmentVariable("CAPMARKET_HTTP_PROT")).isFalse();
    }

    @Test
    void requiredOwnedAndOpenKeys() {
        ConfigValues values = SCHEMA.of(Map.of("streams.application.id", "x", "approved.db-team", "*"));

        assertThat(values.problems()).containsExactlyInAnyOrder(
                "streams.application.id is set by capmarket from app.id; set app.id instead",
                "bootstrap.servers is required (a comma-separated list of host:port; environment variable CAPMARKET_BOOTSTRAP_SERVERS)");
        assertThat(values.open()).containsExactly(Map.entry("approved.db-team", "*"));
        assertThat(values.integer("http.port")).as("defaults fill the rest").isEqualTo(8080);
        assertThatThrownBy(() -> values.string("bootstrap.servers")).hasMessage("bootstrap.servers has no value");
    }

    @Test
    void aCredentialThatBreaksItsRuleIsNamedButNotShown() {
        ConfigSchema schema = new ConfigSchema("demo", List.of(ConfigKey.optional("schema.registry.basic.auth.user.info",
                "user:password", ConfigParsers::userInfo, "registry login")), Map.of(), List.of());

        assertThat(schema.of(Map.of("schema.registry.basic.auth.user.info", ":s3cret")).problems()).singleElement().asString()
                .startsWith("schema.registry.basic.auth.user.info must be ").contains("but was a value not shown here (it is a credential)")
                .doesNotContain("s3cret");
    }

    @Test
    void describeMasksCredentialsAndHelpListsEveryKey() {
        ConfigValues values = SCHEMA.of(Map.of("bootstrap.servers", "k:9092", "auth.tokens", "aaa t consumer",
                "streams.sasl.jaas.config", "secret-stuff", "streams.basic.auth.user.info", "alice:pw",
                "streams.ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"));

        assertThat(values.describe(java.util.Set.of("auth.tokens"))).contains("auth.tokens=****", "streams.sasl.jaas.config=****",
                "streams.basic.auth.user.info=alice:****", "streams.ssl.keystore.key=****", "accept-deadline=30000ms")
                .doesNotContain("secret-stuff", ":pw", "PRIVATE KEY");
        assertThat(SCHEMA.describeKeys()).contains("bootstrap.servers (required)", "accept-deadline (default 30s)",
                "env CAPMARKET_HTTP_PORT", "streams.*");
    }

    @Test
    void filesThatCannotBeUsedAreTheOnlyProblem(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("demo.json"), "{}");
        assertThat(SCHEMA.load(json, Map.of(), Map.of()).problems())
                .containsExactly("config file " + json + " must end in .properties, .yaml or .yml");
        Path props = Files.writeString(dir.resolve("demo.properties"), "bootstrap.servers = k:9092 \nhttp.port=70000\n");
        assertThat(SCHEMA.load(props, Map.of(), Map.of()).problems())
                .containsExactly("http.port must be an integer from 0 to 65535, but was '70000' (in " + props + ")");
    }
}
