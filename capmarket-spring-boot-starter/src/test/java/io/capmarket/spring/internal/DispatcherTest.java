package io.capmarket.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.internal.HandlerRun;
import io.capmarket.sdk.internal.ReportingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Updates and deprovisions reach the handler of their capability; one without a handler rejects them as not supported. */
class DispatcherTest {

    private final List<String> reports = new ArrayList<>();

    private void run(Dispatcher dispatcher, AssignmentAction action, String capability) {
        Assignment assignment = new Assignment("r-1", "pg", capability, 1, "app", 1, "{}", Instant.EPOCH, Instant.EPOCH,
                Duration.ofMinutes(1), action, 1, action == AssignmentAction.UPDATE ? "{}" : null);
        ReportingContext context = new ReportingContext(assignment, (ref, kind, message, outputs, retryable, mustNotLose) ->
                reports.add(kind + " " + (message == null ? "" : message) + " rev " + ref.revision()));
        HandlerRun.run(dispatcher, context, true, Clock.systemUTC(), ProducerListener.NONE).join();
    }

    @Test
    void operationsGoToTheHandlerOfTheirCapability() {
        AssignmentHandler postgres = new AssignmentHandler() {
            @Override
            public void onAssignment(Assignment assignment, FulfilmentContext context) {
                context.fulfil(Map.of());
            }

            @Override
            public void onUpdate(Assignment assignment, FulfilmentContext context) {
                context.fulfil(Map.of());
            }

            @Override
            public void onDeprovision(Assignment assignment, FulfilmentContext context) {
                context.fail("still attached", true);
            }
        };
        Dispatcher dispatcher = new Dispatcher(Map.of("postgres-database",
                new HandlerRegistry.Registered("postgres-database", "bean postgres", AsyncAssignmentHandler.of(postgres))));

        run(dispatcher, AssignmentAction.UPDATE, "postgres-database");
        run(dispatcher, AssignmentAction.DEPROVISION, "postgres-database");
        run(dispatcher, AssignmentAction.UPDATE, "kafka-topic");

        assertThat(reports).containsExactly(FulfilmentKind.FULFILLED + "  rev 1", FulfilmentKind.FAILED + " still attached rev 1",
                FulfilmentKind.REJECTED + " " + AssignmentHandler.UPDATE_NOT_SUPPORTED + " rev 1");
    }
}
