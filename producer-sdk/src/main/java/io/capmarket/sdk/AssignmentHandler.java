package io.capmarket.sdk;

/**
 * The producer team's code that does the work: called once per assignment delivery on one of the
 * SDK's worker threads, at most the offer's capacity at a time in one process.
 *
 * <pre>{@code
 * AssignmentHandler handler = (assignment, context) -> {
 *     Database db = provisioner.ensure(context.requestId(), assignment.parameterMap()); // idempotent by requestId
 *     context.progress("database created");
 *     context.fulfil(Map.of("host", db.host(), "password", "vault:kv/db/" + context.requestId()));
 * };
 * }</pre>
 *
 * <p>Delivery is at-least-once: after a crash the same assignment (same requestId and attempt) is
 * delivered again, so side effects must be idempotent by {@link FulfilmentContext#requestId()}.
 * By default the SDK accepts an assignment before calling the handler (see
 * {@link CapmarketProducerBuilder#autoAccept(boolean)}). A handler that throws reports a retryable
 * failure with the exception's message. For long work, implement {@link AsyncAssignmentHandler}
 * or {@linkplain FulfilmentContext#handOff() hand the work off}.
 *
 * <h2>Updates and deprovisions</h2>
 * Once a request is FULFILLED, the resource lives at this producer: the marketplace sends an
 * UPDATE ({@link #onUpdate}) to change it to new parameters, and a DEPROVISION
 * ({@link #onDeprovision}) to give it back. Each carries one more {@link Assignment#revision()}
 * than the operation before it; reports carry it back. By default both reject with
 * {@link #UPDATE_NOT_SUPPORTED} / {@link #DEPROVISION_NOT_SUPPORTED}. They differ from a FULFIL:
 * <ul>
 *   <li>they are never matched elsewhere, so there is nothing to accept in time: the SDK does
 *       <b>not</b> auto-accept them, and {@code reject} is always published as REJECTED (the
 *       operation fails), never turned into a retryable failure;</li>
 *   <li>the marketplace does not count them against the offer's capacity, so neither does the SDK
 *       against the provisioning slots ({@link CapmarketProducer#inFlight()}, the heartbeat's
 *       figure): they have slots of their own, as many per offer as its capacity, and never wait
 *       for a provisioning slot (while a provisioning waits for one, the consumer reads on, so
 *       records behind it, operations too, are read at once, until a hundred assignments wait);</li>
 *   <li>an operation waits until any earlier work on the same request running here has finished,
 *       and a newer operation on a request (a deprovision while an update runs) cancels the older
 *       one: the marketplace has abandoned it, and reports on it are stale;</li>
 *   <li>the marketplace sends an unanswered operation again (same requestId, attempt and revision),
 *       so they are at-least-once too: make them idempotent by requestId and revision (a deprovision
 *       of a resource already gone is done: {@code fulfil(Map.of())}).</li>
 * </ul>
 */
@FunctionalInterface
public interface AssignmentHandler {

    /** The reason the default {@link #onUpdate} rejects an update with. */
    String UPDATE_NOT_SUPPORTED = "update not supported by this producer";

    /** The reason the default {@link #onDeprovision} rejects a deprovision with. */
    String DEPROVISION_NOT_SUPPORTED = "deprovision not supported by this producer";

    /**
     * Does the work and reports its outcome through {@code context}.
     *
     * @throws Exception any failure; reported as a retryable failure with its message
     */
    void onAssignment(Assignment assignment, FulfilmentContext context) throws Exception;

    /**
     * Changes the fulfilled resource from {@link Assignment#previousParameters()} to
     * {@link Assignment#parameters()} ({@link Assignment#changedParameters()} names what differs;
     * the marketplace only sends changes of the parameters the offer declares updatable). Report
     * {@code fulfil(outputs)} when done (non-empty outputs replace the request's outputs, empty ones
     * keep them), {@code fail} or {@code reject} when it cannot be done: the resource then keeps its
     * previous parameters. Default: rejects with {@link #UPDATE_NOT_SUPPORTED}.
     *
     * @throws Exception any failure; reported as a retryable failure with its message (the update fails)
     */
    default void onUpdate(Assignment assignment, FulfilmentContext context) throws Exception {
        context.reject(UPDATE_NOT_SUPPORTED);
    }

    /**
     * Gives the fulfilled resource back (deletes it). Report {@code fulfil(Map.of())} when it is
     * gone; {@code fail(message, true)} to have the marketplace send the deprovision again later;
     * {@code fail(message, false)} or {@code reject} when it cannot be done, which flags the
     * resource as an orphan for an operator. Default: rejects with {@link #DEPROVISION_NOT_SUPPORTED}.
     *
     * @throws Exception any failure; reported as a retryable failure with its message (sent again later)
     */
    default void onDeprovision(Assignment assignment, FulfilmentContext context) throws Exception {
        context.reject(DEPROVISION_NOT_SUPPORTED);
    }

    /**
     * The marketplace cancelled an assignment that is still running here (the consumer cancelled,
     * the assignment was not accepted in time, an update was given up, or a newer operation on the
     * request superseded it). Called on another thread than the running handler;
     * {@link FulfilmentContext#cancelled()} is already true. Stop the work and clean up if that
     * makes sense; anything reported afterwards is recorded as stale. Default: nothing.
     */
    default void onCancel(Assignment assignment, FulfilmentContext context) {
    }
}
