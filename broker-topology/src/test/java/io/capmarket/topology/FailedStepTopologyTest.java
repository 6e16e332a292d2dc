package io.capmarket.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.topology.core.CapabilityDesk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Map;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step of the engine that fails part-way: its record goes to the dead letters (in production,
 * through {@code DeadLetterProcessingHandler}; the driver here rethrows), the statuses the step
 * held back for its end are not published with the next step's, and what it wrote is undone.
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
        t.liveOffer("broken-eu", "other-team", BROKEN, 1, Map.of());
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

    @Test
    void aMatchWhoseStepFailsAfterItsWritesHoldsNoCapacityAndLeavesNoRequestBehind() {
        aMatchFailsAfterItsWrites(t);
    }

    @Test
    void aFailedStepIsUndoneInRocksDbStoresAsInMemory(@TempDir Path rocksDir) {
        try (TopologyHarness rocks = new TopologyHarness(rocksDir, TopologySettings.ofDefaults(),
                new BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers())) {
            rocks.liveOffer("broken-eu", "other-team", BROKEN, 1, Map.of());
            aMatchFailsAfterItsWrites(rocks);
        }
    }

    @Test
    void aFailedStepLeavesTheCatalogEntryItWouldHavePublishedToTheNextTick() {
        t.approve("other-team", BROKEN);
        t.heartbeat("other-team");
        t.advance(t.settings.punctuateInterval());
        t.submit("r-a", BROKEN);
        t.submit("r-b", BROKEN);
        assertThat(t.status("r-b").getState()).isEqualTo(RequestState.WAITING);
        assertThat(t.catalog.get(BROKEN).getOffers()).singleElement().satisfies(offer -> assertThat(offer.getInFlight()).isZero());
        t.onStoppedWaiting = capability -> {
            throw new IllegalStateException("a rule failed while the waitlist drained");
        };

        assertThatThrownBy(() -> t.publish(t.offer("broken-us", "other-team", BROKEN, 1, Map.of())))
                .hasRootCauseMessage("a rule failed while the waitlist drained");
        t.onStoppedWaiting = capability -> { };
        t.advance(t.settings.punctuateInterval());

        assertThat(t.catalog.get(BROKEN).getOffers()).as("r-a's match is published at the tick, the undone offer is not")
                .singleElement().satisfies(offer -> {
                    assertThat(offer.getOfferId()).isEqualTo("broken-eu");
                    assertThat(offer.getInFlight()).isEqualTo(1);
                });
    }

    @Test
    void aDueCheckThatFailsPartWayIsUndoneAndRunsAgainLater() {
        t.liveOffer("broken-us", "third-team", BROKEN, 1, Map.of());
        t.submit("r-a", BROKEN);
        RequestStatus matched = t.status("r-a");
        String first = matched.getProducerId();
        String other = first.equals("other-team") ? "third-team" : "other-team";
        int published = t.statuses.get("r-a").size();
        t.onMatched = capability -> {
            throw new IllegalStateException("a rule failed while a missed accept was matched again");
        };

        liveFor(t.settings.acceptDeadline().plusSeconds(1), first, other);

        assertThat(t.statuses.get("r-a")).as("the failed check published nothing").hasSize(published);
        assertThat(t.assignments(first)).extracting(Assignment::getAction)
                .as("nor told the first producer to cancel").containsExactly(AssignmentAction.FULFIL);
        assertThat(t.assignments(other)).as("nor assigned the request elsewhere").isEmpty();

        t.onMatched = capability -> { };
        liveFor(CapabilityDesk.CHECK_RETRY, first, other);

        RequestStatus rematched = t.status("r-a");
        assertThat(rematched.getState()).isEqualTo(RequestState.MATCHED);
        assertThat(rematched.getProducerId()).as("the check ran again whole").isEqualTo(other);
        assertThat(rematched.getAttempt()).as("one attempt given up, not two").isEqualTo(2);
        assertThat(t.assignments(first)).extracting(Assignment::getAction)
                .containsExactly(AssignmentAction.FULFIL, AssignmentAction.CANCEL);
        assertThat(t.assignments(other)).extracting(Assignment::getRequestId).containsExactly("r-a");
        liveFor(t.settings.scorecardInterval(), first, other);
        CapabilityScore score = t.scorecards.stream().filter(s -> s.getCapability().equals(BROKEN)).reduce((a, b) -> b).orElseThrow();
        assertThat(score.getAllTime().getSafety().getRejected()).as("the undone check's rejection is not counted").isEqualTo(1);
        assertThat(score.getAllTime().getScalability().getMatched()).isEqualTo(2);
    }

    @Test
    void aRequestServedFromTheWaitlistOnTheClockThatFailsIsUndoneTheOthersServedAndItServedAtTheNextTick() {
        t.liveOffer("broken-us", "other-team", BROKEN, 5, Map.of());
        t.advance(t.settings.matching().livenessBound().plusSeconds(1));
        t.submit("r-w1", BROKEN);
        t.submit("r-w2", BROKEN);
        assertThat(t.status("r-w2").getState()).as("its only producer is not live").isEqualTo(RequestState.WAITING);
        int published = t.statuses.get("r-w1").size();
        AtomicBoolean failedOnce = new AtomicBoolean();
        t.onMatched = capability -> {
            if (failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("a rule failed after the first request of the waitlist, its oldest, was matched");
            }
        };

        t.heartbeat("other-team");
        t.advance(t.settings.punctuateInterval());

        assertThat(t.statuses.get("r-w1")).as("the failed request's step published nothing").hasSize(published);
        assertThat(t.status("r-w2").getState()).as("the request after it was served all the same").isEqualTo(RequestState.MATCHED);
        assertThat(t.waiting).containsEntry(BROKEN, 1L);

        t.onMatched = capability -> { };
        t.heartbeat("other-team");
        t.advance(t.settings.punctuateInterval());

        assertThat(t.status("r-w1").getState()).isEqualTo(RequestState.MATCHED);
        assertThat(t.status("r-w1").getAttempt()).isEqualTo(1);
        assertThat(t.assignments("other-team")).extracting(Assignment::getRequestId).containsExactlyInAnyOrder("r-w1", "r-w2");
        assertThat(t.waiting).containsEntry(BROKEN, 0L);
    }

    @Test
    void anUndoneStepLeavesTheCountOfWaitingRequestsAsItWas() {
        t.submit("r-a", BROKEN);
        t.submit("r-b", BROKEN);
        assertThat(t.waiting).containsEntry(BROKEN, 1L);
        t.onWaiting = capability -> {
            throw new IllegalStateException("a rule failed after the request began to wait");
        };

        assertThatThrownBy(() -> t.submit("r-c", BROKEN)).hasRootCauseMessage("a rule failed after the request began to wait");

        assertThat(t.waiting).as("r-c never waited").containsEntry(BROKEN, 1L);
    }

    /** Lets {@code time} pass in steps of 10 s, the producers heartbeating at each. */
    private void liveFor(Duration time, String... producers) {
        for (Duration passed = Duration.ZERO; passed.compareTo(time) < 0; passed = passed.plusSeconds(10)) {
            for (String producer : producers) {
                t.heartbeat(producer);
            }
            t.advance(Duration.ofSeconds(10));
        }
    }

    private static void aMatchFailsAfterItsWrites(TopologyHarness h) {
        h.onMatched = capability -> {
            if (capability.equals(BROKEN)) {
                throw new IllegalStateException("a rule failed after the match was written");
            }
        };
        assertThatThrownBy(() -> h.submit("r-broken", BROKEN)).hasRootCauseMessage("a rule failed after the match was written");
        h.onMatched = capability -> { };

        h.submit("r-next", BROKEN);
        assertThat(h.status("r-next").getState()).as("the only slot of the offer is free").isEqualTo(RequestState.MATCHED);

        h.submit("r-broken", BROKEN);
        assertThat(h.statuses).as("submitted again, it is a new request, not a duplicate of one never published")
                .containsKey("r-broken");
        assertThat(h.status("r-broken").getState()).isEqualTo(RequestState.WAITING);
        assertThat(h.assignments("other-team")).extracting(Assignment::getRequestId)
                .as("the failed step's assignment was never sent: the producer holds only what the marketplace knows")
                .containsExactly("r-next");
    }
}
