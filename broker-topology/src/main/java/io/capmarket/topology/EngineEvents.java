package io.capmarket.topology;

/**
 * Notifications of what the matching engine does, for metrics. Every method has a no-op default;
 * {@link #NONE} ignores everything. Called on stream threads: implementations must be fast and
 * thread-safe, and must not throw.
 */
public interface EngineEvents {

    /**
     * {@link #deadLettered} reason: a record whose fields claim another producer or team than the
     * topic it came from, a change or withdrawal of an offer another producer holds, or a requestId
     * on a team's topic that does not start with the team.
     */
    String IDENTITY = "identity";
    /**
     * {@link #deadLettered} reason: an input the rules refuse (an unapproved producer, an invalid
     * offer or command, another producer's offerId, another team's request, an unknown request).
     */
    String REFUSED = "refused";
    /** {@link #deadLettered} reason: an offer whose schemas conflict with its capability version's contract. */
    String CONTRACT = "contract";
    /** {@link #deadLettered} reason: a fulfilment report for work its producer does not hold (see {@link #misattributed}). */
    String MISATTRIBUTED = "misattributed";
    /** {@link #deadLettered} reason: a fulfilment report recorded but not applied (stale, finished, out of order, unknown request). */
    String NOT_APPLIED = "not-applied";

    /** Ignores every event. */
    EngineEvents NONE = new EngineEvents() {
    };

    /** A request was submitted (duplicates excluded). */
    default void submitted(String capability) {
    }

    /** A request was matched to an offer; {@code rematch} when it is not the request's first attempt. */
    default void matched(String capability, String producerId, boolean rematch) {
    }

    /** A request started waiting for an offer. */
    default void waiting(String capability) {
    }

    /** A request stopped waiting (matched or cancelled). */
    default void stoppedWaiting(String capability) {
    }

    /**
     * How many requests of the capability wait, as the books count them: when its task starts, when
     * a step on it was undone (the {@link #waiting} and {@link #stoppedWaiting} it told of did not
     * happen), and zero when its task closes here (the capability moves to another instance).
     */
    default void waitingCounted(String capability, long waiting) {
    }

    /** A request reached FULFILLED (the first time), FAILED or CANCELLED. */
    default void finished(String capability, String state) {
    }

    /** A finished request was deleted, with its status, once kept past its retention. */
    default void purged(String capability) {
    }

    /** Work in progress ran past the offer's lead-time promise. */
    default void sloBreached(String capability, String producerId) {
    }

    /** An assignment was not accepted before its deadline. */
    default void acceptDeadlineMissed(String capability, String producerId) {
    }

    /**
     * A step of an operation on a fulfilled request's resource: {@code operation} is {@code update}
     * or {@code deprovision}, {@code outcome} one of {@code asked}, {@code refused}, {@code resent},
     * {@code done}, {@code failed} (an update that failed or was given up) and {@code orphaned}; or
     * {@code operation} {@code expiry} with {@code moved}, {@code announced} or {@code expired}.
     */
    default void resourceOperation(String capability, String operation, String outcome) {
    }

    /**
     * A request's approval moved: {@code outcome} is {@code pending} (it waits for approvals),
     * {@code approved} (all given), {@code partly-approved}, {@code rejected}, {@code expired} or
     * {@code refused} (a decision that could not apply).
     */
    default void approval(String capability, String outcome) {
    }

    /**
     * A producer went on probation for a capability ({@code entered}), or was restored.
     *
     * @param reason its record, in words
     */
    default void probation(String capability, String producerId, boolean entered, String reason) {
    }

    /** A request waits because its team's quota does not allow one more now. */
    default void quotaHeld(String capability) {
    }

    /**
     * A task's memory of the keys written to {@code store} passed its bound: from then on its reads
     * of keys never written read the store too (slower, not wrong).
     */
    default void writtenKeysFull(String store) {
    }

    /**
     * At its bound of offerIds on a partition of its offers topic, {@code producerId} published a new
     * one, which took the place of its longest-withdrawn offerId in the intake's index.
     */
    default void offerIdReleased(String producerId) {
    }

    /** An input was recorded but not applied (unknown or finished request, stale attempt, duplicate submit). */
    default void ignored(String reason) {
    }

    /**
     * A record was sent to the dead-letter topic; {@code reason} is one of a few fixed words (the
     * constants above, or the dead-letter handlers' {@code deserialization}, {@code processing},
     * {@code serialization}), the full reason is in the letter's headers.
     */
    default void deadLettered(String reason) {
    }

    /**
     * A fulfilment report claimed work its producer does not hold and was dead-lettered;
     * {@code reason} says what differs: {@code producer} or {@code capability}.
     */
    default void misattributed(String reason) {
    }

    /**
     * A progress report or a note was recorded at the history bound ({@code Lifecycle.MAX_HISTORY}):
     * it replaced its request's last entry of the same kind instead of being added.
     */
    default void historyTrimmed(String capability) {
    }

    /**
     * A due check of a request ({@code kind}: a {@code Deadline.Kind}) failed with {@code failure}: what
     * it changed is undone and nothing it made is published, it runs again {@code CapabilityDesk.CHECK_RETRY}
     * later, and the other checks due with it still run.
     */
    default void checkFailed(String requestId, String kind, RuntimeException failure) {
    }

    /**
     * Serving a waiting request of the capability on the clock failed with {@code failure}: what its
     * step changed is undone and nothing it made is published; it waits for the next tick, and the
     * rest of the waitlist is still served.
     */
    default void drainFailed(String capability, RuntimeException failure) {
    }

    /** The catalog entry of a capability this instance owns, recomputed on the scorecard interval. */
    default void catalog(io.capmarket.schemas.CapabilityView view) {
    }

    /** The scorecard of a capability this instance owns was published. */
    default void scorecard(io.capmarket.schemas.CapabilityScore score) {
    }
}
