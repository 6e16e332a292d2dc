package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.schemas.AvroTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The harness end to end at a tiny size, so that {@code ./capmarket bench} keeps working: a
 * ceiling, matching on the real topology in its own process, and an open-loop latency run, on an
 * in-JVM broker. Checks that every figure is there and plausible, not how fast anything is.
 */
class BenchSmokeIT {

    // each backlog is written before its window starts, so the window needs enough records that they
    // arrive over several polls of the meter (a rate needs two, a poll returns up to 5,000) even when
    // the warm-up's end is seen a few polls late: the passthrough copies its 2,000 in a blink
    private static final Sizes SMOKE = new Sizes(50_000, 2_000, 10_000, Duration.ofSeconds(90), Duration.ofSeconds(1),
            Duration.ofSeconds(1), 1_000, 2_000, Duration.ofSeconds(2), Duration.ofSeconds(1), 1_000);

    @Test
    void measuresACeilingMatchingAndLatency() throws Exception {
        AvroTrust.install();
        Path out = Path.of(System.getProperty("java.io.tmpdir"), "bench-smoke");
        BenchOptions options = new BenchOptions(true, null, null,
                Set.of(Scenarios.MATCHING_ALOS, Scenarios.LATENCY_ALOS_1000), out, false, Map.of(), List.of());

        Report report = BenchMain.run(options, SMOKE);
        report.write(out.resolve("results.json"));

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        assertThat(json.get("machine").get("cores").asInt()).isPositive();
        Map<String, JsonNode> scenarios = json.get("scenarios").findParents("name").stream()
                .collect(Collectors.toMap(s -> s.get("name").asText(), Function.identity()));
        assertThat(scenarios).containsOnlyKeys(List.of(Scenarios.CEILING_ALOS, Scenarios.MATCHING_ALOS, Scenarios.LATENCY_ALOS_1000));

        JsonNode ceiling = scenarios.get(Scenarios.CEILING_ALOS);
        assertThat(ceiling.get("records").asLong()).isEqualTo(50_000);
        assertThat(ceiling.get("records_per_s").asDouble()).isPositive();

        JsonNode matching = scenarios.get(Scenarios.MATCHING_ALOS);
        assertThat(matching.get("matched").asLong()).as("every pre-produced request matched").isEqualTo(10_000);
        assertThat(matching.get("ratio_to_ceiling").asDouble()).isPositive();
        assertThat(matching.get("topology_rss_mib").asDouble()).isPositive();
        assertThat(matching.get("topology_heap_mib").asDouble()).isPositive();
        // a matched request writes its status, its kept state and its assignment; the window's edges, the
        // scorecards and the transactions' markers move the ratio a little either way
        assertThat(matching.get("broker_records_per_request").asDouble()).as("records the broker appended per match")
                .isBetween(2.0, 6.0);
        assertThat(matching.get("broker_partition_appends_per_request").asDouble()).isPositive()
                .isLessThanOrEqualTo(matching.get("broker_records_per_request").asDouble());
        assertThat(matching.get("broker_produce_requests_per_s").asDouble()).isPositive();
        assertThat(matching.get("broker_fetch_requests_per_s").asDouble()).isPositive();

        JsonNode latency = scenarios.get(Scenarios.LATENCY_ALOS_1000);
        assertThat(latency.get("sent").asLong()).isEqualTo(2_000);
        assertThat(latency.get("reached").asLong()).as("every request sent was seen MATCHED").isEqualTo(2_000);
        assertThat(latency.get("p50_ms").asDouble()).isPositive()
                .isLessThanOrEqualTo(latency.get("p99_ms").asDouble());
        assertThat(latency.get("p99_ms").asDouble()).isLessThanOrEqualTo(latency.get("p999_ms").asDouble());
    }
}
