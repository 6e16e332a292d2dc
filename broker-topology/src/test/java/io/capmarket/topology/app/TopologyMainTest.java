package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.runtime.ServiceCommand;
import io.capmarket.schemas.topics.Mismatch;
import io.capmarket.schemas.topics.TopicMismatchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyMainTest {

    private static final Map<String, String> ENV = Map.of(
            "CAPMARKET_BOOTSTRAP_SERVERS", "localhost:9092",
            "CAPMARKET_SCHEMA_REGISTRY_URL", "http://localhost:8081");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicReference<TopologyConfig> started = new AtomicReference<>();

    @TempDir
    Path dir;

    private ServiceCommand.Launch<TopologyApp> launch(Map<String, String> env, Function<TopologyConfig, TopologyApp> starter, String... args) {
        return TopologyMain.launch(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), starter);
    }

    private ServiceCommand.Launch<TopologyApp> launch(String... args) {
        return launch(ENV, config -> {
            started.set(config);
            throw new KafkaException("no broker in a unit test");
        }, args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheSettingsAndStartsNothing() {
        ServiceCommand.Launch<TopologyApp> launch = launch("--help");

        assertThat(launch.exitCode()).isZero();
        assertThat(launch.app()).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: capmarket-topology").contains("--config=FILE").contains("--set=KEY=VALUE")
                .contains("matching.accept-deadline (default 30s)").contains("CAPMARKET_BOOTSTRAP_SERVERS");
        assertThat(started).hasValue(null);
    }

    @Test
    void badArgumentsExitWith2() {
        assertThat(launch("--verbose").exitCode()).isEqualTo(2);
        assertThat(err()).contains("Unknown option: '--verbose'");
        assertThat(launch("--config").exitCode()).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter for option '--config' (FILE)");
        assertThat(launch("--config", "a.yaml", "--config=b.yaml").exitCode()).isEqualTo(2);
        assertThat(err()).contains("option '--config' (FILE) should be specified only once");
        assertThat(started).hasValue(null);
    }

    @Test
    void badConfigurationIsPrintedAndExitsWith2() throws IOException {
        Path file = Files.writeString(dir.resolve("topology.yaml"), "matching.accept-deadline: soon\n");

        ServiceCommand.Launch<TopologyApp> launch = launch(ENV, config -> null, "--config", file.toString());

        assertThat(launch.exitCode()).isEqualTo(2);
        assertThat(err()).contains("matching.accept-deadline must be a duration like 30s or 500ms, but was 'soon' (in " + file + ")");
    }

    @Test
    void theFileAndTheEnvironmentReachTheApp() throws IOException {
        Path file = Files.writeString(dir.resolve("topology.properties"), "topics.partitions=3\nhttp.port=0\n");

        launch("--config=" + file, "--set", "topics.partitions=4");

        assertThat(started.get().topicsPartitions()).as("--set wins over the file").isEqualTo(4);
        assertThat(started.get().httpPort()).isZero();
        assertThat(started.get().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("starting with").contains("topics.partitions=4");
    }

    @Test
    void ignoredVariablesAreWarnedAbout() {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("CAPMARKET_HTTP_PROT", "1234");

        launch(env, config -> {
            throw new KafkaException("x");
        });

        assertThat(err()).contains("warning: ignoring environment variable CAPMARKET_HTTP_PROT: not a topology setting "
                + "(did you mean CAPMARKET_HTTP_PORT?)");
    }

    @Test
    void mismatchedTopicsExitWith3AndSayWhat() {
        ServiceCommand.Launch<TopologyApp> launch = launch(ENV, config -> {
            throw new TopicMismatchException(List.of(new Mismatch("capmarket.requests", "partitions", "6", "3")));
        });

        assertThat(launch.exitCode()).isEqualTo(3);
        assertThat(err()).contains("topic capmarket.requests: partitions is 3, expected 6");
    }

    @Test
    void otherStartupFailuresExitWith1WithTheirCauses() {
        ServiceCommand.Launch<TopologyApp> launch = launch(ENV, config -> {
            throw new KafkaException("cannot list topics", new java.util.concurrent.TimeoutException("30s passed"));
        });

        assertThat(launch.exitCode()).isEqualTo(1);
        assertThat(err()).contains("cannot start: org.apache.kafka.common.KafkaException: cannot list topics")
                .contains("caused by: java.util.concurrent.TimeoutException: 30s passed");
    }
}
