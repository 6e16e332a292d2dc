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
 * {@link CapmarketProducer.Builder#autoAccept(boolean)}). A handler that throws reports a retryable
 * failure with the exception's message. For long work, implement {@link AsyncAssignmentHandler}
 * or {@linkplain FulfilmentContext#handOff() hand the work off}.
 */
@FunctionalInterface
public interface AssignmentHandler {

    /**
     * Does the work and reports its outcome through {@code context}.
     *
     * @throws Exception any failure; reported as a retryable failure with its message
     */
    void onAssignment(Assignment assignment, FulfilmentContext context) throws Exception;

    /**
     * The marketplace cancelled an assignment that is still running here (the consumer cancelled,
     * or the assignment was not accepted in time). Called on another thread than the running
     * handler; {@link FulfilmentContext#cancelled()} is already true. Stop the work and clean up
     * if that makes sense; anything reported afterwards is recorded as stale. Default: nothing.
     */
    default void onCancel(Assignment assignment, FulfilmentContext context) {
    }
}
