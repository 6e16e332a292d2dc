package io.capmarket.topology.core.score;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The binary encoding of a {@link ScoreState}, as kept in a state store.
 *
 * <p>Format version 6. {@code uvarint} is an unsigned LEB128 varint (7 bits per byte, low
 * bits first), {@code svarint} a ZigZag-encoded signed one; instants are epoch milliseconds.
 * <pre>
 * state   := version:byte(=6)
 *            windowMillis:uvarint       window length of the writer
 *            flags:byte                 bit 0: first event present, bit 1: reference instant present,
 *                                       bit 2: on probation, bit 3: demand present
 *            [firstEventMillis:svarint] when flag bit 0; requires bit 1 and is not after the reference
 *            [referenceMillis:svarint]  when flag bit 1
 *            [probationSince:svarint]   when flag bit 2: when the scope's producer went on probation
 *            allTime:tally
 *            bucketCount:uvarint        0..15, only with a reference instant
 *            bucket*                    oldest first, strictly increasing slots
 *            [demand]                   when flag bit 3: {@link DemandTally}'s counts (versions, offers, unmet
 *                                       groups, teams, each a count then its entries; texts as UTF-8 blocks)
 * bucket  := slot:svarint               floor(epochMillis / (windowMillis / 15)), inside the
 *                                       window ending at the reference instant
 *            tally
 * tally   := submitted matched fulfilled failed rejected sloBreaches     6 × uvarint
 *            updated updateFailed deprovisioned orphaned           4 × uvarint
 *            fulfilledLate                                         uvarint
 *            sketchMask:byte            bit 0 submitted→matched, 1 matched→accepted, 2 submitted→fulfilled,
 *                                       3 update, 4 deprovision, 5 submitted→approved
 *            sketch*                    one per set bit, in bit order
 * sketch  := length:uvarint bytes       HdrHistogram's compressed encoding of a non-empty histogram
 * </pre>
 * Only buckets inside the window are written, so expired buckets cost nothing and the encoding
 * of a state is canonical: decoding and re-encoding gives the same bytes.
 *
 * <p>When the stored window length differs from the one asked for at decoding (the window was
 * reconfigured), the buckets cannot be mapped onto the new ring and are dropped: the all-time
 * figures survive, the window fills up again within one window length.
 *
 * <p>Version 5 is version 6 without the counter fulfilledLate, version 4 version 5 without flag bit 3, version 3 version 4 without flag bit 2, version 2 version 3 without sketch bit 5, version 1 version 2 without the four day-2
 * counters and with sketch bits 0 to 2 only; both are still read (what they lack is zero). A new version must keep reading the older
 * ones; append counters and steps, never reorder.
 */
public final class ScoreStateCodec {

    /** The format version this class writes, and the highest it reads. */
    public static final int VERSION = 6;
    /** Counters and sketch steps of each version, by version. */
    private static final int[] COUNTERS_IN = {0, 6, 10, 10, 10, 10, 11};
    private static final int[] STEPS_IN = {0, 3, 5, 6, 6, 6, 6};

    private static final int FLAG_FIRST_EVENT = 1;
    private static final int FLAG_REFERENCE = 1 << 1;
    private static final int FLAG_PROBATION = 1 << 2;
    private static final int FLAG_DEMAND = 1 << 3;
    private static final Counter[] COUNTERS = Counter.values();
    private static final Step[] STEPS = Step.values();

    private ScoreStateCodec() {
    }

    /** Encodes {@code state}; buckets that fell out of its window are left out. */
    public static byte[] encode(ScoreState state) {
        ByteWriter out = new ByteWriter();
        out.writeByte(VERSION);
        out.writeUnsigned(state.window().toMillis());
        OptionalLong firstEvent = state.firstEventMillis();
        OptionalLong reference = state.referenceMillis();
        Optional<Instant> probation = state.probationSince();
        DemandTally demand = state.demandOrNull();
        out.writeByte((firstEvent.isPresent() ? FLAG_FIRST_EVENT : 0) | (reference.isPresent() ? FLAG_REFERENCE : 0)
                | (probation.isPresent() ? FLAG_PROBATION : 0) | (demand != null ? FLAG_DEMAND : 0));
        firstEvent.ifPresent(out::writeSigned);
        reference.ifPresent(out::writeSigned);
        probation.ifPresent(since -> out.writeSigned(since.toEpochMilli()));
        writeTally(out, state.allTime());
        List<SlidingWindow.Bucket> buckets = reference.isPresent()
                ? state.slidingWindow().buckets(reference.getAsLong())
                : List.of();
        out.writeUnsigned(buckets.size());
        for (SlidingWindow.Bucket bucket : buckets) {
            out.writeSigned(bucket.slot());
            writeTally(out, bucket.tally());
        }
        if (demand != null) {
            demand.write(out);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a state written by {@link #encode(ScoreState)}.
     *
     * @param window the configured window length; when the stored state used another one, its window is dropped
     * @throws IllegalArgumentException when the bytes are not a valid encoding, saying where and what is wrong
     */
    public static ScoreState decode(byte[] bytes, Duration window) {
        Objects.requireNonNull(window, "window");
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("corrupt score state: no bytes");
        }
        ByteReader in = new ByteReader(bytes);
        int version = in.readByte("format version");
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException("unsupported score state format version " + version
                    + ", this build reads versions 1 to " + VERSION);
        }
        long storedWindowMillis = in.readCount("window length", Long.MAX_VALUE);
        SlidingWindow stored;
        try {
            stored = new SlidingWindow(Duration.ofMillis(storedWindowMillis));
        } catch (IllegalArgumentException e) {
            throw withCause(in.corrupt("window length", e.getMessage()), e);
        }
        int flags = in.readByte("flags");
        int known = FLAG_FIRST_EVENT | FLAG_REFERENCE | (version >= 4 ? FLAG_PROBATION : 0) | (version >= 5 ? FLAG_DEMAND : 0);
        if ((flags & ~known) != 0) {
            throw in.corrupt("flags", "unknown flag bits " + Integer.toBinaryString(flags));
        }
        OptionalLong firstEvent = (flags & FLAG_FIRST_EVENT) != 0
                ? OptionalLong.of(in.readSigned("first event instant")) : OptionalLong.empty();
        OptionalLong reference = (flags & FLAG_REFERENCE) != 0
                ? OptionalLong.of(in.readSigned("reference instant")) : OptionalLong.empty();
        Instant probationSince = (flags & FLAG_PROBATION) != 0
                ? Instant.ofEpochMilli(in.readSigned("probation instant")) : null;
        if (firstEvent.isPresent() && (reference.isEmpty() || firstEvent.getAsLong() > reference.getAsLong())) {
            throw in.corrupt("reference instant", "the first event " + firstEvent.getAsLong()
                    + " is after the reference instant " + reference);
        }
        Tally allTime = readTally(in, "all-time", version);
        List<SlidingWindow.Bucket> buckets = readBuckets(in, stored, reference, version);
        DemandTally demand = (flags & FLAG_DEMAND) != 0 ? DemandTally.read(in) : null;
        if (in.remaining() != 0) {
            throw in.corrupt("end of state", in.remaining() + " trailing bytes");
        }

        SlidingWindow target = new SlidingWindow(window);
        if (storedWindowMillis == target.length().toMillis()) {
            buckets.forEach(target::restore);
        }
        ScoreState state = new ScoreState(target, allTime);
        state.restoreInstants(firstEvent, reference);
        state.probation(probationSince);
        state.restoreDemand(demand);
        return state;
    }

    private static List<SlidingWindow.Bucket> readBuckets(ByteReader in, SlidingWindow window, OptionalLong reference,
            int version) {
        int count = (int) in.readCount("bucket count", reference.isPresent() ? SlidingWindow.BUCKETS : 0);
        List<SlidingWindow.Bucket> buckets = new ArrayList<>(count);
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            String what = "bucket " + i + " slot";
            long slot = in.readSigned(what);
            if (!window.inWindow(slot, reference.getAsLong())) {
                throw in.corrupt(what, "slot " + slot + " is outside the window ending at " + reference.getAsLong());
            }
            if (i > 0 && slot <= previous) {
                throw in.corrupt(what, "slot " + slot + " does not follow slot " + previous);
            }
            previous = slot;
            buckets.add(new SlidingWindow.Bucket(slot, readTally(in, "bucket " + i, version)));
        }
        return buckets;
    }

    private static void writeTally(ByteWriter out, Tally tally) {
        for (Counter counter : COUNTERS) {
            out.writeUnsigned(tally.get(counter));
        }
        int mask = 0;
        for (Step step : STEPS) {
            if (hasSamples(tally.sketch(step))) {
                mask |= 1 << step.ordinal();
            }
        }
        out.writeByte(mask);
        for (Step step : STEPS) {
            if (hasSamples(tally.sketch(step))) {
                out.writeBlock(tally.sketch(step).toBytes());
            }
        }
    }

    private static IllegalArgumentException withCause(IllegalArgumentException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }

    private static boolean hasSamples(DurationSketch sketch) {
        return sketch != null && sketch.samples() > 0;
    }

    private static Tally readTally(ByteReader in, String scope, int version) {
        Tally tally = new Tally();
        for (int i = 0; i < COUNTERS_IN[version]; i++) {
            tally.set(COUNTERS[i], in.readCount(scope + " counter " + COUNTERS[i], Long.MAX_VALUE));
        }
        int mask = in.readByte(scope + " sketch mask");
        if ((mask >>> STEPS_IN[version]) != 0) {
            throw in.corrupt(scope + " sketch mask", "unknown sketch bits " + Integer.toBinaryString(mask));
        }
        for (Step step : STEPS) {
            if ((mask & (1 << step.ordinal())) != 0) {
                String what = scope + " sketch " + step;
                byte[] block = in.readBlock(what);
                DurationSketch sketch;
                try {
                    sketch = DurationSketch.fromBytes(block);
                } catch (IllegalArgumentException e) {
                    throw withCause(in.corrupt(what, e.getMessage()), e);
                }
                if (sketch.samples() == 0) {
                    throw in.corrupt(what, "an empty sketch is written as absent");
                }
                tally.set(step, sketch);
            }
        }
        return tally;
    }
}
