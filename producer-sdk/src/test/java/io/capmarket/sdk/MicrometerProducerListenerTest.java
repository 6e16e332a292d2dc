package io.capmarket.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.micrometer.MicrometerProducerListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerProducerListenerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProducerListener listener = new MicrometerProducerListener(registry, "db-team");
    private final Assignment assignment = new Assignment("r1", "pg", "postgres-database", 1, "app", 1, "{}", Instant.EPOCH,
            Instant.EPOCH, Duration.ofMinutes(1));

    @Test
    void countsAssignmentsByOutcomeAndTimesHandlers() {

        listener.assignmentReceived(assignment);
        listener.reported(assignment.ref(), FulfilmentKind.ACCEPTED);
        listener.reported(assignment.ref(), FulfilmentKind.PROGRESS);
        listener.reported(assignment.ref(), FulfilmentKind.FULFILLED);
        listener.reported(assignment.ref(), FulfilmentKind.FAILED);
        listener.progressCoalesced(assignment.ref());
        listener.progressCoalesced(assignment.ref());
        listener.handlerCompleted(assignment, Duration.ofMillis(1500), null);

        assertThat(registry.get("capmarket.sdk.assignments.received").tag("producer", "db-team")
                .tag("capability", "postgres-database").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("capmarket.sdk.assignments.accepted").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("capmarket.sdk.assignments.fulfilled").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("capmarket.sdk.assignments.failed").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("capmarket.sdk.progress.coalesced").tag("capability", "postgres-database").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("capmarket.sdk.handler.latency").tag("outcome", "ok").tag("action", "fulfil").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
    }

    @Test
    void countsUpdatesAndDeprovisionsApartFromProvisioning() {
        Assignment update = new Assignment("r1", "pg", "postgres-database", 1, "app", 1, "{}", Instant.EPOCH, Instant.EPOCH,
                Duration.ofMinutes(1), AssignmentAction.UPDATE, 1, "{}");
        Assignment deprovision = new Assignment("r1", "pg", "postgres-database", 1, "app", 1, "{}", Instant.EPOCH, Instant.EPOCH,
                Duration.ofMinutes(1), AssignmentAction.DEPROVISION, 2, null);

        listener.operationReceived(update);
        listener.operationReceived(deprovision);
        listener.reported(update.ref(), FulfilmentKind.FULFILLED);
        listener.reported(deprovision.ref(), FulfilmentKind.REJECTED);
        listener.handlerCompleted(update, Duration.ofMillis(200), null);

        assertThat(registry.get("capmarket.sdk.operations.received").tag("action", "update").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("capmarket.sdk.operations.received").tag("action", "deprovision").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("capmarket.sdk.operations.reported").tag("kind", "fulfilled").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("capmarket.sdk.operations.reported").tag("kind", "rejected").counter().count()).isEqualTo(1.0);
        assertThat(registry.find("capmarket.sdk.assignments.fulfilled").counter()).isNull();
        assertThat(registry.find("capmarket.sdk.assignments.received").counter()).isNull();
        assertThat(registry.get("capmarket.sdk.handler.latency").tag("action", "update").timer().count()).isEqualTo(1);
    }

    @Test
    void countsSkippedAssignmentRecords() {

        listener.assignmentSkipped("capmarket.producer.db-team.assignments", 0, 7, "it cannot be read: not Avro");
        listener.assignmentSkipped("capmarket.producer.db-team.assignments", 2, 9, "it is for producer other-team");

        assertThat(registry.get("capmarket.sdk.assignments.skipped").tag("producer", "db-team").counter().count()).isEqualTo(2.0);
    }

    @Test
    void countsWorkHandedOverToAnotherProcessByAction() {
        Assignment fulfil = new Assignment("r1", "pg", "postgres-database", 1, "app", 1, "{}", Instant.EPOCH, Instant.EPOCH,
                Duration.ofMinutes(1));
        Assignment update = new Assignment("r2", "pg", "postgres-database", 1, "app", 1, "{}", Instant.EPOCH, Instant.EPOCH,
                Duration.ofMinutes(1), AssignmentAction.UPDATE, 1, "{}");

        listener.assignmentHandedOver(fulfil);
        listener.assignmentHandedOver(fulfil);
        listener.assignmentHandedOver(update);

        assertThat(registry.get("capmarket.sdk.assignments.handed.over").tag("producer", "db-team")
                .tag("capability", "postgres-database").tag("action", "fulfil").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("capmarket.sdk.assignments.handed.over").tag("action", "update").counter().count()).isEqualTo(1.0);
    }

    @Test
    void countsHandlersThatTimedOutByCapabilityAndAction() {

        listener.handlerTimedOut(assignment, Duration.ofHours(1));

        assertThat(registry.get("capmarket.sdk.handler.timeouts").tag("producer", "db-team").tag("capability", "postgres-database")
                .tag("action", "fulfil").counter().count()).isEqualTo(1.0);
    }
}
