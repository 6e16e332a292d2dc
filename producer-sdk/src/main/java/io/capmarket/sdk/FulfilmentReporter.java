package io.capmarket.sdk;

import java.util.Map;

/**
 * Reports on one assignment to the marketplace. Every method publishes one {@code FulfilmentEvent}
 * (keyed by requestId, carrying the assignment's attempt, offerId and revision) with {@code acks=all}
 * on an idempotent producer, retries with back-off, and returns once Kafka acknowledged it.
 *
 * <p>The marketplace applies a report only if it fits: ACCEPTED and REJECTED only while the
 * request is MATCHED (a PROGRESS from MATCHED implies acceptance); reports for another attempt,
 * offer or revision, or for a finished request, are recorded as stale and change nothing. Reporting
 * twice is therefore harmless. On an update or deprovision (revision 1 or more) every kind applies
 * while that operation goes on: FULFILLED is done, FAILED and REJECTED failed, ACCEPTED and PROGRESS
 * are noted in the request's history.
 *
 * <p><b>Outputs are references to secrets, never secrets</b>: a host name, a secret manager path
 * ({@code vault:kv/db/r-42}), never a password. Outputs are stored in Kafka and shown to the
 * consumer team and to operators.
 *
 * <p>Thread-safe. Obtain one from the {@link FulfilmentContext} handed to a handler, or from
 * {@link CapmarketProducer#reporter(AssignmentRef)} to report from anywhere later.
 *
 * <p>A message or reason is published with at most {@value #MAX_MESSAGE_CHARS} characters: a
 * longer one (a stack trace, a command's whole output) is cut to that many, ending in
 * {@code … (cut from N characters)}, so that no report grows past what Kafka accepts.
 *
 * <p>Every method throws {@link PublishFailedException} when Kafka did not acknowledge after
 * retries (repeat the call), and {@link ClientClosedException} when the client was closed.
 */
public interface FulfilmentReporter {

    /** The most characters of a report's message (or reason) published; a longer one is cut. */
    int MAX_MESSAGE_CHARS = 2_000;

    /** The assignment reported on. */
    AssignmentRef ref();

    /** Takes the work on; must reach the marketplace before the accept deadline. */
    void accept();

    /**
     * Turns the work down; the request is matched to another offer. After acceptance (including the
     * SDK's auto-accept) a rejection is published as a retryable failure, which has the same effect;
     * so is every rejection of a provisioning through a reporter taken by reference
     * ({@code CapmarketProducer.reporter}), which cannot know whether the work was accepted.
     * An update or deprovision is never matched elsewhere: its rejection is always published as
     * REJECTED, and the operation fails (a deprovision is then flagged as an orphan).
     */
    void reject(String reason);

    /** Reports progress (shown in the request's history); from MATCHED it implies acceptance. */
    void progress(String message);

    /**
     * Delivers: the request is FULFILLED with these outputs (references to secrets, never secrets).
     * For an update: done, and non-empty outputs replace the request's outputs; for a deprovision:
     * the resource is gone.
     */
    void fulfil(Map<String, String> outputs);

    /**
     * Gives up. With {@code retryable} the request is matched again (excluding this offer) while it has
     * attempts left; without, it FAILS for good. An update that fails leaves the resource with its
     * previous parameters; a deprovision that fails retryably is sent again later, otherwise it is
     * flagged as an orphan.
     */
    void fail(String message, boolean retryable);
}
