package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaultsToTheFullRunOnAnEmbeddedCluster() {
        BenchOptions options = BenchOptions.parse(List.of());

        assertThat(options.quick()).isFalse();
        assertThat(options.bootstrapServers()).isNull();
        assertThat(options.outputDirectory()).isEqualTo(BenchOptions.DEFAULT_OUTPUT);
        assertThat(Scenarios.NAMES).allSatisfy(name -> assertThat(options.runs(name)).isTrue());
    }

    @Test
    void readsEveryOption() {
        BenchOptions options = BenchOptions.parse(List.of("--quick", "--only", "matching-eos,gateway-post", "--bootstrap",
                "kafka:9092", "--registry", "http://registry:8081", "--out", "/tmp/b", "--profile", "--topology", "streams.commit.interval.ms=500", "--topology", "num.stream.threads = 2",
                "--jvm", "-XX:+UseZGC", "--jvm", "-Xlog:safepoint"));

        assertThat(options.quick()).isTrue();
        assertThat(options.profile()).isTrue();
        assertThat(options.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(options.registryUrl()).isEqualTo("http://registry:8081");
        assertThat(options.outputDirectory()).isEqualTo(Path.of("/tmp/b"));
        assertThat(options.runs("matching-eos")).isTrue();
        assertThat(options.runs("gateway-post")).isTrue();
        assertThat(options.runs("matching-alos")).isFalse();
        assertThat(options.topologySettings()).containsOnly(Map.entry("streams.commit.interval.ms", "500"),
                Map.entry("num.stream.threads", "2"));
        assertThat(options.jvmOptions()).containsExactly("-XX:+UseZGC", "-Xlog:safepoint");
        assertThat(BenchOptions.parse(List.of("--jvm", "--add-opens=java.base/java.lang=ALL-UNNAMED")).jvmOptions())
                .containsExactly("--add-opens=java.base/java.lang=ALL-UNNAMED");
    }

    @Test
    void refusesAJvmOptionWithoutADash() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--jvm", "UseZGC")))
                .hasMessage("--jvm: a JVM option starts with '-', but was 'UseZGC'");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--jvm"))).hasMessage("--jvm needs a value");
    }

    @Test
    void knowsWhichOptionChoosesTheCollector() {
        assertThat(ChildJvm.namesCollector("-XX:+UseZGC")).isTrue();
        assertThat(ChildJvm.namesCollector("-XX:+UseShenandoahGC")).isTrue();
        assertThat(ChildJvm.namesCollector("-XX:MaxGCPauseMillis=20")).isFalse();
        assertThat(ChildJvm.namesCollector("-XX:+UseStringDeduplication")).isFalse();
    }

    @Test
    void refusesATopologySettingWithoutAKey() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--topology", "=5")))
                .hasMessage("--topology needs KEY=VALUE, but was '=5'");
    }

    @Test
    void refusesAnUnknownScenarioNamingTheKnownOnes() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--only", "matching-fast")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--only: unknown scenario 'matching-fast'")
                .hasMessageContaining("matching-eos");
    }

    @Test
    void refusesABootstrapWithoutARegistry() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--bootstrap", "kafka:9092")))
                .hasMessage("--bootstrap and --registry go together: give both or neither");
    }

    @Test
    void refusesAnOptionWithoutItsValue() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--out", "--quick"))).hasMessage("--out needs a value");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--only"))).hasMessage("--only needs a value");
    }

    @Test
    void refusesAnUnknownArgument() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--fast"))).hasMessage("unknown argument '--fast'");
    }

    @Test
    void theUsageListsEveryScenario() {
        assertThat(BenchOptions.usage()).contains(Scenarios.NAMES);
    }
}
