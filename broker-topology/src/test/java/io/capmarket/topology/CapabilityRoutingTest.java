package io.capmarket.topology;

import static io.capmarket.schemas.RequestState.CANCELLED;
import static io.capmarket.schemas.RequestState.MATCHED;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topics.CapabilityPartitions;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How events reach the engine: a command read on the partition of its capability's owner goes
 * straight to it, anything else passes capability-events. The driver runs every record in the
 * task of partition 0, with the test catalogue's partitions: a capability of partition 0 is owned
 * there, any other is not.
 */
class CapabilityRoutingTest {

    @TempDir
    Path stateDir;
    private TopologyHarness t;
    private String owned;
    private String elsewhere;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir);
        int partitions = t.topics.capabilityEvents().spec().partitions();
        assertThat(partitions).as("the test catalogue's capability-events partitions").isGreaterThan(1);
        owned = capability(partitions, true);
        elsewhere = capability(partitions, false);
        t.liveOffer("offer-owned", "owned-team", owned, 10, Map.of());
        t.liveOffer("offer-elsewhere", "elsewhere-team", elsewhere, 10, Map.of());
        t.rerouted.clear();
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void aRequestOnItsOwnersPartitionIsMatchedWithoutPassingCapabilityEvents() {
        t.submit("r-owned", owned);

        assertThat(t.status("r-owned").getState()).isEqualTo(MATCHED);
        assertThat(t.rerouted).isEmpty();
    }

    @Test
    void aRequestOnAnotherPartitionPassesCapabilityEventsAndIsMatchedByItsOwner() {
        t.submit("r-elsewhere", elsewhere);

        assertThat(t.status("r-elsewhere").getState()).isEqualTo(MATCHED);
        assertThat(t.rerouted).containsExactly(elsewhere);
    }

    @Test
    void aRequestHandedStraightToTheEngineIsCancelledFromItsState() {
        t.submit("r-owned", owned);
        t.cancel("r-owned");

        assertThat(t.status("r-owned").getState()).isEqualTo(CANCELLED);
        assertThat(t.deadLetterReasons()).isEmpty();
    }

    @Test
    void aTeamCancelsItsOwnRequestHandedStraightToTheEngineButNotAnotherTeams() {
        t.submitOn("payments", "payments.r1", owned, "payments");

        t.cancelOn("checkout", "payments.r1");
        assertThat(t.status("payments.r1").getState()).isEqualTo(MATCHED);
        assertThat(t.deadLetterReasons()).singleElement().asString().contains("belongs to team payments");

        t.cancelOn("payments", "payments.r1");
        assertThat(t.status("payments.r1").getState()).isEqualTo(CANCELLED);
    }

    @Test
    void aSecondSubmitOfAKnownRequestIsADuplicateWhicheverPathEitherTook() {
        t.submit("r1", owned);
        t.submit("r1", elsewhere);
        t.submit("r2", elsewhere);
        t.submit("r2", owned);

        assertThat(t.statuses.get("r1")).extracting(RequestStatus::getCapability).containsOnly(owned);
        assertThat(t.statuses.get("r2")).extracting(RequestStatus::getCapability).containsOnly(elsewhere);
        assertThat(t.rerouted).as("the first submit of r2 only").containsExactly(elsewhere);
    }

    @Test
    void aSubmitPassingCapabilityEventsWhoseStepFailsIsANewRequestWhenSentAgain() {
        t.onMatched = capability -> {
            throw new IllegalStateException("a rule failed after the match was written");
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.submit("r-retried", elsewhere))
                .hasRootCauseMessage("a rule failed after the match was written");
        t.onMatched = capability -> { };
        // the driver delivers what a failing call forwarded with the next input; Kafka, with the failed step's transaction
        t.submit("r-other", owned);

        t.submit("r-retried", elsewhere);

        assertThat(t.status("r-retried").getState()).as("the intake forgot its entry of the undone submit").isEqualTo(MATCHED);
    }

    private static String capability(int partitions, boolean onPartitionZero) {
        return IntStream.range(0, 1_000).mapToObj(i -> "capability-" + i)
                .filter(name -> (CapabilityPartitions.of(name, partitions) == 0) == onPartitionZero)
                .findFirst().orElseThrow();
    }
}
