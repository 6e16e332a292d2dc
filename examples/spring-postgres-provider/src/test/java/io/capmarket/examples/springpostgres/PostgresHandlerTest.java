package io.capmarket.examples.springpostgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.sdk.testkit.HandlerTester;
import io.capmarket.sdk.testkit.Recording;
import io.capmarket.sdk.testkit.Report;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler, unit-tested with the SDK's test kit: no Kafka, no Spring. */
class PostgresHandlerTest {

    private final HandlerTester tester = HandlerTester.of(new PostgresHandler(new DatabaseProvisioner()));

    @Test
    void createsTheDatabaseAndReportsReferencesNotSecrets() {
        Recording run = tester.run(HandlerTester.assignment("r-42").capability("postgres-database")
                .parameters("{\"size\": \"small\", \"replicas\": 1}").build());

        assertThat(run.reports()).containsExactly(
                Report.accepted(),
                Report.progress("creating a small database with 1 replicas"),
                Report.fulfilled(Map.of("host", "r-42.pg.internal", "port", "5432", "passwordRef", "vault:kv/postgres/r-42")));
    }

    @Test
    void anUnknownSizeFailsForGood() {
        Recording run = tester.run(HandlerTester.assignment("r-43").parameters("{\"size\": \"huge\"}").build());

        assertThat(run.outcome()).contains(Report.failed("size must be one of " + java.util.Set.of("small", "medium", "large")
                + ", but was huge", false));
    }

    @Test
    void resizesInPlaceAndDeprovisions() {
        Recording resized = tester.run(HandlerTester.update("r-42").revision(1).previousParameters("{\"size\": \"small\"}")
                .parameters("{\"size\": \"large\"}").build());
        Recording removed = tester.run(HandlerTester.deprovision("r-42").revision(2).build());

        assertThat(resized.reports()).containsExactly(Report.fulfilled(Map.of()));
        assertThat(removed.reports()).containsExactly(Report.fulfilled(Map.of()));
        assertThat(removed.revision()).isEqualTo(2);
    }
}
