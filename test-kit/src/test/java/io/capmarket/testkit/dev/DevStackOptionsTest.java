package io.capmarket.testkit.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DevStackOptionsTest {

    private final StringWriter err = new StringWriter();

    private DevStackOptions parse(String... args) {
        DevStackCommand command = new DevStackCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    private int run(String... args) {
        return new CommandLine(new DevStackCommand()).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void defaultsAreTheDocumentedPortsAndDirectory() {
        assertThat(parse()).isEqualTo(new DevStackOptions(Path.of(".capmarket"), 9092, 8081, false));
    }

    @Test
    void readsEveryOption() {
        assertThat(parse("--reset", "--secure", "--data-dir", "/tmp/cm", "--kafka-port", "19092", "--registry-port", "18081"))
                .isEqualTo(new DevStackOptions(Path.of("/tmp/cm"), 19092, 18081, true, true));
    }

    @Test
    void badOptionsAreNamedAndExitWith2() {
        assertThat(run("--kafka-port", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--kafka-port': 'x' is not an int");
        assertThat(run("--registry-port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("--registry-port must be between 0 and 65535, but was 70000");
        assertThat(run("--data-dir")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter for option '--data-dir' (DIR)");
        assertThat(run("--verbose")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--verbose'");
    }
}
