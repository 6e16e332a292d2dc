package io.capmarket.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.topology.replay.WhatIf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code capmarket replay}'s options, without a broker: times, the change they ask for, and their errors. */
class ReplayCommandTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CapmarketCli.execute(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static ReplayCommand parsed(String... args) {
        ReplayCommand command = new ReplayCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void timesAreInstantsDaysOrTimesAgo() {
        assertThat(ReplayCommand.time("from", "2026-12-03T09:30:00Z", NOW)).isEqualTo(Instant.parse("2026-12-03T09:30:00Z"));
        assertThat(ReplayCommand.time("from", "2026-12-03", NOW)).isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
        assertThat(ReplayCommand.time("from", "24h", NOW)).isEqualTo(Instant.parse("2026-12-03T12:00:00Z"));
        assertThat(ReplayCommand.time("from", "90m", NOW)).isEqualTo(Instant.parse("2026-12-04T10:30:00Z"));
        assertThat(ReplayCommand.time("to", "7d", NOW)).isEqualTo(Instant.parse("2026-11-27T12:00:00Z"));
        assertThatThrownBy(() -> ReplayCommand.time("from", "yesterday", NOW)).hasMessage("from must be an instant "
                + "(2026-12-03T09:00:00Z), a day (2026-12-03) or a time ago (24h, 90m, 7d), but was 'yesterday'");
    }

    @Test
    void theOptionsMakeTheChange(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pg.yaml");
        Files.writeString(file, """
                offers:
                  - offerId: pg-ap-south
                    capability: postgres-database
                    version: 1
                    description: PostgreSQL 16 in ap-south
                    parameterSchema: {type: object}
                    outputSchema: {type: object}
                    attributes: {region: ap-south}
                    capacity: 8
                    leadTime: 15m
                """);
        WhatIf whatIf = parsed("--from", "24h", "--weights", "headroom=2,preference=0.5", "--without-offer", "pg-eu",
                "--without-offer", "pg-us", "--with-offer", file.toString(), "--with-offer-producer", "apac-db",
                "--capacity", "pg-us=40").whatIf(NOW);

        assertThat(whatIf.weights()).containsExactlyInAnyOrderEntriesOf(Map.of("headroom", 2.0, "preference", 0.5));
        assertThat(whatIf.withoutOffers()).containsExactlyInAnyOrder("pg-eu", "pg-us");
        assertThat(whatIf.capacities()).containsExactlyEntriesOf(Map.of("pg-us", 40));
        assertThat(whatIf.withOffers()).singleElement().satisfies(offer -> {
            assertThat(offer.getOfferId()).isEqualTo("pg-ap-south");
            assertThat(offer.getProducerId()).isEqualTo("apac-db");
            assertThat(offer.getCapacity()).isEqualTo(8);
            assertThat(offer.getLeadTimeSloMs()).isEqualTo(900_000L);
            assertThat(offer.getAttributes()).containsEntry("region", "ap-south");
        });
        assertThat(parsed("--from", "24h").whatIf(NOW).isNone()).isTrue();
    }

    @Test
    void aBadOptionIsAUsageErrorNamingIt(@TempDir Path dir) throws Exception {
        assertThat(run("replay", "--from", "yesterday")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("from must be an instant", "but was 'yesterday'");
        err.reset();
        assertThat(run("replay", "--from", "2026-12-03", "--to", "2026-12-02")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("to must be after from");
        err.reset();
        assertThat(run("replay", "--from", "24h", "--warm-up", "an hour")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warm-up must be", "but was 'an hour'");
        err.reset();
        assertThat(run("replay", "--from", "24h", "--weights", "cost=1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("weights: factor must be one of [headroom, speed, reliability, "
                + "preference], but was 'cost'");
        err.reset();
        assertThat(run("replay", "--from", "24h", "--capacity", "pg=lots")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("capacity of offer pg must be a number, but was 'lots'");
        err.reset();
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "offers:\n  - offerId: x\n");
        assertThat(run("replay", "--from", "24h", "--with-offer", broken.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("with-offer: ", broken.toString());
    }

    @Test
    void helpShowsTheChangesItCanReplay() {
        assertThat(run("replay", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--from", "--to", "--warm-up", "--weights", "--without-offer", "--with-offer",
                "--capacity", "--config", "--set", "reproduces the recorded decisions");
    }
}
