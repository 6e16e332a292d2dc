package io.capmarket.sdk;

import io.capmarket.schemas.FulfilmentKind;
import java.time.Duration;

/**
 * Observes a {@link CapmarketProducer}: metrics, logs, tests. Every method has a no-op default, so
 * implement only what you need; {@link #NONE} observes nothing. Methods are called synchronously
 * on the SDK's threads (the consumer thread, worker threads, the heartbeat thread): keep them fast
 * and never throw (an exception is logged and ignored). The optional Micrometer binding is
 * {@link io.capmarket.sdk.micrometer.MicrometerProducerListener}.
 */
public interface ProducerListener {

    /** A listener that does nothing. */
    ProducerListener NONE = new ProducerListener() {
    };

    /** An offer was published (created, updated or its status changed) and acknowledged. */
    default void offerPublished(Offer offer) {
    }

    /** An offer was withdrawn (tombstone acknowledged). */
    default void offerWithdrawn(String offerId) {
    }

    /** A heartbeat was sent. */
    default void heartbeatSent(int inFlight, boolean healthy) {
    }

    /** A heartbeat could not be sent; the next one is tried on schedule. */
    default void heartbeatFailed(Throwable error) {
    }

    /** A FULFIL assignment arrived (before it waits for a capacity slot). */
    default void assignmentReceived(Assignment assignment) {
    }

    /**
     * An UPDATE or DEPROVISION of a fulfilled request's resource arrived (before it waits for a slot,
     * or for earlier work on its request); {@link Assignment#action()} tells which.
     */
    default void operationReceived(Assignment assignment) {
    }

    /** A CANCEL arrived for an assignment, running here or not (or a newer operation superseded the running one). */
    default void assignmentCancelled(Assignment assignment, boolean wasRunning) {
    }

    /** A report was acknowledged by Kafka ({@link AssignmentRef#revision()} above 0: on an update or deprovision). */
    default void reported(AssignmentRef ref, FulfilmentKind kind) {
    }

    /**
     * A PROGRESS report was held back by the progress rate limit ({@code progressInterval}) and then
     * replaced by a later one or made stale by the final report: it was never sent.
     */
    default void progressCoalesced(AssignmentRef ref) {
    }

    /** A handler method finished (or its stage completed), for any action: {@code error} is null when it did not throw. */
    default void handlerCompleted(Assignment assignment, Duration latency, Throwable error) {
    }

    /**
     * A handler did not finish within {@code handlerTimeout}: the thread in its method was interrupted
     * (or the stage it returned cancelled), its slot freed, and, unless it had reported an outcome or
     * the work was cancelled, a retryable failure naming the timeout reported. Told after
     * {@link #handlerCompleted}, which sees the same run end with an error.
     */
    default void handlerTimedOut(Assignment assignment, Duration timeout) {
    }

    /**
     * How many handler threads are still inside their method after their {@code handlerTimeout} and
     * its interrupt, told each time the number changes (a handler that stops when interrupted counts
     * a moment only). At {@code 8} the process reports itself unhealthy, takes no new work and leaves
     * its assignments group to the producer's other processes until one returns: a handler that
     * ignores its interrupt keeps its thread for good.
     */
    default void handlerThreadsStuck(int stuck) {
    }

    /**
     * A record of the assignments topic was skipped for good and committed past: it cannot be read
     * (bytes that are not Avro of an assignment, a schema id the registry does not know), or it is
     * no valid assignment of this producer. {@code reason} says which. A record that cannot be read
     * for another reason (the schema registry unavailable, refusing the credentials) is never
     * skipped: it is read again after a back-off, and the process reports itself unhealthy meanwhile.
     */
    default void assignmentSkipped(String topic, int partition, long offset, String reason) {
    }

    /**
     * An assignment was still running here when the partition that delivered it went to another
     * process of the producer: a rebalance moved the partition and the work did not settle within
     * {@code rebalanceDrain}, or the partition was lost (this process was out of the group, as after
     * its session expired). Its offset is not committed, so the next owner may run the same request
     * and attempt again, even while it still runs here; its outcome is still reported from here.
     * Work handed back when the client closes is not told here.
     */
    default void assignmentHandedOver(Assignment assignment) {
    }

    /**
     * An offer's capacity is used up in this process: its assignments wait until a slot frees (the
     * consumer reads on until a hundred wait, then pauses; it pauses one partition alone while a
     * hundred of its records are read and not committable behind its oldest unsettled one).
     */
    default void capacityExhausted(String offerId, int capacity) {
    }

    /** Publishing a record failed on one try; the SDK backs off and retries. */
    default void publishRetried(String topic, int attempt, Throwable error) {
    }
}
