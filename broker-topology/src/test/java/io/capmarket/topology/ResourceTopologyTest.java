package io.capmarket.topology;

import static io.capmarket.schemas.RequestState.DEPROVISIONED;
import static io.capmarket.schemas.RequestState.DEPROVISIONING;
import static io.capmarket.schemas.RequestState.FULFILLED;
import static io.capmarket.schemas.RequestState.UPDATING;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.topology.core.Day2Policy;
import io.capmarket.topology.core.MatchingPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Update and deprovision of a fulfilled request through the real topology: commands from the
 * gateway's and a team's requests topics, assignments to the producer's topic, its reports back,
 * the follow-up on the wall clock (the rules, path by path, are {@code core.ResourceDeskTest}'s).
 */
class ResourceTopologyTest {

    private static final String PG = "postgres-database";
    private static final String LARGE = "{\"size\":\"large\"}";

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void aFulfilledRequest() {
        t = new TopologyHarness(stateDir, new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1), PriorityGrants.NONE,
                new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(25))));
        t.approve("db-team", PG);
        t.heartbeat("db-team");
        t.publish(CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", PG, 5, Map.of())).setUpdatableParameters(List.of("size"))
                .build());
        t.submitOn("app-team", "app-team.r1", PG, "app-team");
        t.report("app-team.r1", FulfilmentKind.FULFILLED);
        assertThat(t.status("app-team.r1").getState()).isEqualTo(FULFILLED);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private void reportOnRevision(String requestId, FulfilmentKind kind, Map<String, String> outputs) {
        RequestStatus status = t.status(requestId);
        FulfilmentEvent report = FulfilmentEvent.newBuilder(t.fulfilmentEvent(requestId, status.getOfferId(), status.getProducerId(),
                status.getAttempt(), kind, false)).setRevision(status.getRevision()).setOutputs(outputs).build();
        t.reportOn(status.getProducerId(), report);
    }

    private Assignment lastAssignment() {
        List<Assignment> sent = t.assignments("db-team");
        return sent.get(sent.size() - 1);
    }

    @Test
    void anUpdateFromTheTeamsOwnTopicReachesTheProducerAndComesBackFulfilled() {
        t.updateOn("app-team", "app-team.r1", "{}", LARGE);

        assertThat(t.status("app-team.r1").getState()).isEqualTo(UPDATING);
        Assignment update = lastAssignment();
        assertThat(update.getAction()).isEqualTo(AssignmentAction.UPDATE);
        assertThat(update.getRevision()).isEqualTo(1);
        assertThat(update.getParameters()).isEqualTo(LARGE);
        assertThat(update.getPreviousParameters()).isEqualTo("{}");

        reportOnRevision("app-team.r1", FulfilmentKind.FULFILLED, Map.of("host", "large.db.internal"));

        RequestStatus updated = t.status("app-team.r1");
        assertThat(updated.getState()).isEqualTo(FULFILLED);
        assertThat(updated.getParameters()).isEqualTo(LARGE);
        assertThat(updated.getOutputs()).containsEntry("host", "large.db.internal");
        assertThat(t.storedStatus("app-team.r1")).isEqualTo(updated);
    }

    @Test
    void anotherTeamCannotUpdateOrDeprovisionTheRequestAndAnUnknownOneIsRefused() {
        t.updateOn("intruders", "app-team.r1", "{}", LARGE);
        t.cancelOn("intruders", "app-team.r1");
        t.update("nobody", "{}", LARGE);

        assertThat(t.status("app-team.r1").getState()).isEqualTo(FULFILLED);
        assertThat(t.deadLetterReasons()).containsExactly(
                "update of request app-team.r1 on team intruders's topic t.team.intruders.requests: the request belongs to team "
                        + "app-team, a team updates only its own",
                "cancel of request app-team.r1 on team intruders's topic t.team.intruders.requests: the request belongs to team "
                        + "app-team, a team cancels only its own",
                "update for unknown request nobody");
    }

    @Test
    void aCancelOfAFulfilledRequestDeprovisionsItSendingItAgainUntilTheProducerAnswers() {
        t.cancel("app-team.r1");

        assertThat(t.status("app-team.r1").getState()).isEqualTo(DEPROVISIONING);
        assertThat(lastAssignment().getAction()).isEqualTo(AssignmentAction.DEPROVISION);
        t.advance(Duration.ofSeconds(11));
        assertThat(t.assignments("db-team")).extracting(Assignment::getAction).containsExactly(AssignmentAction.FULFIL,
                AssignmentAction.DEPROVISION, AssignmentAction.DEPROVISION);

        reportOnRevision("app-team.r1", FulfilmentKind.FULFILLED, Map.of());

        assertThat(t.status("app-team.r1").getState()).isEqualTo(DEPROVISIONED);
    }

    @Test
    void aResourceExpiresOnTheWallClockAndIsDeprovisioned() {
        t.submitWithTtl("r-ttl", PG, Duration.ofMinutes(1));
        t.report("r-ttl", FulfilmentKind.FULFILLED);
        assertThat(t.status("r-ttl").getExpiresAt()).isNotNull();

        t.advance(Duration.ofSeconds(61));

        assertThat(t.status("r-ttl").getState()).isEqualTo(DEPROVISIONING);
        assertThat(t.status("r-ttl").getHistory()).extracting(h -> h.getDetail() == null ? "" : h.getDetail())
                .anyMatch(detail -> detail.startsWith("expires at ")).anyMatch(detail -> detail.startsWith("expired at "));
        assertThat(lastAssignment().getRequestId()).isEqualTo("r-ttl");
        assertThat(lastAssignment().getAction()).isEqualTo(AssignmentAction.DEPROVISION);
    }

    @Test
    void aSubmitAskingForALifeLongerThanTenYearsIsDeadLetteredNamingTheRule() {
        t.submitWithTtl("r-forever", PG, Duration.ofMillis(Long.MAX_VALUE));

        assertThat(t.deadLetterReasons()).singleElement().asString().isEqualTo("submit of request r-forever: ttlMs must be from 1 to "
                + "315360000000 (3650 days) when given, but was " + Long.MAX_VALUE);
        assertThat(t.statuses).as("nothing kept").doesNotContainKey("r-forever");
    }

    @Test
    void aDeprovisionUnansweredPastItsDeadlineIsAnOrphan() {
        t.cancel("app-team.r1");

        t.advance(Duration.ofSeconds(26));

        RequestStatus orphan = t.status("app-team.r1");
        assertThat(orphan.getState()).isEqualTo(DEPROVISIONING);
        assertThat(orphan.getOrphaned()).isTrue();
        assertThat(orphan.getReason()).isEqualTo("orphaned: not done by db-team within 25000 ms");
    }
}
