package io.capmarket.cli;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.config.InvalidConfigException;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.sync.OfferFiles;
import io.capmarket.topology.app.RecordedLogReader;
import io.capmarket.topology.app.TopologyConfig;
import io.capmarket.topology.replay.Replay;
import io.capmarket.topology.replay.ReplayReport;
import io.capmarket.topology.replay.WhatIf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code capmarket replay}: re-runs a window of the marketplace's log through the matching desk
 * under another policy, read-only, and prints what would have happened beside what did
 * ({@link Replay}). It reads the log with the topology's settings ({@code --config},
 * {@code --set}, {@code CAPMARKET_*}), whose matching policy is the recorded one; with none given
 * it reads the dev stack ({@code localhost:9092}, {@code http://localhost:8081}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"What if: re-runs the requests, offers, heartbeats and fulfilment timings of a window of the log through "
                + "the same matching desk under a changed policy, read-only, and prints lead times, waiting, failures, "
                + "reassignments and utilisation, recorded vs simulated, per capability and overall.",
            "With no change it reproduces the recorded decisions."},
        footer = {"%nTimes: an instant (2026-12-03T09:00:00Z), a day (2026-12-03, its start in UTC) or a time ago (24h, 90m, 7d).",
            "Kafka and the registry: the topology's settings (--config, --set, CAPMARKET_*), the dev stack's when none is given."})
final class ReplayCommand implements Callable<Integer> {

    /** A duration, or a time ago: a whole number and a unit. */
    private static final Pattern AGO = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Option(names = "--from", required = true, paramLabel = "TIME", description = "the window's start (inclusive)")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "the window's end (exclusive); default: now")
    String to;

    @Option(names = "--warm-up", paramLabel = "DURATION", defaultValue = "1h",
            description = "the log before the window replayed too, not reported on, so that the window starts with the offers' "
                    + "load and record (default: ${DEFAULT-VALUE}; 0s: none)")
    String warmUp;

    @Option(names = "--weights", paramLabel = "FACTOR=W", split = ",",
            description = "matching weights instead of the recorded ones: headroom, speed, reliability, preference")
    Map<String, String> weights = new LinkedHashMap<>();

    @Option(names = "--without-offer", paramLabel = "OFFER", description = "an offer taken out of the market; repeatable")
    List<String> withoutOffers = new ArrayList<>();

    @Option(names = "--with-offer", paramLabel = "FILE.yaml", description = "offers added from an offer file, as capmarket sync "
            + "reads them; repeatable")
    List<Path> withOffers = new ArrayList<>();

    @Option(names = "--with-offer-producer", paramLabel = "ID", defaultValue = "what-if",
            description = "the producer of the added offers (default: ${DEFAULT-VALUE})")
    String addedProducer;

    @Option(names = "--capacity", paramLabel = "OFFER=N", description = "an offer's capacity instead of its published one; "
            + "repeatable")
    Map<String, String> capacities = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "how long reading the log may take (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--config", paramLabel = "FILE", description = "the topology's settings file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a topology setting that wins over the file and the environment")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CapmarketCli.Terminal terminal = CapmarketCommand.terminal(spec);
        Instant now = Instant.now();
        Instant start = time("from", from, now);
        Instant asked = to == null ? now : time("to", to, now);
        if (!asked.isAfter(start)) {
            throw new IllegalArgumentException("to must be after from, but " + asked + " is not after " + start);
        }
        // the log holds nothing later than now: a window past it would let the simulation finish work the recording could not
        Instant end = asked.isAfter(now) ? now : asked;
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("from must be in the past, but was " + start);
        }
        Duration before = duration("warm-up", warmUp);
        Duration readFor = duration("timeout", timeout);
        if (readFor.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
        }
        WhatIf whatIf = whatIf(start);
        TopologyConfig settings = settings(terminal.environment());
        RecordedLogReader.Read read = RecordedLogReader.read(settings.clientConfig(), settings.topics(), start.minus(before), end,
                readFor);
        ReplayReport report = Replay.run(read.log(), start, settings.settings(), whatIf);
        terminal.out().print(report.render());
        if (end.isBefore(asked)) {
            terminal.out().println("- the window ends now, " + end + ": the log holds nothing later");
        }
        read.skipped().forEach((reason, count) -> terminal.out().println("- records left out: " + count + " " + reason));
        return CapmarketCli.OK;
    }

    /** The change the options ask for; every problem names its option. */
    WhatIf whatIf(Instant start) {
        Map<String, Double> parsedWeights = new LinkedHashMap<>();
        weights.forEach((factor, weight) -> parsedWeights.put(factor, number("weights." + factor, weight)));
        Map<String, Integer> parsedCapacities = new HashMap<>();
        capacities.forEach((offerId, capacity) -> {
            double n = number("capacity of offer " + offerId, capacity);
            if (n != Math.rint(n) || n < 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("capacity of offer " + offerId + " must be a whole number of 0 or more, but was "
                        + capacity);
            }
            parsedCapacities.put(offerId, (int) n);
        });
        List<CapabilityOffer> added = new ArrayList<>();
        for (Path file : withOffers) {
            String yaml;
            try {
                yaml = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("with-offer: cannot read " + file + ": " + e.getMessage(), e);
            }
            try {
                OfferFiles.parse(file.toString(), yaml).forEach(offer -> added.add(OfferFiles.published(offer, addedProducer, start)));
            } catch (InvalidOfferException e) {
                throw new IllegalArgumentException("with-offer: " + String.join("; ", e.problems()), e);
            }
        }
        return new WhatIf(parsedWeights, new LinkedHashSet<>(withoutOffers), added, parsedCapacities);
    }

    private TopologyConfig settings(Map<String, String> environment) {
        Map<String, String> withDevDefaults = new HashMap<>();
        if (config == null) {
            withDevDefaults.put("CAPMARKET_BOOTSTRAP_SERVERS", "localhost:9092");
            withDevDefaults.put("CAPMARKET_SCHEMA_REGISTRY_URL", "http://localhost:8081");
        }
        withDevDefaults.putAll(environment);
        try {
            return TopologyConfig.load(config, withDevDefaults, overrides);
        } catch (InvalidConfigException e) {
            throw new IllegalArgumentException(String.join("; ", e.problems()), e);
        }
    }

    /** A time as the options write it: an instant, a day (its start in UTC) or a time ago. */
    static Instant time(String option, String text, Instant now) {
        if (AGO.matcher(text).matches()) {
            return now.minus(duration(option, text));
        }
        try {
            return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an instant (2026-12-03T09:00:00Z), a day (2026-12-03) or a time "
                    + "ago (24h, 90m, 7d), but was '" + text + "'");
        }
    }

    /** A duration as the options write it: a whole number and a unit ({@code 90m}, {@code 1h}, {@code 0s}). */
    static Duration duration(String option, String text) {
        Matcher matcher = AGO.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(option + " must be a duration (1h, 90m, 7d, 0s), but was '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static double number(String what, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, but was '" + text + "'");
        }
    }
}
