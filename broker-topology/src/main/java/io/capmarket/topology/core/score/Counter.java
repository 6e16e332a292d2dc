package io.capmarket.topology.core.score;

/**
 * The events a scorecard counts. The declaration order is the order of the counters in the
 * binary encoding ({@link ScoreStateCodec}): append new constants, never reorder.
 */
enum Counter {
    SUBMITTED,
    MATCHED,
    FULFILLED,
    FAILED,
    REJECTED,
    SLO_BREACHES,
    UPDATED,
    UPDATE_FAILED,
    DEPROVISIONED,
    ORPHANED,
    /** Fulfilments of work that had run past the offer's lead-time promise: an outcome gone wrong, counted once. */
    FULFILLED_LATE
}
