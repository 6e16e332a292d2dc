package io.capmarket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the code that fulfils one capability's assignments, as {@code @KafkaListener} marks a
 * listener. The starter routes every assignment to the handler of its capability; an application
 * has one handler per capability it fulfils, in any beans.
 *
 * <p>On a bean method, the method takes {@code (Assignment, FulfilmentContext)} and returns
 * {@code void} (it reports through the context before returning, like
 * {@link io.capmarket.sdk.AssignmentHandler#onAssignment}) or a {@code CompletionStage} (like
 * {@link io.capmarket.sdk.AsyncAssignmentHandler#onAssignment}):
 *
 * <pre>{@code
 * @CapmarketHandler("postgres-database")
 * void create(Assignment assignment, FulfilmentContext context) {
 *     Database db = provisioner.ensure(context.requestId(), assignment.parameterMap());
 *     context.fulfil(Map.of("host", db.host()));
 * }
 * }</pre>
 *
 * <p>On a bean class that implements {@link io.capmarket.sdk.AssignmentHandler} or
 * {@link io.capmarket.sdk.AsyncAssignmentHandler}, the bean itself is the handler, updates
 * ({@code onUpdate}), deprovisions ({@code onDeprovision}) and cancellations ({@code onCancel})
 * included; an annotated method handles only the capability's assignments, and its updates and
 * deprovisions are rejected as not supported. The SDK's rules apply unchanged: delivery is at least once (make
 * side effects idempotent by {@code requestId}), and a handler that throws reports a retryable failure.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CapmarketHandler {

    /** The capability whose assignments this handles, as in the offers: {@code postgres-database}. */
    String value();
}
