package io.capmarket.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.RequestState;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step of the engine that fails part-way: its record goes to the dead letters (in production,
 * through {@code DeadLetterProcessingHandler}; the driver here rethrows), and the statuses the step
 * held back for its end are not published with the next step's.
 */
class FailedStepTopologyTest {

    private static final String PG = "postgres-database";
    private static final String BROKEN = "broken-capability";

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir);
        t.liveOffer("pg-eu", "db-team", PG, 10, Map.of());
        t.liveOffer("broken-eu", "other-team", BROKEN, 10, Map.of());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void aSubmitWhoseStepFailsIsNeverPublishedAndTheNextRequestIsMatched() {
        t.onSubmitted = capability -> {
            if (capability.equals(BROKEN)) {
                throw new IllegalStateException("a rule failed part-way");
            }
        };

        assertThatThrownBy(() -> t.submit("r-broken", BROKEN)).hasRootCauseMessage("a rule failed part-way");
        t.submit("r-fine", PG);

        assertThat(t.status("r-fine").getState()).isEqualTo(RequestState.MATCHED);
        assertThat(t.statuses).containsOnlyKeys("r-fine");
    }
}
