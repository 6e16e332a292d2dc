package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The shipped {@code log4j2.xml} in a JVM of its own, as the topology's image runs it: readable
 * lines by default, Elastic Common Schema JSON with {@code CAPMARKET_LOG_FORMAT=json}.
 */
class LogFormatTest {

    @Test
    void jsonOnRequestCarriesLevelLoggerMessageServiceAndTheThreadContext() throws Exception {
        String line = run("json");

        JsonNode event = new ObjectMapper().readTree(line);
        assertThat(event.get("@timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(event.get("log.level").asText()).isEqualTo("INFO");
        assertThat(event.get("log.logger").asText()).isEqualTo("io.capmarket.topology.app.LogFormatTest$LogLine");
        assertThat(event.get("message").asText()).isEqualTo("request matched");
        assertThat(event.get("service.name").asText()).isEqualTo("capmarket-topology");
        assertThat(event.get("requestId").asText()).isEqualTo("r-42");
        assertThat(event.get("ecs.version")).isNotNull();
    }

    @Test
    void readableLinesByDefault() throws Exception {
        String line = run("");

        assertThat(line).matches("\\d{4}-\\d{2}-\\d{2}T\\S+ INFO  \\[main\\] LogFormatTest\\$LogLine - request matched");
    }

    /** Runs {@link LogLine} with the main resources' configuration and returns the line it logged. */
    private static String run(String format) throws IOException, InterruptedException {
        Path config = Path.of("src/main/resources/log4j2.xml").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-Dlog4j2.configurationFile=" + config, "-cp", System.getProperty("java.class.path"), LogLine.class.getName())
                .redirectErrorStream(true);
        builder.environment().put("CAPMARKET_LOG_FORMAT", format);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM logged and ended").isTrue();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("request matched")).toList();
        assertThat(lines).as("the logged line").hasSize(1);
        return lines.get(0);
    }

    /** Logs one line at INFO with a request id in the thread context. */
    static final class LogLine {
        public static void main(String[] args) {
            MDC.put("requestId", "r-42");
            LoggerFactory.getLogger(LogLine.class).info("request matched");
        }
    }
}
