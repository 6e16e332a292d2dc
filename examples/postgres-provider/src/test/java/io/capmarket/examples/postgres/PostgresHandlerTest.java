package io.capmarket.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.sdk.testkit.HandlerTester;
import io.capmarket.sdk.testkit.Recording;
import io.capmarket.sdk.testkit.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler, unit-tested with the SDK's test kit: no Kafka, no database. */
class PostgresHandlerTest {

    private final List<String> created = new ArrayList<>();
    private final DatabaseProvisioner fake = new DatabaseProvisioner() {
        @Override
        public Database ensure(String requestId, String size, int replicas) {
            created.add(requestId + ":" + size + ":" + replicas);
            return new Database(requestId + ".pg.internal", 5432, "vault:kv/postgres/" + requestId);
        }

        @Override
        public void resize(String requestId, String size) {
            created.add(requestId + ":resized:" + size);
        }

        @Override
        public void remove(String requestId) {
            created.add(requestId + ":removed");
        }
    };
    private final HandlerTester tester = HandlerTester.of(new PostgresHandler(fake));

    @Test
    void createsTheDatabaseAndReportsReferencesNotSecrets() {
        Recording run = tester.run(HandlerTester.assignment("r-42").capability("postgres-database")
                .parameters("{\"size\": \"small\", \"replicas\": 1}").build());

        assertThat(run.reports()).containsExactly(
                Report.accepted(),
                Report.progress("creating a small database with 1 replicas"),
                Report.fulfilled(Map.of("host", "r-42.pg.internal", "port", "5432", "passwordRef", "vault:kv/postgres/r-42")));
        assertThat(created).containsExactly("r-42:small:1");
    }

    @Test
    void anUnknownSizeFailsForGood() {
        Recording run = tester.run(HandlerTester.assignment("r-43").parameters("{\"size\": \"huge\"}").build());

        assertThat(run.outcome()).contains(Report.failed("size must be one of " + java.util.Set.of("small", "medium", "large")
                + ", but was huge", false));
        assertThat(created).isEmpty();
    }

    @Test
    void aProvisionerFailureIsRetryableThroughTheSdk() {
        HandlerTester broken = HandlerTester.of(new PostgresHandler(new DatabaseProvisioner() {
            @Override
            public Database ensure(String requestId, String size, int replicas) throws Exception {
                throw new java.io.IOException("control plane unreachable");
            }

            @Override
            public void resize(String requestId, String size) {
            }

            @Override
            public void remove(String requestId) {
            }
        }));

        Recording run = broken.run(HandlerTester.assignment("r-44").parameters("{\"size\": \"medium\"}").build());

        assertThat(run.outcome()).contains(Report.failed("control plane unreachable", true));
    }

    @Test
    void resizesInPlaceAndKeepsTheOutputs() {
        Recording run = tester.run(HandlerTester.update("r-42").revision(1).previousParameters("{\"size\": \"small\", \"replicas\": 1}")
                .parameters("{\"size\": \"large\", \"replicas\": 1}").build());

        assertThat(run.reports()).containsExactly(Report.progress("resizing from small to large"), Report.fulfilled(Map.of()));
        assertThat(run.revision()).isEqualTo(1);
        assertThat(created).containsExactly("r-42:resized:large");
    }

    @Test
    void anUpdateToAnUnknownSizeIsRejectedAndTheDatabaseKeepsItsSize() {
        Recording run = tester.run(HandlerTester.update("r-42").previousParameters("{\"size\": \"small\"}")
                .parameters("{\"size\": \"huge\"}").build());

        assertThat(run.reports()).containsExactly(Report.rejected("size must be one of " + java.util.Set.of("small", "medium", "large")
                + ", but was huge"));
        assertThat(created).isEmpty();
    }

    @Test
    void deprovisionRemovesTheDatabaseAndARepeatIsDoneToo() {
        Recording first = tester.run(HandlerTester.deprovision("r-42").revision(2).build());
        Recording again = tester.run(HandlerTester.deprovision("r-42").revision(2).build());

        assertThat(first.reports()).containsExactly(Report.fulfilled(Map.of()));
        assertThat(again.reports()).containsExactly(Report.fulfilled(Map.of()));
        assertThat(first.revision()).isEqualTo(2);
        assertThat(created).containsExactly("r-42:removed", "r-42:removed");
    }
}
