package io.capmarket.testkit.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevStackOptionsTest {

    @Test
    void defaultsAreTheDocumentedPortsAndDirectory() {
        DevStackOptions options = DevStackOptions.parse(List.of());

        assertThat(options).isEqualTo(new DevStackOptions(Path.of(".capmarket"), 9092, 8081, false));
    }

    @Test
    void readsEveryOption() {
        DevStackOptions options = DevStackOptions.parse(
                List.of("--reset", "--secure", "--data-dir", "/tmp/cm", "--kafka-port", "19092", "--registry-port", "18081"));

        assertThat(options).isEqualTo(new DevStackOptions(Path.of("/tmp/cm"), 19092, 18081, true, true));
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> DevStackOptions.parse(List.of("--kafka-port", "x")))
                .hasMessage("--kafka-port must be a port number, but was x");
        assertThatThrownBy(() -> DevStackOptions.parse(List.of("--registry-port", "70000")))
                .hasMessage("--registry-port must be between 0 and 65535, but was 70000");
        assertThatThrownBy(() -> DevStackOptions.parse(List.of("--data-dir")))
                .hasMessage("--data-dir needs a value");
        assertThatThrownBy(() -> DevStackOptions.parse(List.of("--verbose")))
                .hasMessageStartingWith("unknown option --verbose");
    }
}
