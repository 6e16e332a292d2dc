package io.capmarket.sdk;

import io.capmarket.sdk.internal.HandlerRun;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link AssignmentHandler} for work that runs on the team's own threads or event loop: it
 * starts the work and returns a stage that completes when the outcome is reported. The assignment
 * holds a capacity slot and its offset stays uncommitted until the stage completes; a stage that
 * completes exceptionally before an outcome reports a retryable failure with the exception's
 * message. The same settling rules as {@link FulfilmentContext} apply, and updates and
 * deprovisions follow the rules of {@link AssignmentHandler} (not auto-accepted, slots of their own).
 */
@FunctionalInterface
public interface AsyncAssignmentHandler {

    /** Starts the work; the stage completes once the outcome was reported through {@code context}. */
    CompletionStage<?> onAssignment(Assignment assignment, FulfilmentContext context);

    /**
     * As {@link AssignmentHandler#onUpdate}, asynchronously. Default: rejects with
     * {@link AssignmentHandler#UPDATE_NOT_SUPPORTED}.
     */
    default CompletionStage<?> onUpdate(Assignment assignment, FulfilmentContext context) {
        return rejected(context, AssignmentHandler.UPDATE_NOT_SUPPORTED);
    }

    /**
     * As {@link AssignmentHandler#onDeprovision}, asynchronously. Default: rejects with
     * {@link AssignmentHandler#DEPROVISION_NOT_SUPPORTED}.
     */
    default CompletionStage<?> onDeprovision(Assignment assignment, FulfilmentContext context) {
        return rejected(context, AssignmentHandler.DEPROVISION_NOT_SUPPORTED);
    }

    /** As {@link AssignmentHandler#onCancel}. Default: nothing. */
    default void onCancel(Assignment assignment, FulfilmentContext context) {
    }

    /**
     * A synchronous handler as an asynchronous one: it runs on the calling thread and the stage is
     * already complete when it returns (exceptionally when it threw); updates, deprovisions and
     * cancellations go to its {@link AssignmentHandler#onUpdate}, {@link AssignmentHandler#onDeprovision}
     * and {@link AssignmentHandler#onCancel}. For code that routes to several handlers of both kinds.
     */
    static AsyncAssignmentHandler of(AssignmentHandler handler) {
        return HandlerRun.async(java.util.Objects.requireNonNull(handler, "handler"));
    }

    private static CompletionStage<?> rejected(FulfilmentContext context, String reason) {
        context.reject(reason);
        return CompletableFuture.completedFuture(null);
    }
}
