package io.capmarket.topology.replay;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.CapabilityDesk;
import io.capmarket.topology.core.DeskOutbox;
import io.capmarket.topology.core.DeskSteps;
import io.capmarket.topology.core.InMemoryBooks;
import io.capmarket.topology.core.ProducerLiveness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The desk run off a clock of its own: facts fed at the times they carry, the desk's wall-clock
 * work ({@link CapabilityDesk#tick}) at every multiple of {@code deadlines.check-interval} and its
 * scorecards at every multiple of {@code scorecard.interval}, and the reports its {@link Producers}
 * answer assignments with at the times they give. At one instant facts go first, then answers,
 * then the clock's work, each in the order it was made; so a run is a function of its facts.
 *
 * <p>The clock's work is skipped when it would decide nothing ({@link InMemoryBooks#idleAt}).
 * Facts before the start set the state the run starts from, with no clock work between them.
 * {@link #processed()} is every input as it was fed, when the run keeps them ({@link #keepInputs()}):
 * the log of a run, for a replay of it.
 */
final class Simulation {

    /** The process a producer taken as live throughout sends its heartbeats from. */
    private static final String ASSUMED_INSTANCE = "replay";

    /** How producers answer the assignments the desk sends them. */
    interface Producers {

        /** The reports answering {@code assignment}, each at its own time after {@code now}; empty: no answer. */
        List<Recorded.Command> answer(Assignment assignment, Instant now);

        /** Whether a command of the log is left out: a recorded report on work these producers answer themselves. */
        default boolean drops(Recorded.Command command) {
            return false;
        }
    }

    /** Inputs fed at most, so a runaway answer loop cannot run for ever. */
    static final int MAX_INPUTS = 20_000_000;

    private final TopologySettings settings;
    private final Instant from;
    private final Instant to;
    private final Producers producers;
    private final InMemoryBooks books;
    private final Capture outbox = new Capture();
    private final CapabilityDesk desk;
    private final PriorityQueue<Scheduled> answers = new PriorityQueue<>(
            Comparator.comparing(Scheduled::at).thenComparingLong(Scheduled::sequence));
    private final Set<String> assumedLive = new TreeSet<>();
    private final Map<String, Set<String>> assumedApprovals = new TreeMap<>();
    private List<Recorded> processed;
    private long inputs;
    private long sequence;

    private record Scheduled(Instant at, long sequence, Recorded.Command command) {
    }

    Simulation(TopologySettings settings, Instant from, Instant to, Producers producers) {
        this.settings = settings;
        this.from = from;
        this.to = to;
        this.producers = producers;
        this.books = new InMemoryBooks(settings.scorecardWindow());
        this.desk = new CapabilityDesk(settings, EngineEvents.NONE, books, outbox, DeskSteps.UNDOING_NOTHING);
    }

    /** Takes {@code producerId} as live throughout: it sends a heartbeat at every instant the desk looks. */
    void assumeLive(String producerId) {
        assumedLive.add(producerId);
    }

    /**
     * Takes {@code producerId} as approved for {@code capability} throughout, besides whatever the
     * log approves it for.
     */
    void assumeApproved(String producerId, String capability) {
        assumedApprovals.computeIfAbsent(producerId, p -> new TreeSet<>()).add(capability);
        approve(producerId, books.approval(producerId), from);
    }

    /** Keeps every input fed, for {@link #processed()}. */
    void keepInputs() {
        processed = new ArrayList<>();
    }

    /** Why the desk refused a change of the offer, when it refused the last one it saw. */
    Optional<String> refusal(String offerId) {
        return Optional.ofNullable(outbox.refusals.get(offerId));
    }

    /** Runs {@code facts} (ordered by time) up to the end of the window. */
    void run(List<Recorded> facts) {
        Duration interval = settings.punctuateInterval();
        Duration scoring = settings.scorecardInterval();
        Instant nextTick = ceil(from, interval);
        Instant nextScores = ceil(from, scoring);
        int next = 0;
        while (true) {
            Recorded fact = next < facts.size() ? facts.get(next) : null;
            if (fact instanceof Recorded.Outcome) {
                next++;
                continue;
            }
            if (fact != null && fact.at().isBefore(from)) {
                feed(fact);
                next++;
                continue;
            }
            Instant factAt = fact == null || !fact.at().isBefore(to) ? Instant.MAX : fact.at();
            Instant answerAt = answers.isEmpty() || !answers.peek().at().isBefore(to) ? Instant.MAX : answers.peek().at();
            Instant clockAt = nextTick.isBefore(nextScores) ? nextTick : nextScores;
            if (!clockAt.isBefore(to) && factAt == Instant.MAX && answerAt == Instant.MAX) {
                return;
            }
            if (!factAt.isAfter(answerAt) && !factAt.isAfter(clockAt)) {
                if (!(fact instanceof Recorded.Command command && producers.drops(command))) {
                    feed(fact);
                }
                next++;
            } else if (!answerAt.isAfter(clockAt)) {
                feed(answers.poll().command());
            } else {
                heartbeats(clockAt);
                if (clockAt.equals(nextTick)) {
                    // a tick with nothing due and nothing waiting decides nothing
                    if (!books.idleAt(clockAt)) {
                        desk.tick(clockAt);
                    }
                    nextTick = nextTick.plus(interval);
                    answer(clockAt);
                }
                if (clockAt.equals(nextScores)) {
                    desk.publishScores(clockAt);
                    nextScores = nextScores.plus(scoring);
                }
            }
            if (inputs > MAX_INPUTS) {
                throw new IllegalStateException("the run fed more than " + MAX_INPUTS + " inputs: narrow the window");
            }
        }
    }

    /** Every input fed since {@link #keepInputs()}, in the order it was fed. */
    List<Recorded> processed() {
        if (processed == null) {
            throw new IllegalStateException("the run keeps its inputs only after keepInputs()");
        }
        return List.copyOf(processed);
    }

    /** The latest status of every request the run saw, by requestId. */
    Map<String, RequestStatus> statuses() {
        return Map.copyOf(outbox.statuses);
    }

    private void feed(Recorded fact) {
        Instant at = fact.at();
        inputs++;
        if (processed != null) {
            processed.add(fact);
        }
        heartbeats(at);
        if (fact instanceof Recorded.OfferChanged offer) {
            desk.offer(offer.capability(), offer.change(), at);
        } else if (fact instanceof Recorded.Heartbeat beat) {
            books.heartbeat(beat.producerId(), beat.heartbeat().getInstanceId(),
                    new ProducerLiveness(beat.heartbeat().getAt(), beat.heartbeat().getHealthy()));
        } else if (fact instanceof Recorded.Approval approval) {
            approve(approval.producerId(), approval.approval(), at);
        } else if (fact instanceof Recorded.Policy policy) {
            books.policy(policy.capability(), policy.version(), policy.policy());
        } else if (fact instanceof Recorded.Handover handover) {
            books.handOver(handover.capability(), handover.version(), handover.producerId());
        } else if (fact instanceof Recorded.Quota quota) {
            books.quota(quota.team(), quota.capability(), quota.quota());
        } else if (fact instanceof Recorded.Command command) {
            desk.command(command.capability(), command.event(), at, null);
        } else {
            throw new IllegalArgumentException("an outcome is not fed to the desk");
        }
        answer(at);
    }

    /** Schedules the producers' answers to the assignments just made. */
    private void answer(Instant now) {
        if (outbox.fresh.isEmpty()) {
            return;
        }
        List<Assignment> made = List.copyOf(outbox.fresh);
        outbox.fresh.clear();
        for (Assignment assignment : made) {
            for (Recorded.Command report : producers.answer(assignment, now)) {
                if (!report.at().isAfter(now)) {
                    throw new IllegalArgumentException("an answer must come after its assignment, at " + now + ", but came at "
                            + report.at());
                }
                answers.add(new Scheduled(report.at(), sequence++, report));
            }
        }
    }

    /** Records a producer's approval with the capabilities the run assumes it approved for. */
    private void approve(String producerId, ProducerApproval approval, Instant at) {
        Set<String> assumed = assumedApprovals.get(producerId);
        if (assumed == null || approval != null && approval.getCapabilities().containsAll(assumed)) {
            books.approve(producerId, approval);
            return;
        }
        Set<String> capabilities = new TreeSet<>(assumed);
        if (approval != null) {
            capabilities.addAll(approval.getCapabilities());
        }
        books.approve(producerId, new ProducerApproval(producerId, List.copyOf(capabilities),
                approval == null ? "replay" : approval.getApprovedBy(), approval == null ? at : approval.getAt()));
    }

    private void heartbeats(Instant now) {
        for (String producerId : assumedLive) {
            books.heartbeat(producerId, ASSUMED_INSTANCE, new ProducerLiveness(now, true));
        }
    }

    /** The first multiple of {@code interval} since the epoch at or after {@code at}. */
    static Instant ceil(Instant at, Duration interval) {
        long step = interval.toMillis();
        long millis = at.toEpochMilli();
        long floor = Math.floorDiv(millis, step) * step;
        return Instant.ofEpochMilli(floor == millis ? millis : floor + step);
    }

    /** Keeps what the desk decides that the run needs: each request's latest status and the assignments. */
    private static final class Capture implements DeskOutbox {

        private final Map<String, RequestStatus> statuses = new LinkedHashMap<>();
        private final List<Assignment> fresh = new ArrayList<>();
        private final Map<String, String> refusals = new LinkedHashMap<>();

        @Override
        public void status(RequestStatus status) {
            statuses.put(status.getRequestId(), status);
        }

        @Override
        public void deleted(String requestId) {
            statuses.remove(requestId);
        }

        @Override
        public void assignment(Assignment assignment) {
            fresh.add(assignment);
        }

        @Override
        public void catalog(String capability, CapabilityView view) {
        }

        @Override
        public void scorecard(CapabilityScore score) {
        }

        @Override
        public void usage(TeamUsage usage) {
        }

        @Override
        public void refusedReport(FulfilmentEvent report, String reason) {
        }

        @Override
        public void refusedOffer(String offerId, CapabilityOffer offer, String producerId, String reason) {
            refusals.put(offerId, reason);
        }
    }
}
