package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DevOptionsTest {

    private static DevOptions parse(String... args) {
        DevCommand command = new DevCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void plainByDefault() {
        DevOptions options = parse();

        assertThat(options).isEqualTo(DevOptions.defaults());
        assertThat(options.secure()).isFalse();
        assertThat(options.credentialsDirectory()).isEqualTo(Path.of(".capmarket", "credentials"));
    }

    @Test
    void secureIsAFlag() {
        DevOptions options = parse("--secure", "--data-dir", "/tmp/cm", "--kafka-port", "0");

        assertThat(options.secure()).isTrue();
        assertThat(options.kafkaPort()).isZero();
        assertThat(options.credentialsDirectory()).isEqualTo(Path.of("/tmp/cm/credentials"));
    }

    @Test
    void unknownOptionsNameTheExpectedOnes() {
        StringWriter err = new StringWriter();
        assertThat(new CommandLine(new DevCommand()).setErr(new PrintWriter(err, true)).execute("--sasl")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--sasl'", "--secure", "--gateway-port");
        assertThatThrownBy(() -> parse("--gateway-port", "70000")).hasMessage("--gateway-port must be between 0 and 65535, but was 70000");
    }
}
