package io.capmarket.topology.replay;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.topology.TestRecords;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A scripted market over a simulated window, recorded as the marketplace's log records it: the
 * desk runs it on its own clock ({@link Simulation}) with producers that answer as their script
 * says, and {@link #record()} returns every input as it was fed, with the latest status of each
 * request as the recorded outcome. A replay of that log with no change must decide every request
 * as the market did.
 */
public final class RecordingMarket {

    /** How a scripted producer answers an assignment: its report after accepting (null: it never answers). */
    public record Script(Duration acceptAfter, Duration workFor, Function<String, FulfilmentKind> outcome) {
    }

    private final TopologySettings settings;
    private final Instant from;
    private final Instant to;
    private final List<Recorded> facts = new ArrayList<>();
    private final Map<String, Script> scripts = new LinkedHashMap<>();

    /** A market recorded from {@code from} to {@code to}. */
    public RecordingMarket(TopologySettings settings, Instant from, Instant to) {
        this.settings = settings;
        this.from = from;
        this.to = to;
    }

    /**
     * A producer approved for {@code capability} an hour before the window, heartbeating every 10 s
     * from then on, answering as {@code script} says.
     */
    public RecordingMarket producer(String producerId, String capability, Script script) {
        Instant approvedAt = from.minus(Duration.ofHours(1));
        facts.add(new Recorded.Approval(approvedAt, producerId, new ProducerApproval(producerId, List.of(capability), "admin",
                approvedAt)));
        for (Instant at = approvedAt; at.isBefore(to); at = at.plusSeconds(10)) {
            facts.add(new Recorded.Heartbeat(at, producerId, new ProducerHeartbeat(producerId, producerId + "-1", at, 0, true)));
        }
        scripts.put(producerId, script);
        return this;
    }

    /** An offer published at {@code at}: version 1, ACTIVE, with the capacity, promise and attributes given. */
    public RecordingMarket offer(Instant at, String offerId, String producerId, String capability, int capacity, Duration promise,
            Map<String, String> attributes) {
        CapabilityOffer offer = TestRecords.offer(offerId, producerId, capability, capacity, attributes, at);
        offer.setLeadTimeSloMs(promise.toMillis());
        facts.add(new Recorded.OfferChanged(at, capability, new OfferChange(offerId, offer, producerId)));
        return this;
    }

    /** A request submitted at {@code at} by {@code team}, with the preferences given. */
    public RecordingMarket submit(Instant at, String requestId, String capability, String team, Map<String, String> preferences) {
        SubmitRequest submit = TestRecords.submit(requestId, capability, Priority.NORMAL, Map.of(), team, at);
        submit.setPreferences(preferences);
        facts.add(new Recorded.Command(at, capability, submit));
        return this;
    }

    /**
     * The settings to record and replay {@link #twoOfferDay} with: the defaults, but for failure
     * rates that fade over a day, not an hour, so that pg-slow's rejections and failures keep most of
     * the day's work on pg-fast, which the what-ifs take away.
     */
    public static final TopologySettings TWO_OFFER_DAY_SETTINGS = TopologySettings.ofDefaults()
            .withMatching(TopologySettings.ofDefaults().matching().withFailureHalfLife(Duration.ofDays(1)));

    /**
     * A day of {@code postgres-database}: fast-team's pg-fast (eu-west, capacity 4) accepts in 20 s
     * and works 8 min; slow-team's pg-slow (us-east, capacity 20) accepts in 25 s and works 35 min,
     * rejecting requests ending in 3 and failing those ending in 7. 240 requests every 6 min from
     * teams payments and search (every fourth preferring us-east; every fifth submitted on the
     * team's own topic, so its requestId starts with the team's name), and a burst of 40 at 09:00
     * that outruns both offers.
     */
    public static RecordedLog twoOfferDay(TopologySettings settings, Instant from) {
        String pg = "postgres-database";
        RecordingMarket market = new RecordingMarket(settings, from, from.plus(Duration.ofDays(1)))
                .producer("fast-team", pg, new Script(Duration.ofSeconds(20), Duration.ofMinutes(8), id -> FulfilmentKind.FULFILLED))
                .producer("slow-team", pg, new Script(Duration.ofSeconds(25), Duration.ofMinutes(35),
                        id -> id.endsWith("3") ? FulfilmentKind.REJECTED : id.endsWith("7") ? FulfilmentKind.FAILED
                                : FulfilmentKind.FULFILLED))
                .offer(from.minus(Duration.ofMinutes(30)), "pg-fast", "fast-team", pg, 4, Duration.ofMinutes(15),
                        Map.of("region", "eu-west"))
                .offer(from.minus(Duration.ofMinutes(30)), "pg-slow", "slow-team", pg, 20, Duration.ofHours(1),
                        Map.of("region", "us-east"));
        for (int i = 0; i < 240; i++) {
            String team = i % 3 == 0 ? "search" : "payments";
            market.submit(from.plus(Duration.ofMinutes(6L * i)).plusMillis(1_234), (i % 5 == 0 ? team + "." : "") + "r-" + i, pg,
                    team, i % 4 == 0 ? Map.of("region", "us-east") : Map.of());
        }
        for (int i = 0; i < 40; i++) {
            market.submit(from.plus(Duration.ofHours(9)).plusSeconds(i), "burst-" + i, pg, "payments", Map.of());
        }
        return market.record();
    }

    /** Runs the market and returns its log: every input as fed, then each request's latest status. */
    public RecordedLog record() {
        List<Recorded> ordered = new ArrayList<>(facts);
        ordered.sort(Comparator.comparing(Recorded::at));
        Simulation market = new Simulation(settings, from, to, this::answer);
        market.keepInputs();
        market.run(ordered);
        List<Recorded> log = new ArrayList<>(market.processed());
        market.statuses().values().forEach(status -> log.add(new Recorded.Outcome(status.getUpdatedAt(), status)));
        log.sort(Comparator.comparing(Recorded::at));
        return new RecordedLog(from, to, log);
    }

    private List<Recorded.Command> answer(Assignment assignment, Instant now) {
        Script script = scripts.get(assignment.getProducerId());
        if (assignment.getAction() != AssignmentAction.FULFIL || script == null) {
            return List.of();
        }
        FulfilmentKind outcome = script.outcome().apply(assignment.getRequestId());
        if (outcome == null) {
            return List.of();
        }
        Instant accepted = now.plus(script.acceptAfter());
        if (outcome == FulfilmentKind.REJECTED) {
            return List.of(report(assignment, FulfilmentKind.REJECTED, accepted));
        }
        return List.of(report(assignment, FulfilmentKind.ACCEPTED, accepted),
                report(assignment, outcome, accepted.plus(script.workFor())));
    }

    private static Recorded.Command report(Assignment assignment, FulfilmentKind kind, Instant at) {
        return new Recorded.Command(at, assignment.getCapability(), TestRecords.report(assignment.getRequestId(),
                assignment.getOfferId(), assignment.getProducerId(), assignment.getCapability(), assignment.getAttempt(), kind,
                false, at));
    }
}
