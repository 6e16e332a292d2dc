package io.capmarket.sdk.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return SyncCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void invalidFilesAreReportedWithFileAndLineBeforeAnyConnection(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pg.yaml"), "offerId: pg\ncapability: postgres-database\ncapacity: 0\nleadTime: 1m\n");

        // the servers are unreachable: the command must stop before connecting
        int code = run(Map.of(), "--dir", dir.toString(), "--producer-id", "db-team", "--bootstrap-servers", "127.0.0.1:1",
                "--schema-registry-url", "http://127.0.0.1:1");

        assertThat(code).isEqualTo(SyncCommand.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing was published")
                .contains(dir.resolve("pg.yaml") + ":3: offer pg: capacity must be greater than 0, but was 0");
    }

    @Test
    void missingSettingsNameTheFlagAndTheVariable(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pg.yaml"), "offers: []\n");

        int code = run(Map.of("CAPMARKET_PRODUCER_ID", "db-team"), "--dir", dir.toString());

        assertThat(code).isEqualTo(SyncCommand.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--bootstrap-servers is required (or CAPMARKET_BOOTSTRAP_SERVERS), but was not set");
    }

    @Test
    void unknownArgumentsPrintTheUsage() {
        assertThat(run(Map.of(), "--dir")).isEqualTo(SyncCommand.INVALID);
        assertThat(run(Map.of(), "--force")).isEqualTo(SyncCommand.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument '--force'").contains("usage: capmarket sync");
    }

    @Test
    void aClientPropertiesFileStandsInForTheConnectionFlags(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pg.yaml"), "offers: []\n");
        Path settings = dir.resolve("db-team.properties");
        Files.writeString(settings, "bootstrap.servers=127.0.0.1:1\nsecurity.protocol=PLAINTEXT\n");

        int code = run(Map.of("CAPMARKET_PRODUCER_ID", "db-team", "CAPMARKET_CLIENT_PROPERTIES", settings.toString()),
                "--dir", dir.toString());

        assertThat(code).isEqualTo(SyncCommand.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .doesNotContain("--bootstrap-servers is required")
                .contains("--schema-registry-url is required (or CAPMARKET_SCHEMA_REGISTRY_URL), but was not set");
    }

    @Test
    void anUnreadableClientPropertiesFileIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pg.yaml"), "offers: []\n");

        int code = run(Map.of(), "--dir", dir.toString(), "--producer-id", "db-team", "--client-properties",
                dir.resolve("missing.properties").toString());

        assertThat(code).isEqualTo(SyncCommand.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--client-properties must name a readable properties file, but "
                + dir.resolve("missing.properties") + " could not be read");
    }
}
