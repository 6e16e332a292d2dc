package io.capmarket.topology.core.score;

import io.capmarket.schemas.EfficiencyFigures;
import io.capmarket.schemas.LeadTimeFigures;
import io.capmarket.schemas.SafetyFigures;
import io.capmarket.schemas.ScalabilityFigures;
import io.capmarket.schemas.ScoreFigures;
import io.capmarket.schemas.SpeedFigures;
import java.util.Arrays;
import java.util.Objects;

/**
 * Counters and lead-time sketches over one period: all time, or one bucket of the window.
 * A sketch is allocated on its first sample, so the many buckets that see no event of a
 * given step cost a null reference rather than a histogram.
 */
final class Tally {

    private static final Counter[] COUNTERS = Counter.values();
    private static final Step[] STEPS = Step.values();

    private final long[] counts = new long[COUNTERS.length];
    private final DurationSketch[] sketches = new DurationSketch[STEPS.length];

    void count(Counter counter) {
        counts[counter.ordinal()]++;
    }

    void sample(Step step, long millis) {
        DurationSketch sketch = sketches[step.ordinal()];
        if (sketch == null) {
            sketch = new DurationSketch();
            sketches[step.ordinal()] = sketch;
        }
        sketch.record(millis);
    }

    long get(Counter counter) {
        return counts[counter.ordinal()];
    }

    /** The sketch for {@code step}, or null when the step has no sample in this period. */
    DurationSketch sketch(Step step) {
        return sketches[step.ordinal()];
    }

    /** Used by the decoder only. */
    void set(Counter counter, long value) {
        counts[counter.ordinal()] = value;
    }

    /** Used by the decoder only. */
    void set(Step step, DurationSketch sketch) {
        sketches[step.ordinal()] = sketch;
    }

    /** Adds {@code other} into this tally; {@code other} is left unchanged and shares nothing with this one. */
    void merge(Tally other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        for (int i = 0; i < sketches.length; i++) {
            DurationSketch theirs = other.sketches[i];
            if (theirs == null) {
                continue;
            }
            if (sketches[i] == null) {
                sketches[i] = theirs.copy();
            } else {
                sketches[i].merge(theirs);
            }
        }
    }

    /**
     * The scorecard figures of this period.
     *
     * @param current the live load, reported as is whatever the period
     * @param periodMillis how long the period lasted, for the throughput figure; must be positive
     */
    ScoreFigures toFigures(ScoreState.Current current, long periodMillis) {
        long fulfilled = get(Counter.FULFILLED);
        long failed = get(Counter.FAILED);
        long finished = fulfilled + failed;
        return ScoreFigures.newBuilder()
                .setSpeed(SpeedFigures.newBuilder()
                        .setSubmittedToMatched(figures(Step.SUBMITTED_TO_MATCHED))
                        .setMatchedToAccepted(figures(Step.MATCHED_TO_ACCEPTED))
                        .setSubmittedToFulfilled(figures(Step.SUBMITTED_TO_FULFILLED))
                        .setUpdate(figures(Step.UPDATE))
                        .setDeprovision(figures(Step.DEPROVISION))
                        .setApprovalWait(figures(Step.APPROVAL_WAIT))
                        .build())
                .setSafety(SafetyFigures.newBuilder()
                        .setFulfilled(fulfilled)
                        .setFailed(failed)
                        .setRejected(get(Counter.REJECTED))
                        .setSloBreaches(get(Counter.SLO_BREACHES))
                        .setFulfilledLate(get(Counter.FULFILLED_LATE))
                        .setFailureRate(finished == 0 ? 0.0 : (double) failed / finished)
                        .setUpdated(get(Counter.UPDATED))
                        .setUpdateFailures(get(Counter.UPDATE_FAILED))
                        .setDeprovisioned(get(Counter.DEPROVISIONED))
                        .setOrphans(get(Counter.ORPHANED))
                        .build())
                .setEfficiency(EfficiencyFigures.newBuilder()
                        .setCapacity(current.capacity())
                        .setInFlight(current.inFlight())
                        .setUtilization(current.capacity() == 0 ? 0.0 : (double) current.inFlight() / current.capacity())
                        .setWaiting(current.waiting())
                        .build())
                .setScalability(ScalabilityFigures.newBuilder()
                        .setSubmitted(get(Counter.SUBMITTED))
                        .setMatched(get(Counter.MATCHED))
                        .setFulfilledPerMinute(fulfilled * 60_000.0 / periodMillis)
                        .setBacklog(current.backlog())
                        .build())
                .build();
    }

    private LeadTimeFigures figures(Step step) {
        DurationSketch sketch = sketch(step);
        return sketch == null ? DurationSketch.noFigures() : sketch.toFigures();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tally other && Arrays.equals(counts, other.counts) && Arrays.equals(sketches, other.sketches);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(counts), Arrays.hashCode(sketches));
    }

    @Override
    public String toString() {
        return "Tally" + Arrays.toString(counts) + Arrays.toString(sketches);
    }
}
