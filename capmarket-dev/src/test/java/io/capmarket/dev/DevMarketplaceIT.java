package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.gateway.GatewayConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dev run as a newcomer meets it: started in its own process like {@code ./capmarket dev},
 * a request submitted with the demo token is fulfilled with outputs and survives a restart, and
 * one submitted just before a {@code kill -9} (fulfilled and listed, matched, or only answered
 * {@code 202}) is read as soon as the next start is ready; a large database waits until the admin
 * token approves it; and every metric the dashboards and alert rules use is one the running
 * components export.
 */
class DevMarketplaceIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PORTAL = Pattern.compile("Portal\\s+(http://\\S+)/");
    private static final Pattern KAFKA = Pattern.compile("Kafka broker\\s+(\\S+)");
    private static final Pattern TOPOLOGY = Pattern.compile("Topology metrics\\s+(http://\\S+)/metrics");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRequestIsFulfilledWithOutputsAndSurvivesARestartAndAKillAndALargeDatabaseWaitsForTheAdmin() throws Exception {
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dev-run");
        Running first = start(data, "first");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                names(get(first.gateway() + "/v1/capabilities").path("items"))).contains("postgres-database", "kafka-topic"));
        String location = submitDatabase(first, "small");

        JsonNode done = get(first.gateway() + location + "?waitFor=FULFILLED&timeout=30s");
        assertThat(done.path("state").asText()).isEqualTo("FULFILLED");
        assertThat(done.path("producerId").asText()).isEqualTo("dba-eu");
        assertThat(done.path("outputs").path("passwordRef").asText()).startsWith("vault:");
        assertThat(states(done)).containsSubsequence("SUBMITTED", "MATCHED", "ACCEPTED", "IN_PROGRESS", "FULFILLED");
        assertEveryDashboardAndAlertMetricIsExported(first);
        assertALargeDatabaseWaitsForTheAdmin(first);

        first.process().destroy();
        assertThat(first.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        Running second = start(data, "second");

        JsonNode again = get(second.gateway() + location);
        assertThat(again.path("state").asText()).isEqualTo("FULFILLED");
        assertThat(again.path("id").asText()).isEqualTo(done.path("id").asText());

        // listed and committed, then killed before the gateway's stores were flushed to disk: after the restart its
        // view comes back from request-status and its list entries from the views, before the gateway is ready
        String medium = submitDatabase(second, "medium");
        String mediumId = medium.substring(medium.lastIndexOf('/') + 1);
        assertThat(get(second.gateway() + medium + "?waitFor=FULFILLED&timeout=30s").path("state").asText()).isEqualTo("FULFILLED");
        assertThat(listed(second, "newest")).contains(mediumId);
        awaitGatewayCommittedEveryStatus(second);
        second.process().destroyForcibly();
        assertThat(second.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stops on SIGKILL").isTrue();
        Running third = start(data, "third");

        assertThat(get(third.gateway() + medium).path("state").asText()).as("restored before ready").isEqualTo("FULFILLED");
        assertThat(listed(third, "newest")).contains(mediumId, done.path("id").asText()).doesNotHaveDuplicates();
        assertThat(listed(third, "id")).contains(mediumId, done.path("id").asText()).doesNotHaveDuplicates();

        // its MATCHED status in the gateway's views, then killed at once, most likely before the gateway committed
        // reading it: it is read again after the restart, and the gateway is ready only once it has read it
        String late = submitDatabase(third, "small", "dev-run-it-late");
        String lateId = late.substring(late.lastIndexOf('/') + 1);
        assertThat(states(get(third.gateway() + late + "?waitFor=MATCHED&timeout=30s"))).contains("MATCHED");
        third.process().destroyForcibly();
        assertThat(third.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stops on SIGKILL").isTrue();
        Running fourth = start(data, "fourth");

        assertThat(get(fourth.gateway() + late).path("id").asText()).as("read once ready").isEqualTo(lateId);

        // answered 202, then killed at once, most likely before the topology committed taking it: the gateway that
        // accepted it is gone with what it held, and the next one holds it again from requests until its status comes
        String last = submitDatabase(fourth, "small", "dev-run-it-last");
        String lastId = last.substring(last.lastIndexOf('/') + 1);
        fourth.process().destroyForcibly();
        assertThat(fourth.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stops on SIGKILL").isTrue();
        Running fifth = start(data, "fifth");

        assertThat(get(fifth.gateway() + last).path("id").asText()).as("read once ready").isEqualTo(lastId);
        assertThat(listed(fifth, "newest")).contains(lastId);
    }

    /**
     * Waits until the gateway's views have committed their position past every status written: a
     * kill then leaves the views to be restored from their changelog, not read again from the statuses.
     */
    private static void awaitGatewayCommittedEveryStatus(Running running) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, running.bootstrap()))) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GatewayConfig.DEFAULT_APPLICATION_ID)
                        .partitionsToOffsetAndMetadata().get();
                List<TopicPartition> statuses = new ArrayList<>();
                admin.describeTopics(admin.listTopics().names().get().stream().filter(name -> name.endsWith("request-status")).toList())
                        .allTopicNames().get().values().forEach(topic -> topic.partitions().forEach(p ->
                                statuses.add(new TopicPartition(topic.name(), p.partition()))));
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                statuses.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
                assertThat(statuses).isNotEmpty();
                for (TopicPartition partition : statuses) {
                    long end = ends.get(partition).offset();
                    long position = committed.containsKey(partition) ? committed.get(partition).offset() : 0;
                    // a transaction's marker follows its last status: a position before it has consumed that status
                    assertThat(position).as("committed position of " + partition + ", end " + end).isGreaterThanOrEqualTo(end - 1);
                }
            });
        }
    }

    /** The ids in the consumer team's list, in {@code order}. */
    private List<String> listed(Running running, String order) throws Exception {
        List<String> ids = new ArrayList<>();
        get(running.gateway() + "/v1/requests?limit=100&order=" + order).path("items").forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    /** The demo database teams ask for an admin's approval of a large database; the admin token gives it. */
    private void assertALargeDatabaseWaitsForTheAdmin(Running running) throws Exception {
        String location = submitDatabase(running, "large");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(running.gateway() + location).path("state")
                .asText()).isEqualTo("PENDING_APPROVAL"));
        JsonNode waiting = get(running.gateway() + location);
        assertThat(waiting.path("approvals")).isNotEmpty().allSatisfy(gate -> {
            assertThat(gate.path("source").asText()).startsWith("producer dba-");
            assertThat(gate.path("approvers").toString()).isEqualTo("[\"role:admin\"]");
        });
        HttpResponse<String> approved = http.send(HttpRequest.newBuilder(URI.create(running.gateway() + location + "/approve"))
                .header("Authorization", "Bearer " + DevMarketplace.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);

        JsonNode done = get(running.gateway() + location + "?waitFor=FULFILLED&timeout=30s");
        assertThat(done.path("state").asText()).isEqualTo("FULFILLED");
        assertThat(states(done)).containsSubsequence("SUBMITTED", "PENDING_APPROVAL", "MATCHED", "FULFILLED");
        assertThat(done.path("approvals")).allSatisfy(gate -> assertThat(gate.path("approvedBy").asText()).isNotBlank());
    }

    /** Submits a postgres-database of {@code size} in eu-west with the consumer token; its Location. */
    private String submitDatabase(Running running, String size) throws Exception {
        return submitDatabase(running, size, "dev-run-it-" + size);
    }

    private String submitDatabase(Running running, String size, String idempotencyKey) throws Exception {
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(running.gateway() + "/v1/requests"))
                .header("Authorization", "Bearer " + DevMarketplace.CONSUMER_TOKEN)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"capability":"postgres-database","version":1,"parameters":{"size":"%s"},
                         "constraints":{"region":["eu-west"]},"priority":"NORMAL"}""".formatted(size))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        return submitted.headers().firstValue("Location").orElseThrow();
    }

    private void assertEveryDashboardAndAlertMetricIsExported(Running running) throws Exception {
        Path deploy = Path.of("..", "deploy");
        Set<String> used = new TreeSet<>();
        try (var files = Files.walk(deploy)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith("alerts.yml")).toList()) {
                used.addAll(MetricNames.referencedIn(Files.readString(file)));
            }
        }
        assertThat(used).as("the dashboards and rules use capmarket metrics").anyMatch(name -> name.startsWith("capmarket_"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> exported = new TreeSet<>();
            exported.addAll(MetricNames.exportedIn(text(running.topology() + "/metrics")));
            exported.addAll(MetricNames.exportedIn(text(running.gateway() + "/metrics")));
            assertThat(used).allSatisfy(name -> assertThat(exported).as("exported metrics").contains(name));
        });
    }

    private Running start(Path data, String name) throws IOException, InterruptedException {
        Path log = data.resolveSibling(data.getFileName() + "-" + name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx768m", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), DevMarketplaceMain.class.getName(),
                "--data-dir", data.toString(), "--kafka-port", "0", "--registry-port", "0",
                "--gateway-port", "0", "--topology-port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        String[] urls = new String[2];
        try {
            await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(process.isAlive()).as(() -> "the dev run exited: " + read(log)).isTrue();
                String output = read(log);
                Matcher portal = PORTAL.matcher(output);
                Matcher topology = TOPOLOGY.matcher(output);
                if (portal.find() && topology.find()) {
                    urls[0] = portal.group(1);
                    urls[1] = topology.group(1);
                    return true;
                }
                return false;
            });
        } catch (ConditionTimeoutException e) {
            String output = withThreadDump(process, log);
            int dump = Math.max(0, output.lastIndexOf("Full thread dump"));
            throw new AssertionError("the " + name + " start was not ready within " + START.toSeconds() + " s; the end of its "
                    + "log:\n" + tail(output.substring(0, dump), 200) + "\nits threads:\n" + head(output.substring(dump), 1_500), e);
        }
        assertThat(http.send(HttpRequest.newBuilder(URI.create(urls[0] + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        Matcher kafka = KAFKA.matcher(read(log));
        assertThat(kafka.find()).as("the dev run names its broker").isTrue();
        return new Running(process, urls[0], urls[1], kafka.group(1));
    }

    /** The dev run's log after it printed its threads ({@code kill -3}), or as it is when it does not within 10 s. */
    private static String withThreadDump(Process process, Path log) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-3", Long.toString(process.pid())).inheritIO().start().waitFor();
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> read(log).contains("Full thread dump") && read(log).contains("JNI global refs"));
        } catch (ConditionTimeoutException e) {
            // the log as it is
        }
        return read(log);
    }

    private static String tail(String text, int lines) {
        List<String> all = List.of(text.split("\n", -1));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String head(String text, int lines) {
        List<String> all = List.of(text.split("\n", -1));
        return String.join("\n", all.subList(0, Math.min(lines, all.size())));
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + DevMarketplace.CONSUMER_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String text(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static List<String> names(JsonNode items) {
        List<String> names = new ArrayList<>();
        items.forEach(item -> names.add(item.path("name").asText()));
        return names;
    }

    private static List<String> states(JsonNode request) {
        List<String> states = new ArrayList<>();
        request.path("history").forEach(step -> states.add(step.path("state").asText()));
        return states;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Running(Process process, String gateway, String topology, String bootstrap) {
    }
}
