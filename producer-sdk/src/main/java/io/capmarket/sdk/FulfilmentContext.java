package io.capmarket.sdk;

/**
 * What a handler gets with an assignment: the assignment itself and a {@link FulfilmentReporter}
 * bound to it.
 *
 * <p>The outcome of an assignment is the first of {@code fulfil}, {@code fail} or {@code reject}
 * reported through this context. Once the handler returns (or its {@code CompletionStage}
 * completes) the SDK settles the assignment:
 * <ul>
 *   <li>an outcome was reported: done;</li>
 *   <li>the handler threw (or the stage failed) before an outcome: the SDK reports
 *       {@code fail(<exception message>, retryable=true)}, so no request is left stuck;</li>
 *   <li>the handler {@linkplain #handOff() handed the work off}: the SDK considers it done here,
 *       and someone reports later through {@link CapmarketProducer#reporter(AssignmentRef)};</li>
 *   <li>none of these: the SDK reports {@code fail("handler returned without an outcome", true)}.</li>
 * </ul>
 * Only then is the assignment's offset committed. Reports after the outcome are still published
 * (the marketplace records them as stale).
 */
public interface FulfilmentContext extends FulfilmentReporter {

    /** The assignment being fulfilled. */
    Assignment assignment();

    /** The idempotency key of the work: the same value when the assignment is redelivered. */
    default String requestId() {
        return assignment().requestId();
    }

    /** The matching attempt, from 1. */
    default int attempt() {
        return assignment().attempt();
    }

    /** The operation on the request's resource: 0 for the provisioning, from 1 for an update or deprovision. */
    default int revision() {
        return assignment().revision();
    }

    /** The request's parameters as a JSON object (for an update, those asked for). */
    default String parameters() {
        return assignment().parameters();
    }

    /**
     * Whether the marketplace cancelled this assignment meanwhile (the consumer cancelled, the accept
     * deadline passed, an update was given up, or a newer operation on the request superseded it).
     */
    boolean cancelled();

    /** Whether an outcome (fulfil, fail or reject) was reported. */
    boolean settled();

    /**
     * Declares that the outcome will be reported later, possibly by another process, through
     * {@link CapmarketProducer#reporter(AssignmentRef)} with the returned reference. Once the handler
     * returns, the assignment no longer counts against this process's capacity and its offset is
     * committed: from then on the team's own system owns the work and must report its outcome (the
     * topology flags it when the offer's lead-time promise passes, but never reassigns it).
     */
    AssignmentRef handOff();
}
