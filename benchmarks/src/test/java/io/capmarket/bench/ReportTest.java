package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private final Report report = new Report(Map.of("cores", 2, "cpu", "test cpu"));

    ReportTest() {
        report.add(new Result("ceiling-passthrough-eos").with("records_per_s", 170_123.456).with("records", 1_000_000L));
        report.add(new Result("matching-eos").with("requests_per_s", 85_000.0).ratioTo(170_000.0, 85_000.0)
                .with("guarantee", "exactly_once_v2"));
        report.add(new Result("latency-eos-1000").with("p99_ms", 12.3456).with("p999_ms", 40.0));
    }

    @Test
    void writesTheMachineAndEveryScenarioWithItsFigures(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("nested/results.json");

        report.write(file);

        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.get("machine").get("cores").asInt()).isEqualTo(2);
        assertThat(json.get("scenarios")).hasSize(3);
        JsonNode matching = json.get("scenarios").get(1);
        assertThat(matching.get("name").asText()).isEqualTo("matching-eos");
        assertThat(matching.get("ratio_to_ceiling").asDouble()).isEqualTo(0.5);
        assertThat(matching.get("guarantee").asText()).isEqualTo("exactly_once_v2");
        assertThat(json.get("scenarios").get(0).get("records_per_s").asDouble()).isEqualTo(170_123.0);
        assertThat(json.get("scenarios").get(2).get("p99_ms").asDouble()).isEqualTo(12.346);
    }

    @Test
    void theTableHasALineAScenarioWithItsFiguresInTheirColumns() {
        String table = report.table();

        assertThat(table.lines()).hasSize(5);
        assertThat(table).contains("ceiling-passthrough-eos", "170,123", "records=1,000,000");
        assertThat(table.lines().filter(l -> l.startsWith("matching-eos")).findFirst().orElseThrow())
                .contains("85,000", "0.500", "guarantee=exactly_once_v2");
        assertThat(table).contains("12.35");
    }

    @Test
    void theMarkdownTableHasAHeaderAndARowAScenario() {
        String markdown = report.markdown();

        assertThat(markdown.lines()).hasSize(5);
        assertThat(markdown.lines().skip(2)).allSatisfy(line -> assertThat(line).startsWith("| ").endsWith(" |"));
        assertThat(markdown).contains("| matching-eos |  | 85,000 |");
    }

    @Test
    void aRatioToAMissingCeilingIsZero() {
        assertThat(new Result("x").ratioTo(0, 10).number("ratio_to_ceiling")).isZero();
        assertThat(new Result("x").number("absent")).isNaN();
    }
}
