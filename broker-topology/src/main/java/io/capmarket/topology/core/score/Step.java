package io.capmarket.topology.core.score;

/**
 * The lead-time steps a scorecard keeps a {@link DurationSketch} for. The declaration order is
 * the bit order of the sketch mask in the binary encoding ({@link ScoreStateCodec}): append new
 * constants, never reorder.
 */
enum Step {
    SUBMITTED_TO_MATCHED,
    MATCHED_TO_ACCEPTED,
    SUBMITTED_TO_FULFILLED,
    UPDATE,
    DEPROVISION,
    APPROVAL_WAIT
}
