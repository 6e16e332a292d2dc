package io.capmarket.topology.core.score;

import io.capmarket.schemas.ScoreFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The scorecard state of one scope — a capability, or a capability and one of its producers —
 * over a sliding window and over all time.
 *
 * <p>Feed it the lifecycle events of the scope with their own instants, in any order, and read
 * the figures with {@link #figures(Instant, Current)}. Time only ever comes in as an argument:
 * the state keeps a <em>reference instant</em>, the latest instant it was given (by an event or
 * by {@code figures}), and the window is the window length ending there. An event older than
 * the window at the time it arrives is a late arrival: it counts all time only, since the
 * window it belongs to has already been reported.
 *
 * <p>Lead times come from {@link DurationSketch}es, so percentiles are mergeable across buckets
 * and the state stays bounded however many requests a scope serves. Persist it with
 * {@link ScoreStateCodec}.
 *
 * <p>Not thread-safe: a scope belongs to the single stream task that owns its capability.
 */
public final class ScoreState {

    /** The window length when none is configured. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

    /** Buckets the window is cut into; the window length must be a multiple of this many milliseconds. */
    public static final int WINDOW_BUCKETS = SlidingWindow.BUCKETS;

    /**
     * The live load of a scope at the time the figures are computed. It is not derived from the
     * counted events, since only the matching state knows what is in flight right now.
     *
     * @param capacity capacity of the active offers
     * @param inFlight requests assigned and not finished
     * @param waiting requests waiting for an offer with capacity
     * @param backlog requests not finished: waiting, matched, accepted or in progress
     */
    public record Current(int capacity, int inFlight, int waiting, int backlog) {

        /** No offer, nothing in flight, nothing waiting. */
        public static final Current NONE = new Current(0, 0, 0, 0);

        public Current {
            requireNotNegative("capacity", capacity);
            requireNotNegative("inFlight", inFlight);
            requireNotNegative("waiting", waiting);
            requireNotNegative("backlog", backlog);
        }

        private static void requireNotNegative(String name, int value) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be >= 0, but was " + value);
            }
        }
    }

    /**
     * The figures of a scope for both periods.
     *
     * @param window over the sliding window ending at the reference instant
     * @param allTime since the earliest event recorded
     */
    public record Figures(ScoreFigures window, ScoreFigures allTime) {

        public Figures {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(allTime, "allTime");
        }
    }

    private final SlidingWindow window;
    private final Tally allTime;
    private long firstEventMillis;
    private long referenceMillis;
    private boolean hasEvent;
    private boolean hasReference;
    /** When the scope's producer went on probation, or null while it is in good standing. */
    private Instant probationSince;
    /** What teams asked of the capability (a capability's own scope only), or null while nothing was counted. */
    private DemandTally demand;

    /**
     * An empty state.
     *
     * @param window the sliding window length, a positive multiple of {@value #WINDOW_BUCKETS} ms
     * @throws IllegalArgumentException when the window cannot be cut into equal buckets
     */
    public ScoreState(Duration window) {
        this(new SlidingWindow(Objects.requireNonNull(window, "window")), new Tally());
    }

    /** An empty state over the {@link #DEFAULT_WINDOW}. */
    public static ScoreState withDefaultWindow() {
        return new ScoreState(DEFAULT_WINDOW);
    }

    ScoreState(SlidingWindow window, Tally allTime) {
        this.window = window;
        this.allTime = allTime;
    }

    /**
     * When the scope's producer went on probation for the capability, or empty while it is in good standing (and
     * for a capability's own scope).
     */
    public Optional<Instant> probationSince() {
        return Optional.ofNullable(probationSince);
    }

    /** What teams asked of the capability: counted on a capability's own scope, made when first asked for. */
    public DemandTally demand() {
        if (demand == null) {
            demand = new DemandTally();
        }
        return demand;
    }

    /** The demand counted, or null when none was (so that an empty one costs nothing to keep). */
    DemandTally demandOrNull() {
        return demand == null || demand.isEmpty() ? null : demand;
    }

    void restoreDemand(DemandTally restored) {
        demand = restored;
    }

    /** Records the producer's standing: on probation since {@code since}, or in good standing when null. */
    public void probation(Instant since) {
        probationSince = since;
    }

    /** The sliding window length. */
    public Duration window() {
        return window.length();
    }

    /** A request was submitted. */
    public void submitted(Instant at) {
        record(at, tally -> tally.count(Counter.SUBMITTED));
    }

    /**
     * A request was matched to an offer.
     *
     * @param sinceSubmitted time since submission for a first match; null for a re-match, which
     *     counts as a match but would distort the first-match lead time
     */
    public void matched(Instant at, Duration sinceSubmitted) {
        Long millis = sinceSubmitted == null ? null : sinceSubmitted.toMillis();
        record(at, tally -> {
            tally.count(Counter.MATCHED);
            if (millis != null) {
                tally.sample(Step.SUBMITTED_TO_MATCHED, millis);
            }
        });
    }

    /** A producer accepted an assignment, {@code sinceMatched} after it was matched. */
    public void accepted(Instant at, Duration sinceMatched) {
        long millis = Objects.requireNonNull(sinceMatched, "sinceMatched").toMillis();
        record(at, tally -> tally.sample(Step.MATCHED_TO_ACCEPTED, millis));
    }

    /**
     * A request was fulfilled, {@code sinceSubmitted} after it was submitted; {@code late} when its
     * work had run past the offer's lead-time promise ({@link #sloBreached} counted that when it happened).
     */
    public void fulfilled(Instant at, Duration sinceSubmitted, boolean late) {
        long millis = Objects.requireNonNull(sinceSubmitted, "sinceSubmitted").toMillis();
        record(at, tally -> {
            tally.count(Counter.FULFILLED);
            if (late) {
                tally.count(Counter.FULFILLED_LATE);
            }
            tally.sample(Step.SUBMITTED_TO_FULFILLED, millis);
        });
    }

    /** A producer reported a failure (retryable or not). */
    public void failed(Instant at) {
        record(at, tally -> tally.count(Counter.FAILED));
    }

    /** An assignment was rejected, or not accepted before its deadline. */
    public void rejected(Instant at) {
        record(at, tally -> tally.count(Counter.REJECTED));
    }

    /** Work ran past the offer's lead-time promise. */
    public void sloBreached(Instant at) {
        record(at, tally -> tally.count(Counter.SLO_BREACHES));
    }

    /** An update of a fulfilled resource was done, {@code took} after it was asked for. */
    public void updated(Instant at, Duration took) {
        long millis = Objects.requireNonNull(took, "took").toMillis();
        record(at, tally -> {
            tally.count(Counter.UPDATED);
            tally.sample(Step.UPDATE, millis);
        });
    }

    /** An update failed, or was given up: the resource kept its parameters. */
    public void updateFailed(Instant at) {
        record(at, tally -> tally.count(Counter.UPDATE_FAILED));
    }

    /** A resource was deprovisioned, {@code took} after it was asked for. */
    public void deprovisioned(Instant at, Duration took) {
        long millis = Objects.requireNonNull(took, "took").toMillis();
        record(at, tally -> {
            tally.count(Counter.DEPROVISIONED);
            tally.sample(Step.DEPROVISION, millis);
        });
    }

    /** A request's last approval was given, {@code waited} after its submission. */
    public void approved(Instant at, Duration waited) {
        long millis = Objects.requireNonNull(waited, "waited").toMillis();
        record(at, tally -> tally.sample(Step.APPROVAL_WAIT, millis));
    }

    /** A deprovision was flagged as an orphan. */
    public void orphaned(Instant at) {
        record(at, tally -> tally.count(Counter.ORPHANED));
    }

    /**
     * The figures for the window and for all time.
     *
     * <p>Both periods end at the reference instant: {@code now}, or the latest event instant if
     * that is later (a producer's clock ahead of ours). {@code fulfilledPerMinute} divides by the
     * time the period actually covers — from the start of the window's oldest bucket (or of the
     * first event, if later) for the window, from the first event for all time — and counts a
     * period shorter than one bucket as one bucket, so that the first few events of a scope do
     * not extrapolate into a huge rate.
     *
     * <p>Moves the reference instant to {@code now} and drops the buckets that fell out of the window.
     */
    public Figures figures(Instant now, Current current) {
        Objects.requireNonNull(current, "current");
        advanceReference(Objects.requireNonNull(now, "now").toEpochMilli());
        long ref = referenceMillis;
        Tally inWindow = window.merged(ref);
        long windowStart = hasEvent ? Math.max(window.startMillis(ref), firstEventMillis) : window.startMillis(ref);
        long allTimeStart = hasEvent ? firstEventMillis : ref;
        return new Figures(
                inWindow.toFigures(current, ratePeriod(windowStart, ref)),
                allTime.toFigures(current, ratePeriod(allTimeStart, ref)));
    }

    private long ratePeriod(long startMillis, long endMillis) {
        return Math.max(endMillis - startMillis, window.bucketMillis());
    }

    private void record(Instant at, Consumer<Tally> change) {
        long atMillis = Objects.requireNonNull(at, "at").toEpochMilli();
        firstEventMillis = hasEvent ? Math.min(firstEventMillis, atMillis) : atMillis;
        hasEvent = true;
        advanceReference(atMillis);
        change.accept(allTime);
        Tally bucket = window.tallyAt(atMillis, referenceMillis);
        if (bucket != null) {
            change.accept(bucket);
        }
    }

    private void advanceReference(long millis) {
        referenceMillis = hasReference ? Math.max(referenceMillis, millis) : millis;
        hasReference = true;
    }

    // --- for ScoreStateCodec and tests ---

    SlidingWindow slidingWindow() {
        return window;
    }

    Tally allTime() {
        return allTime;
    }

    OptionalLong firstEventMillis() {
        return hasEvent ? OptionalLong.of(firstEventMillis) : OptionalLong.empty();
    }

    OptionalLong referenceMillis() {
        return hasReference ? OptionalLong.of(referenceMillis) : OptionalLong.empty();
    }

    void restoreInstants(OptionalLong firstEvent, OptionalLong reference) {
        hasEvent = firstEvent.isPresent();
        firstEventMillis = firstEvent.orElse(0L);
        hasReference = reference.isPresent();
        referenceMillis = reference.orElse(0L);
    }

    @Override
    public String toString() {
        return "ScoreState[window=" + window.length() + ", allTime=" + allTime + ", firstEvent=" + firstEventMillis()
                + ", reference=" + referenceMillis() + ", probationSince=" + probationSince + "]";
    }
}
