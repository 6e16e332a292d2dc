package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert rules checked and unit-tested by Prometheus' own {@code promtool}: the rules parse, and
 * each scenario of {@code deploy/prometheus/alerts-test.yml} fires (or stays quiet) as written.
 *
 * <p>Skipped when promtool is not installed, unless {@value #REQUIRE_PROMTOOL}{@code =true} (CI),
 * where a missing promtool is a failure.
 */
class AlertRulesTest {

    static final String REQUIRE_PROMTOOL = "CAPMARKET_REQUIRE_PROMTOOL";
    private static final Path RULES = ComposeFile.ROOT.resolve("deploy/prometheus");

    private static Path promtool;

    @BeforeAll
    static void promtoolIsInstalled() {
        promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        String missing = "this test needs promtool on the PATH (Debian: apt-get install prometheus)";
        if (Boolean.parseBoolean(System.getenv(REQUIRE_PROMTOOL))) {
            assertThat(promtool).as(missing + "; " + REQUIRE_PROMTOOL + "=true makes that a failure").isNotNull();
        } else {
            Assumptions.assumeTrue(promtool != null, missing + "; skipped (set " + REQUIRE_PROMTOOL + "=true to fail instead)");
        }
    }

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS");
    }

    @Test
    void everyScenarioOfTheRulesUnitTestsPasses() throws Exception {
        assertThat(promtool("test", "rules", "alerts-test.yml")).contains("SUCCESS").doesNotContain("FAILED");
    }

    /** Runs promtool in the rules' folder and returns what it printed, failing on a non-zero exit. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(promtool.toString()), Stream.of(args)).toList())
                .directory(RULES.toFile()).redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        assertThat(process.exitValue()).as("promtool " + String.join(" ", args) + " said:\n" + output).isZero();
        return output;
    }
}
