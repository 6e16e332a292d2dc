package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevOptionsTest {

    @Test
    void plainByDefault() {
        DevOptions options = DevOptions.parse(List.of());

        assertThat(options).isEqualTo(DevOptions.defaults());
        assertThat(options.secure()).isFalse();
        assertThat(options.credentialsDirectory()).isEqualTo(Path.of(".capmarket", "credentials"));
    }

    @Test
    void secureIsAFlag() {
        DevOptions options = DevOptions.parse(List.of("--secure", "--data-dir", "/tmp/cm", "--kafka-port", "0"));

        assertThat(options.secure()).isTrue();
        assertThat(options.kafkaPort()).isZero();
        assertThat(options.credentialsDirectory()).isEqualTo(Path.of("/tmp/cm/credentials"));
    }

    @Test
    void unknownOptionsNameTheExpectedOnes() {
        assertThatThrownBy(() -> DevOptions.parse(List.of("--sasl"))).hasMessageStartingWith("unknown option --sasl (expected --secure,");
    }
}
