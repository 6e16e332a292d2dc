package io.capmarket.topology.core.score;

import io.capmarket.schemas.LeadTimeFigures;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;

/**
 * A mergeable sketch of millisecond durations, from which lead-time percentiles are read.
 *
 * <p>Wraps an HdrHistogram tracking 0 ms to {@link #MAX_TRACKABLE_MS} (7 days) with
 * {@value #SIGNIFICANT_DIGITS} significant digits, so a percentile is exact to within 1%.
 * Values outside that range are clamped rather than rejected: a duration is computed from
 * event timestamps written by other parties, and one skewed clock must not poison a scorecard.
 *
 * <p>The histogram's counts array grows with the longest duration recorded (HdrHistogram's
 * auto-resize) instead of being sized for 7 days up front: a sketch of sub-second steps takes
 * about 4 KB, one of ten-minute lead times about 14 KB, the full range 25 KB. Long counts
 * rather than int ones, because an all-time sketch must not fail after two billion samples.
 * HdrHistogram's packed variant would be smaller still but is 10 to 100 times slower to merge
 * and decode, and a scope is decoded on every event it receives.
 *
 * <p>Not thread-safe: a sketch belongs to the single stream task that owns its scope.
 */
public final class DurationSketch {

    /** The longest duration told apart from longer ones; longer durations are recorded as this. */
    public static final long MAX_TRACKABLE_MS = Duration.ofDays(7).toMillis();

    /** Decimal digits of precision kept for every value. */
    public static final int SIGNIFICANT_DIGITS = 2;

    /** The largest value an in-range histogram can report, the top of the bucket holding the maximum. */
    private static final long MAX_EQUIVALENT_MS = new Histogram(1, MAX_TRACKABLE_MS, SIGNIFICANT_DIGITS)
            .highestEquivalentValue(MAX_TRACKABLE_MS);

    private final Histogram histogram;

    /** An empty sketch. */
    public DurationSketch() {
        this(new Histogram(SIGNIFICANT_DIGITS)); // lowest discernible value 1 ms, auto-resizing
    }

    private DurationSketch(Histogram histogram) {
        // Decoding and copying may not carry the flag over; merging a longer sketch in needs it.
        histogram.setAutoResize(true);
        this.histogram = histogram;
    }

    /**
     * Records one duration. Negative durations (the later event stamped before the earlier one)
     * count as 0 ms; durations above {@link #MAX_TRACKABLE_MS} count as that maximum.
     */
    public void record(long millis) {
        histogram.recordValue(Math.min(Math.max(millis, 0L), MAX_TRACKABLE_MS));
    }

    /** Adds every sample of {@code other} to this sketch; {@code other} is left unchanged. */
    public void merge(DurationSketch other) {
        histogram.add(other.histogram);
    }

    /** How many durations were recorded. */
    public long samples() {
        return histogram.getTotalCount();
    }

    /**
     * The duration at or below which {@code percentile} percent of the samples fall,
     * or null when the sketch is empty.
     *
     * @param percentile between 0 and 100, e.g. 95 for the p95
     */
    public Long percentile(double percentile) {
        if (!(percentile >= 0.0 && percentile <= 100.0)) {
            throw new IllegalArgumentException("percentile must be between 0 and 100, but was " + percentile);
        }
        return samples() == 0 ? null : histogram.getValueAtPercentile(percentile);
    }

    /** The scorecard figures: sample count, p50 and p95 (null percentiles when empty). */
    public LeadTimeFigures toFigures() {
        return LeadTimeFigures.newBuilder()
                .setSamples(samples())
                .setP50Ms(percentile(50.0))
                .setP95Ms(percentile(95.0))
                .build();
    }

    /** Figures for a step nothing has been measured for yet. */
    public static LeadTimeFigures noFigures() {
        return LeadTimeFigures.newBuilder().setSamples(0L).setP50Ms(null).setP95Ms(null).build();
    }

    /** A copy that can be changed independently of this sketch. */
    public DurationSketch copy() {
        return new DurationSketch(histogram.copy());
    }

    /** HdrHistogram's compressed encoding of this sketch (self-describing, deflated). */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer, Deflater.DEFAULT_COMPRESSION);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return bytes;
    }

    /**
     * Reads a sketch written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are not a compressed histogram this class can use
     */
    public static DurationSketch fromBytes(byte[] bytes) {
        // The frame is a 4-byte cookie, a 4-byte length, then that many deflated bytes. Checking the
        // length first keeps HdrHistogram from reading past the frame on a truncated value.
        if (bytes.length < 8 || ByteBuffer.wrap(bytes).getInt(4) != bytes.length - 8) {
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + bytes.length
                    + " bytes do not frame a cookie, a length and that many deflated bytes");
        }
        Histogram decoded;
        try {
            decoded = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (DataFormatException | RuntimeException e) {
            // HdrHistogram reports bad input with a mix of exception types; callers need one.
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + e, e);
        }
        // Merging relies on every sketch covering the same range with the same unit.
        if (decoded.getLowestDiscernibleValue() != 1
                || decoded.getNumberOfSignificantValueDigits() != SIGNIFICANT_DIGITS
                || decoded.getMaxValue() > MAX_EQUIVALENT_MS) {
            throw new IllegalArgumentException("histogram does not hold millisecond durations up to "
                    + MAX_TRACKABLE_MS + " ms at " + SIGNIFICANT_DIGITS + " significant digits: lowest discernible value "
                    + decoded.getLowestDiscernibleValue() + ", " + decoded.getNumberOfSignificantValueDigits()
                    + " significant digits, max value " + decoded.getMaxValue());
        }
        return new DurationSketch(decoded);
    }

    /** Two sketches are equal when they hold the same samples at the same precision. */
    @Override
    public boolean equals(Object o) {
        return o instanceof DurationSketch other && histogram.equals(other.histogram);
    }

    @Override
    public int hashCode() {
        return histogram.hashCode();
    }

    @Override
    public String toString() {
        return "DurationSketch[samples=" + samples() + ", p50=" + percentile(50.0) + ", p95=" + percentile(95.0) + "]";
    }
}
