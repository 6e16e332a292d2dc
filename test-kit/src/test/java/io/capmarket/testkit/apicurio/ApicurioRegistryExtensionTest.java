package io.capmarket.testkit.apicurio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryExtensionTest {

    @Test
    void unsetHomeNamesTheProperty() {
        assertThatThrownBy(() -> ApicurioRegistryExtension.home(null))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("'apicurio.home' is not set");
    }

    @Test
    void missingHomeNamesThePropertyAndThePath() {
        assertThatThrownBy(() -> ApicurioRegistryExtension.home("/no/such/apicurio"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("'apicurio.home'")
                .hasMessageContaining("'/no/such/apicurio', which does not exist");
    }

    @Test
    void findsTheRunnerJarInTheDistributionOrOneLevelBelow(@TempDir Path directory) throws IOException {
        Path jar = Files.createFile(Files.createDirectories(directory.resolve("apicurio-registry-3.0.9"))
                .resolve("apicurio-registry-app-3.0.9-runner.jar"));

        assertThat(ApicurioRegistry.findRunnerJar(directory)).isEqualTo(jar);
        assertThat(ApicurioRegistry.findRunnerJar(jar)).isEqualTo(jar);
    }

    @Test
    void distributionWithoutRunnerJarIsRejected(@TempDir Path directory) {
        assertThatThrownBy(() -> ApicurioRegistry.findRunnerJar(directory))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No *-runner.jar in " + directory);
    }

    @Test
    void builderValidatesHeapAndTimeout() {
        assertThatThrownBy(() -> ApicurioRegistry.builder(Path.of("x")).maxHeap("lots"))
                .hasMessage("maxHeap must look like 384m, but was 'lots'");
        assertThatThrownBy(() -> ApicurioRegistry.builder(Path.of("x")).startupTimeout(java.time.Duration.ZERO))
                .hasMessage("startupTimeout must be positive, but was PT0S");
    }
}
