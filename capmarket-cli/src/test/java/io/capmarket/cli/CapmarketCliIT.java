package io.capmarket.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.dev.DevMarketplace;
import io.capmarket.dev.DevOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consumer commands against a live marketplace (the dev run: real broker, registry, topology, gateway, demo producers). */
class CapmarketCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    private static DevMarketplace marketplace;

    @BeforeAll
    static void start() {
        marketplace = DevMarketplace.start(new DevOptions(data, true, 0, 0, 0, 0));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(marketplace::ready);
    }

    @AfterAll
    static void stop() {
        if (marketplace != null) {
            marketplace.close();
        }
    }

    /** What one command line printed and returned. */
    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", marketplace.gatewayUrl()));
        int code = CapmarketCli.execute(all.toArray(String[]::new), Map.of("CAPMARKET_TOKEN", DevMarketplace.CONSUMER_TOKEN),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aConsumerSubmitsWatchesListsAndCancelsFromTheCommandLine() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Run catalog = cli("catalog", "--output", "json");
            assertThat(catalog.code()).as(catalog.err()).isZero();
            List<String> names = new ArrayList<>();
            catalog.json().path("items").forEach(item -> names.add(item.path("name").asText()));
            assertThat(names).contains("postgres-database", "kafka-topic");
        });
        Run table = cli("catalog");
        assertThat(table.out()).startsWith("CAPABILITY").contains("postgres-database");

        Run submitted = submitOnceOffered("request", "submit", "postgres-database", "--version", "1", "-p", "size=\"small\"",
                "-c", "region=eu-west", "--idempotency-key", "cli-it-1", "-o", "json");
        String id = submitted.json().path("id").asText();
        assertThat(id).isNotBlank();
        assertThat(submitted.json().path("parameters").path("size").asText()).isEqualTo("small");
        assertThat(cli("request", "submit", "postgres-database", "-p", "size=small", "-c", "region=eu-west",
                "--idempotency-key", "cli-it-1", "-o", "json").json().path("id").asText()).as("the same key, the same request").isEqualTo(id);

        Run watch = cli("request", "watch", id, "--until", "FULFILLED", "-o", "json");
        assertThat(watch.code()).as(watch.err()).isZero();
        List<String> states = new ArrayList<>();
        for (String line : watch.out().strip().split("\n")) {
            states.add(JSON.readTree(line).path("state").asText());
        }
        assertThat(states).startsWith("SUBMITTED").endsWith("FULFILLED");

        Run got = cli("request", "get", id, "-o", "json");
        assertThat(got.code()).isZero();
        assertThat(got.json().path("state").asText()).isEqualTo("FULFILLED");
        assertThat(got.json().path("outputs").size()).isPositive();
        assertThat(cli("request", "get", id).out()).contains(id, "FULFILLED");

        String offerId = got.json().path("offerId").asText();
        assertThat(offerId).as("a fulfilled request keeps its offer").isNotBlank();
        Run why = cli("request", "why", id);
        assertThat(why.code()).as(why.err()).isZero();
        List<String> whyLines = why.out().lines().toList();
        assertThat(whyLines.get(0)).as("the latest decision's summary").startsWith("matched " + offerId + " of ");
        assertThat(whyLines.get(1)).startsWith("OFFER").contains("CHOSEN", "TOTAL");
        assertThat(whyLines).filteredOn(line -> line.startsWith(offerId + " ")).singleElement().asString()
                .as("the chosen offer is marked").matches(Pattern.quote(offerId) + " +\\S+ +1 +\\* +.*");
        assertThat(whyLines).contains("weights: headroom 1, speed 1, reliability 2, preference 1");
        JsonNode decisions = cli("request", "why", id, "-o", "json").json().path("decisions");
        assertThat(decisions.size()).as("the decisions kept").isPositive();
        JsonNode latest = decisions.get(decisions.size() - 1);
        assertThat(latest.path("outcome").asText()).isEqualTo("MATCHED");
        assertThat(latest.path("offerId").asText()).isEqualTo(offerId);
        assertThat(latest.path("candidates").get(0).path("chosen").asBoolean()).as("the chosen offer comes first").isTrue();

        Run list = cli("request", "list", "--state", "FULFILLED", "-o", "json");
        assertThat(list.code()).isZero();
        List<String> ids = new ArrayList<>();
        list.json().path("items").forEach(item -> ids.add(item.path("id").asText()));
        assertThat(ids).contains(id);

        Run fixed = cli("request", "update", id, "-p", "region=us-east");
        assertThat(fixed.code()).as("only the size is updatable in place").isEqualTo(1);
        assertThat(fixed.err()).startsWith("capmarket update: ").contains("422");
        // a large database takes the admins' approval (the demo's policy): an update to one is refused in the history
        Run gated = cli("request", "update", id, "-p", "size=large", "-o", "json");
        assertThat(gated.code()).as(gated.err()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> cli("request", "get", id, "-o", "json").json().path("history")
                .toString().contains("these parameters need approval by [role:admin]"));
        assertThat(cli("request", "get", id, "-o", "json").json().path("parameters").path("size").asText()).isEqualTo("small");
        Run update = cli("request", "update", id, "-p", "size=medium", "-o", "json");
        assertThat(update.code()).as(update.err()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> cli("request", "get", id, "-o", "json").json().path("parameters")
                .path("size").asText().equals("medium"));
        assertThat(cli("request", "get", id, "-o", "json").json().path("state").asText()).isEqualTo("FULFILLED");

        Run deprovision = cli("request", "cancel", id, "-o", "json");
        assertThat(deprovision.code()).as("a fulfilled request is deprovisioned: " + deprovision.err()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> cli("request", "get", id, "-o", "json").json().path("state").asText()
                .equals("DEPROVISIONED"));
        Run finishedCancel = cli("request", "cancel", id);
        assertThat(finishedCancel.code()).as("the gateway refuses: nothing to cancel").isEqualTo(1);
        assertThat(finishedCancel.err()).startsWith("capmarket cancel: ").contains("409");

        Run waiting = cli("request", "submit", "postgres-database", "-p", "size=small", "-c", "region=nowhere", "-o", "json",
                "--wait", "WAITING", "--timeout", "30s");
        assertThat(waiting.code()).as(waiting.err()).isZero();
        String waitingId = waiting.json().path("id").asText();
        assertThat(waiting.json().path("state").asText()).isEqualTo("WAITING");
        Run cancelled = cli("request", "cancel", waitingId, "-o", "json");
        assertThat(cancelled.code()).as(cancelled.err()).isZero();
        assertThat(cancelled.json().path("id").asText()).isEqualTo(waitingId);
        Run watchCancelled = cli("request", "watch", waitingId, "--until", "FULFILLED");
        assertThat(watchCancelled.code()).as("it finished without being fulfilled").isEqualTo(1);
        assertThat(watchCancelled.out()).contains("CANCELLED");
        assertThat(watchCancelled.err()).contains("finished CANCELLED", "without reaching FULFILLED");

        Run missing = cli("request", "get", "no-such-request");
        assertThat(missing.code()).as("a remote refusal").isEqualTo(1);
        assertThat(missing.err()).startsWith("capmarket get: ");
        Run missingWhy = cli("request", "why", "no-such-request");
        assertThat(missingWhy.code()).as("a remote refusal").isEqualTo(1);
        assertThat(missingWhy.err()).startsWith("capmarket why: ").contains("404");
        Run refused = cli("request", "submit", "postgres-database", "-p", "size=enormous", "-o", "json");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("size");
    }

    @Test
    void anAdminApprovesOneLargeDatabaseAndRejectsAnotherFromTheCommandLine() throws Exception {
        String approvedId = pendingLargeDatabase("cli-it-approve");
        Run notAnApprover = cli("request", "approve", approvedId);
        assertThat(notAnApprover.code()).as("the consumer's role is named by none of its approvals").isEqualTo(1);
        assertThat(notAnApprover.err()).startsWith("capmarket approve: ").contains("403");
        assertThat(ids(cli("approvals", "-o", "json"))).doesNotContain(approvedId);
        assertThat(ids(cli("approvals", "-o", "json", "--token", DevMarketplace.ADMIN_TOKEN))).contains(approvedId);
        assertThat(cli("approvals", "--token", DevMarketplace.ADMIN_TOKEN).out()).contains(approvedId, "role:admin", "{\"size\":\"large\"}");

        Run approve = cli("request", "approve", approvedId, "--reason", "sized for the launch", "--token", DevMarketplace.ADMIN_TOKEN);
        assertThat(approve.code()).as(approve.err()).isZero();
        Run fulfilled = cli("request", "watch", approvedId, "--until", "FULFILLED");
        assertThat(fulfilled.code()).as(fulfilled.err()).isZero();
        assertThat(cli("request", "get", approvedId, "-o", "json").json().path("approvals"))
                .allSatisfy(approval -> assertThat(approval.path("approvedBy").asText()).contains("role admin"));

        String rejectedId = pendingLargeDatabase("cli-it-reject");
        Run noReason = cli("request", "reject", rejectedId, "--token", DevMarketplace.ADMIN_TOKEN);
        assertThat(noReason.code()).as("a rejection says why").isEqualTo(2);
        Run reject = cli("request", "reject", rejectedId, "--reason", "large is for production teams", "--token",
                DevMarketplace.ADMIN_TOKEN);
        assertThat(reject.code()).as(reject.err()).isZero();
        Run failed = cli("request", "watch", rejectedId, "--until", "FULFILLED");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err()).contains("finished FAILED", "rejected by", "large is for production teams");
        Run decidedAgain = cli("request", "approve", rejectedId, "--token", DevMarketplace.ADMIN_TOKEN);
        assertThat(decidedAgain.code()).as("no longer PENDING_APPROVAL").isEqualTo(1);
        assertThat(decidedAgain.err()).contains("409");
    }

    /** Submits a large database, which the dev run's demo offer has approved by an admin, and waits until it is PENDING_APPROVAL. */
    private static String pendingLargeDatabase(String idempotencyKey) throws Exception {
        Run submitted = submitOnceOffered("request", "submit", "postgres-database", "-p", "size=large", "-c", "region=eu-west",
                "--idempotency-key", idempotencyKey, "-o", "json", "--wait", "PENDING_APPROVAL", "--timeout", "60s");
        assertThat(submitted.json().path("state").asText()).isEqualTo("PENDING_APPROVAL");
        List<String> approvers = new ArrayList<>();
        submitted.json().path("approvals").forEach(approval -> approval.path("approvers").forEach(a -> approvers.add(a.asText())));
        assertThat(approvers).contains("role:admin");
        return submitted.json().path("id").asText();
    }

    /**
     * {@code capmarket replay} over the live log: six requests replayed as the topology decided
     * them, and without the eu-west offer those constrained to eu-west wait while the rest go to
     * us-east.
     */
    @Test
    void theLiveLogReplaysAsItWasDecidedAndWithoutAnOfferItsWorkMoves() {
        submitOnceOffered("request", "submit", "postgres-database", "-p", "size=small", "--wait", "FULFILLED", "--timeout", "60s");
        Instant from = Instant.now();
        for (int i = 0; i < 6; i++) {
            List<String> args = new ArrayList<>(List.of("request", "submit", "postgres-database", "-p", "size=small", "--wait",
                    "FULFILLED", "--timeout", "60s"));
            if (i % 2 == 0) {
                args.addAll(List.of("-c", "region=eu-west"));
            }
            Run submitted = cli(args.toArray(String[]::new));
            assertThat(submitted.code()).as(submitted.err()).isZero();
        }
        // past the last fulfilment; the command ends the window at its own now
        Instant to = Instant.now().plus(Duration.ofMinutes(1));

        Run asRecorded = replay("--from", from.toString(), "--to", to.toString(), "--warm-up", "0s");
        assertThat(asRecorded.code()).as(asRecorded.err()).isZero();
        assertThat(asRecorded.out()).as(asRecorded.out()).contains("change: none (the recorded policy)",
                "decisions: 6 of 6 requests decided as recorded");
        assertThat(asRecorded.out().lines().filter(line -> line.startsWith("postgres-database "))).singleElement().asString()
                .containsPattern("recorded +6 +6 +0 +0 ");

        Run without = replay("--from", from.toString(), "--to", to.toString(), "--without-offer", "pg16-eu-west");
        assertThat(without.code()).as(without.err()).isZero();
        // the three constrained to eu-west wait for an offer that is gone; the others go to us-east, the last of them
        // maybe still in the works at the window's end
        assertThat(without.out()).as(without.out()).containsPattern("postgres-database/pg16-eu-west +\\d+ -> 0 ")
                .containsPattern("(?m)^ +simulated +6 +(3 +0 +3|2 +0 +4) ")
                .contains("- the window ends now");
    }

    /** {@code capmarket replay} against the dev run's broker and registry. */
    private static Run replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(args));
        all.addAll(List.of("--set", "bootstrap.servers=" + marketplace.bootstrapServers(),
                "--set", "schema.registry.url=" + marketplace.registryUrl()));
        int code = CapmarketCli.execute(all.toArray(String[]::new), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A submit with an Idempotency-Key, made again until it succeeds: the demo offers reach the
     * catalog some seconds after the dev run starts, and the gateway keeps an unknown capability
     * as unknown for a second ({@code Catalog.FRESH_FOR}), so a submit racing the catalog is
     * refused; the key makes the retries one request.
     */
    private static Run submitOnceOffered(String... args) {
        Run[] last = new Run[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            last[0] = cli(args);
            assertThat(last[0].code()).as(last[0].err() + last[0].out()).isZero();
        });
        return last[0];
    }

    private static List<String> ids(Run list) throws Exception {
        assertThat(list.code()).as(list.err()).isZero();
        List<String> ids = new ArrayList<>();
        list.json().path("items").forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }
}
