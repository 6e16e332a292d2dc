package io.capmarket.spring.internal;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one handler the SDK calls: routes each assignment, update, deprovision and cancellation to
 * the handler of its capability. An assignment of a capability without a handler here fails
 * retryably, so the marketplace matches it to another offer; an update or deprovision of one is
 * rejected as not supported, since it is never matched elsewhere.
 */
public record Dispatcher(Map<String, HandlerRegistry.Registered> handlers) implements AsyncAssignmentHandler {

    /** The failure reported for an assignment no handler takes. */
    public static String noHandler(String capability) {
        return "this application has no @CapmarketHandler(\"" + capability + "\")";
    }

    /** Keeps a snapshot of the handlers. */
    public Dispatcher {
        handlers = Map.copyOf(handlers);
    }

    @Override
    public CompletionStage<?> onAssignment(Assignment assignment, FulfilmentContext context) {
        HandlerRegistry.Registered registered = handlers.get(assignment.capability());
        if (registered == null) {
            context.fail(noHandler(assignment.capability()), true);
            return CompletableFuture.completedFuture(null);
        }
        return registered.handler().onAssignment(assignment, context);
    }

    @Override
    public CompletionStage<?> onUpdate(Assignment assignment, FulfilmentContext context) {
        HandlerRegistry.Registered registered = handlers.get(assignment.capability());
        return registered == null ? AsyncAssignmentHandler.super.onUpdate(assignment, context)
                : registered.handler().onUpdate(assignment, context);
    }

    @Override
    public CompletionStage<?> onDeprovision(Assignment assignment, FulfilmentContext context) {
        HandlerRegistry.Registered registered = handlers.get(assignment.capability());
        return registered == null ? AsyncAssignmentHandler.super.onDeprovision(assignment, context)
                : registered.handler().onDeprovision(assignment, context);
    }

    @Override
    public void onCancel(Assignment assignment, FulfilmentContext context) {
        HandlerRegistry.Registered registered = handlers.get(assignment.capability());
        if (registered != null) {
            registered.handler().onCancel(assignment, context);
        }
    }
}
