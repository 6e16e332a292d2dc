package io.capmarket.topology.core;

import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.LeadTimeFigures;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.score.DurationSketch;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Bookkeeping on an offer's stored state: load, recent outcomes and observed lead times. Pure
 * functions from one {@link OfferState} to the next.
 */
public final class OfferRecord {

    private static final int OUTCOME_BITS = Long.SIZE;

    static {
        // copies of generated records with nested records load their classes by name
        AvroTrust.install();
    }

    private OfferRecord() {
    }

    /** The state of an offer seen for the first time. */
    public static OfferState fresh(CapabilityOffer offer) {
        return new OfferState(offer, false, 0, ByteBuffer.allocate(0), 0L, 0, null);
    }

    /**
     * The state of an offer its producer published again (changed, or the same on its restart): its
     * load and record kept. A record kept before outcomes were dated is dated now, so that it fades
     * from now on ({@link #failureRate(OfferState, Instant, Duration)}).
     */
    public static OfferState republished(OfferState state, CapabilityOffer offer, Instant now) {
        OfferState.Builder next = OfferState.newBuilder(state).setOffer(offer).setWithdrawn(false);
        if (state.getLastOutcomeAt() == null && state.getOutcomes() > 0) {
            next.setLastOutcomeAt(now);
        }
        return next.build();
    }

    /** The offer as the matcher sees it. */
    public static Offer offer(OfferState state) {
        return offer(state.getOffer());
    }

    /** Matching's view of an offer record. */
    public static Offer offer(CapabilityOffer o) {
        return new Offer(o.getOfferId(), o.getProducerId(), o.getCapability(), o.getCapabilityVersion(),
                o.getAttributes(), o.getCapacity(), o.getLeadTimeSloMs(), o.getStatus(), o.getMaxTtlMs());
    }

    /** The offer's load and record as the matcher sees it. */
    public static OfferLoad load(OfferState state) {
        return new OfferLoad(state.getInFlight(), leadTimeP95(state), failureRate(state));
    }

    /**
     * The 95th percentile of the observed lead times, null when none was observed. Decodes the
     * sketch (a histogram of some kilobytes): {@link DeskBooks#leadTimeP95} may keep it per state.
     */
    public static Long leadTimeP95(OfferState state) {
        if (!state.getLeadTimes().hasRemaining()) {
            return null;
        }
        DurationSketch sketch = sketch(state);
        return sketch.samples() == 0 ? null : sketch.percentile(95.0);
    }

    /** Observed lead times, for the catalog. */
    public static LeadTimeFigures observed(OfferState state) {
        return sketch(state).toFigures();
    }

    /**
     * Failures over the recent finished attempts, 0 when none finished, faded by half for every
     * {@code halfLife} since the newest of them: an offer that failed and was then given no work (its
     * record scoring it below the others) earns its way back by time alone, and is tried again.
     */
    public static double failureRate(OfferState state, Instant now, Duration halfLife) {
        double rate = failureRate(state);
        return rate == 0.0 ? rate : rate * fade(state.getLastOutcomeAt(), now, halfLife);
    }

    /** What is left of a record dated {@code last} at {@code now}: half per {@code halfLife}; all of it when undated. */
    private static double fade(Instant last, Instant now, Duration halfLife) {
        if (last == null || !now.isAfter(last)) {
            return 1.0;
        }
        return Math.pow(0.5, seconds(Duration.between(last, now)) / seconds(halfLife));
    }

    private static double seconds(Duration duration) {
        return duration.getSeconds() + duration.getNano() / 1e9;
    }

    /** Failures over the recent finished attempts, 0 when none finished, as recorded (not faded). */
    public static double failureRate(OfferState state) {
        int outcomes = state.getOutcomes();
        if (outcomes == 0) {
            return 0.0;
        }
        return (double) Long.bitCount(state.getRecentOutcomes() & window(outcomes)) / outcomes;
    }

    /** One more request assigned. */
    public static OfferState assigned(OfferState state) {
        return withInFlight(state, state.getInFlight() + 1);
    }

    /**
     * The state with {@code inFlight} requests in flight; the rest is shared with {@code state},
     * not copied (states are never changed in place).
     */
    public static OfferState withInFlight(OfferState state, int inFlight) {
        return new OfferState(state.getOffer(), state.getWithdrawn(), inFlight, state.getLeadTimes(), state.getRecentOutcomes(),
                state.getOutcomes(), state.getLastOutcomeAt());
    }

    /** Whether two states differ at most in their requests in flight (which the books count, not store). */
    public static boolean sameButLoad(OfferState a, OfferState b) {
        return (a.getOffer() == b.getOffer() || a.getOffer().equals(b.getOffer())) && a.getWithdrawn() == b.getWithdrawn()
                && a.getRecentOutcomes() == b.getRecentOutcomes() && a.getOutcomes() == b.getOutcomes()
                && Objects.equals(a.getLastOutcomeAt(), b.getLastOutcomeAt())
                && (a.getLeadTimes() == b.getLeadTimes() || a.getLeadTimes().equals(b.getLeadTimes()));
    }

    /**
     * One assigned request let go of the offer.
     *
     * @param outcome how the attempt ended for the offer's record
     * @param leadTimeMs for a fulfilment, the time from MATCHED to FULFILLED; otherwise ignored
     * @param now when the attempt ended: the newest outcome's time, unless it says nothing of the offer
     * @param halfLife how fast the record fades: before a new outcome is added, the failures it has
     *     faded by are forgotten (the oldest first), so that the rate goes on from where it had faded to
     */
    public static OfferState released(OfferState state, Outcome outcome, long leadTimeMs, Instant now, Duration halfLife) {
        long recentOutcomes = state.getRecentOutcomes();
        int outcomes = state.getOutcomes();
        ByteBuffer leadTimes = state.getLeadTimes();
        Instant lastOutcomeAt = state.getLastOutcomeAt();
        if (outcome != Outcome.NEUTRAL) {
            recentOutcomes = faded(recentOutcomes, outcomes, fade(lastOutcomeAt, now, halfLife));
            long bit = outcome == Outcome.FAILURE ? 1L : 0L;
            recentOutcomes = (recentOutcomes << 1) | bit;
            outcomes = Math.min(OUTCOME_BITS, outcomes + 1);
            lastOutcomeAt = now;
        }
        if (outcome == Outcome.SUCCESS) {
            DurationSketch sketch = sketch(state);
            sketch.record(leadTimeMs);
            leadTimes = ByteBuffer.wrap(sketch.toBytes());
        }
        return new OfferState(state.getOffer(), state.getWithdrawn(), Math.max(0, state.getInFlight() - 1), leadTimes,
                recentOutcomes, outcomes, lastOutcomeAt);
    }

    /** The outcomes with their failures down to {@code left} of them (rounded), the oldest cleared first. */
    private static long faded(long recentOutcomes, int outcomes, double left) {
        if (left >= 1.0 || outcomes == 0) {
            return recentOutcomes;
        }
        long kept = recentOutcomes & window(outcomes);
        int failures = Long.bitCount(kept);
        int forget = failures - (int) Math.round(failures * left);
        for (int bit = outcomes - 1; bit >= 0 && forget > 0; bit--) {
            if ((kept & (1L << bit)) != 0) {
                kept &= ~(1L << bit);
                forget--;
            }
        }
        return kept;
    }

    /** The bits of {@code outcomes} outcomes, the newest in bit 0. */
    private static long window(int outcomes) {
        return outcomes >= OUTCOME_BITS ? -1L : (1L << outcomes) - 1;
    }

    /** How an attempt ended, as far as the offer's record is concerned. */
    public enum Outcome {
        /** Fulfilled. */
        SUCCESS,
        /** Failed, rejected, or not accepted in time. */
        FAILURE,
        /** Cancelled by the consumer: says nothing about the offer. */
        NEUTRAL
    }

    private static DurationSketch sketch(OfferState state) {
        ByteBuffer bytes = state.getLeadTimes();
        if (!bytes.hasRemaining()) {
            return new DurationSketch();
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        return DurationSketch.fromBytes(copy);
    }
}
