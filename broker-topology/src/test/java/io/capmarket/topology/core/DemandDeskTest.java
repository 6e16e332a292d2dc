package io.capmarket.topology.core;

import static io.capmarket.topology.core.DeskFixture.PG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.capmarket.schemas.CapabilityDemand;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferDemand;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.TeamDemand;
import io.capmarket.schemas.UnmetDemand;
import io.capmarket.schemas.VersionDemand;
import io.capmarket.topology.TestRecords;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.score.ScoreState;
import io.capmarket.topology.core.score.ScoreStateCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What teams ask of a capability, counted on the desk and published with its scorecard: requests per version,
 * matches per offer, the demand no offer fits, and each team's use (first request, first fulfilment, repeats, what
 * it abandoned).
 */
class DemandDeskTest {

    private final DeskFixture t = new DeskFixture(new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofHours(1)));

    @BeforeEach
    void twoOffers() {
        t.liveOffer("pg-eu", "eu-team", 10, Map.of("region", "eu"));
        t.liveOffer("pg-us", "us-team", 1, Map.of("region", "us"));
    }

    private void submit(String team, String requestId, int version, Map<String, List<String>> constraints) {
        t.submit(SubmitRequest.newBuilder(TestRecords.submit(requestId, PG, Priority.NORMAL, constraints, team, t.now))
                .setCapabilityVersion(version).build());
    }

    private CapabilityDemand published() {
        t.heartbeat("eu-team");
        t.heartbeat("us-team");
        t.publishScores();
        return t.scorecards.get(t.scorecards.size() - 1).getDemand();
    }

    @Test
    void requestsMatchesUnmetDemandAndTeamsAreCountedAndPublished() {
        Instant start = t.now;
        submit("alpha", "a1", 1, Map.of("region", List.of("eu")));
        t.report("a1", FulfilmentKind.ACCEPTED);
        t.advance(Duration.ofSeconds(20));
        t.report("a1", FulfilmentKind.FULFILLED);
        Instant fulfilled = t.now;
        submit("alpha", "a2", 1, Map.of("region", List.of("ap-south")));
        submit("beta", "b1", 1, Map.of("region", List.of("ap-south")));
        t.cancel("b1");
        submit("beta", "b2", 2, Map.of());
        submit("gamma", "g1", 1, Map.of("region", List.of("us")));
        submit("gamma", "g2", 1, Map.of("region", List.of("us"))); // pg-us is full: a wait, but not for want of an offer

        CapabilityDemand demand = published();

        assertThat(demand.getVersions()).extracting(VersionDemand::getVersion, VersionDemand::getRequests)
                .containsExactly(tuple(1, 5L), tuple(2, 1L));
        assertThat(demand.getOffers()).extracting(OfferDemand::getOfferId, OfferDemand::getProducerId, OfferDemand::getMatched)
                .containsExactly(tuple("pg-eu", "eu-team", 1L), tuple("pg-us", "us-team", 1L));
        assertThat(demand.getUnmet()).extracting(UnmetDemand::getVersion, UnmetDemand::getConstraints, UnmetDemand::getWaited,
                UnmetDemand::getFailed).containsExactlyInAnyOrder(
                        tuple(1, Map.of("region", List.of("ap-south")), 2L, 0L),
                        tuple(2, Map.of(), 1L, 0L));
        TeamDemand alpha = team(demand, "alpha");
        assertThat(alpha.getRequests()).isEqualTo(2);
        assertThat(alpha.getFirstRequestedAt()).isEqualTo(start);
        assertThat(alpha.getFirstFulfilledAt()).isEqualTo(fulfilled);
        assertThat(team(demand, "beta").getAbandoned()).as("cancelled while it waited").isEqualTo(1);
        assertThat(team(demand, "beta").getFirstFulfilledAt()).isNull();
        assertThat(team(demand, "gamma").getAbandoned()).isZero();
    }

    @Test
    void aRequestThatNoOfferFittedAndThatFailedUnmatchedIsCountedAsFailed() {
        submit("alpha", "a1", 1, Map.of("region", List.of("ap-south")));

        t.advance(Duration.ofHours(1).plusSeconds(1));

        assertThat(t.status("a1").getState()).isEqualTo(io.capmarket.schemas.RequestState.FAILED);
        assertThat(published().getUnmet()).singleElement().satisfies(unmet -> {
            assertThat(unmet.getWaited()).isEqualTo(1);
            assertThat(unmet.getFailed()).isEqualTo(1);
        });
    }

    @Test
    void theCountsSurviveTheScorecardStatesEncoding() {
        submit("alpha", "a1", 1, Map.of("region", List.of("ap-south", "eu-south")));
        submit("beta", "b1", 1, Map.of());
        ScoreState state = t.books.scoreOf(PG);

        ScoreState decoded = ScoreStateCodec.decode(ScoreStateCodec.encode(state), Duration.ofMinutes(15));

        assertThat(decoded.demand()).isEqualTo(state.demand());
        assertThat(decoded.demand().view()).isEqualTo(state.demand().view());
        assertThat(ScoreStateCodec.encode(decoded)).isEqualTo(ScoreStateCodec.encode(state));
    }

    @Test
    void aRequestAskingMoreThanAGroupHoldsMakesNoGroupAndTheStateStillReadsBack() {
        List<String> regions = java.util.stream.IntStream.range(0, 1_001).mapToObj(i -> "region-" + i).toList();
        submit("alpha", "a1", 1, Map.of("region", regions));
        submit("beta", "b1", 1, Map.of("region", List.of("ap-south")));

        ScoreState state = t.books.scoreOf(PG);
        ScoreState decoded = ScoreStateCodec.decode(ScoreStateCodec.encode(state), Duration.ofMinutes(15));

        assertThat(decoded.demand()).isEqualTo(state.demand());
        assertThat(published().getUnmet()).extracting(UnmetDemand::getConstraints)
                .containsExactly(Map.of("region", List.of("ap-south")));
    }

    @Test
    void versionsAreKeptUpToTheirBoundTheOldestForgotten() {
        for (int version = 1; version <= 1_001; version++) {
            submit("alpha", "v" + version, version, Map.of());
            t.advance(Duration.ofMillis(1));
        }

        assertThat(published().getVersions()).hasSize(1_000).extracting(VersionDemand::getVersion).doesNotContain(1).contains(1_001);
    }

    @Test
    void offersOfUnlimitedCapacityAddUpToTheLargestCapacityAScorecardShows() {
        t.liveOffer("pg-big-1", "big-team-1", Integer.MAX_VALUE, Map.of("region", "eu"));
        t.liveOffer("pg-big-2", "big-team-2", Integer.MAX_VALUE, Map.of("region", "eu"));
        submit("alpha", "a1", 1, Map.of());
        t.heartbeat("big-team-1");
        t.heartbeat("big-team-2");

        published();

        assertThat(t.scorecards.get(t.scorecards.size() - 1).getWindow().getEfficiency().getCapacity()).isEqualTo(Integer.MAX_VALUE);
    }

    private static TeamDemand team(CapabilityDemand demand, String team) {
        return demand.getTeams().stream().filter(t -> t.getTeam().equals(team)).findFirst().orElseThrow();
    }
}
