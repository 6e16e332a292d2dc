package io.capmarket.topology;

import static io.capmarket.schemas.RequestState.CANCELLED;
import static io.capmarket.schemas.RequestState.FULFILLED;
import static io.capmarket.schemas.RequestState.MATCHED;
import static io.capmarket.schemas.RequestState.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.MatchingPolicy;
import io.capmarket.topology.core.OfferRules;
import io.capmarket.topology.internal.TopologyNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust boundary through the real topology: the author of every input is the producer or
 * team its topic names, a record whose fields claim someone else is dead-lettered naming both,
 * and a fulfilment report is applied only to the work its producer holds. Nothing a refused
 * record says changes any state.
 */
class AttributionTopologyTest {

    private static final String PG = "postgres-database";

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    // ---- intake: the topic names the author

    @Test
    void anOfferOnOneProducersTopicNamingAnotherIsRefusedNamingBoth() {
        t.approve("db-team", PG);
        t.approve("rival", PG);
        t.heartbeat("db-team");

        t.publishOn("rival", t.offer("pg", "db-team", PG, 5, Map.of()));

        assertThat(t.catalog).doesNotContainKey(PG);
        assertThat(t.deadLetters).singleElement().satisfies(letter -> {
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.REASON)).isEqualTo("offer pg on producer rival's topic "
                    + "t.producer.rival.offers claims producerId db-team: a producer publishes only its own offers");
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("t.producer.rival.offers");
            assertThat(new String(letter.key())).isEqualTo("pg");
        });
        assertThat(t.events).containsExactly("deadLettered:identity");
    }

    @Test
    void aProducerCannotWithdrawAnotherProducersOfferNotEvenOnceWithdrawnWhenItsProducersOwnRepeatChangesNothing() {
        t.approve("rival", PG);
        t.liveOffer("pg", "db-team", PG, 5, Map.of());

        t.withdraw("rival", "pg");

        assertThat(t.catalog.get(PG).getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId())
                .containsExactly("pg@db-team");
        assertThat(t.deadLetterReasons()).containsExactly("withdrawal of offer pg on producer rival's topic "
                + "t.producer.rival.offers: the offer belongs to producer db-team, only it can withdraw it");

        t.withdraw("db-team", "pg");

        assertThat(t.catalog).containsEntry(PG, null);

        t.withdraw("rival", "pg");
        t.withdraw("db-team", "pg");

        assertThat(t.deadLetterReasons()).hasSize(2).containsOnly(t.deadLetterReasons().get(0));
        assertThat(t.events).containsExactly("deadLettered:identity", "deadLettered:identity");
        assertThat(t.catalog).containsEntry(PG, null);
    }

    @Test
    void aWithdrawnOfferIdStaysItsProducersAnotherProducersOfferUnderItIsRefusedNamingTheOwner() {
        t.approve("rival", PG);
        t.heartbeat("rival");
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.submit("r1", PG);
        t.report("r1", FulfilmentKind.FULFILLED);
        t.withdraw("db-team", "pg"); // kept by the engine for r1's live resource

        t.publish(t.offer("pg", "rival", PG, 50, Map.of()));

        assertThat(t.deadLetters).singleElement().satisfies(letter -> {
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.REASON)).isEqualTo("offer pg belongs to producer db-team: "
                    + "producer rival cannot publish it (an offerId stays its first producer's, withdrawn or not: publish under "
                    + "another offerId)");
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("t.producer.rival.offers");
        });
        assertThat(t.events).containsExactly("deadLettered:refused");

        t.publish(t.offer("pg", "db-team", PG, 7, Map.of()));

        assertThat(t.catalog.get(PG).getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity())
                .containsExactly("pg@db-team/7");
        assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
        t.submit("r2", PG);
        assertThat(t.status("r2").getProducerId()).isEqualTo("db-team");
        assertThat(t.deadLetters).hasSize(1);
    }

    @Test
    void atItsBoundOfOfferIdsAProducersNewOneTakesThePlaceOfItsLongestWithdrawnWhichTheEngineStillKeepsForIt() {
        t.approve("db-team", PG);
        t.approve("rival", PG);
        t.heartbeat("db-team");
        int bound = OfferRules.MAX_OFFER_IDS_PER_PRODUCER;
        for (int i = 0; i < bound - 1; i++) {
            t.publish(t.offer("pg-" + i, "db-team", PG, 5, Map.of()));
            t.withdraw("db-team", "pg-" + i);
        }
        t.publish(t.offer("pg-last", "db-team", PG, 5, Map.of()));
        assertThat(t.deadLetters).isEmpty();
        assertThat(t.events).isEmpty();

        t.publish(t.offer("pg-more", "db-team", PG, 5, Map.of()));
        t.publish(t.offer("pg-most", "db-team", PG, 5, Map.of()));

        assertThat(t.deadLetters).isEmpty();
        assertThat(t.events).containsExactly("offerIdReleased:db-team", "offerIdReleased:db-team");
        KeyValueStore<String, String> index = t.driver.getKeyValueStore(TopologyNames.OFFER_INDEX_STORE);
        assertThat(index.get("pg-0")).as("the longest-withdrawn offerIds left the index").isNull();
        assertThat(index.get("pg-1")).isNull();
        assertThat(index.get("pg-2")).as("withdrawn, with its producer and when").startsWith("/db-team/");
        assertThat(t.catalog.get(PG).getOffers()).extracting(o -> o.getOfferId())
                .containsExactlyInAnyOrder("pg-last", "pg-more", "pg-most");

        t.publish(t.offer("pg-2", "db-team", PG, 5, Map.of()));
        assertThat(t.events).as("a withdrawn offerId it holds is published again in its place").hasSize(2);
        t.publish(t.offer("pg-newest", "db-team", PG, 5, Map.of()));

        assertThat(t.events).hasSize(3);
        assertThat(index.get("pg-2")).as("published again, no longer next in line").isEqualTo(PG + "/db-team");
        assertThat(index.get("pg-3")).isNull();

        t.publish(t.offer("pg-0", "rival", PG, 5, Map.of()));

        assertThat(t.deadLetterReasons()).as("the engine still knows whose the released offerId was").containsExactly(
                "change of offer pg-0 of capability postgres-database by producer rival: the offer belongs to producer db-team, "
                        + "only it can change it");
        assertThat(t.catalog.get(PG).getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId())
                .containsExactlyInAnyOrder("pg-last@db-team", "pg-more@db-team", "pg-most@db-team", "pg-2@db-team", "pg-newest@db-team");

        t.publish(t.offer("pg-0", "db-team", PG, 5, Map.of()));

        assertThat(t.deadLetterReasons()).as("released, the offerId is held at intake by the first producer to publish it next")
                .hasSize(2).last().asString().startsWith("offer pg-0 belongs to producer rival: producer db-team cannot publish it");
    }

    @Test
    void anOfferIdIndexedBeforeProducersWereRecordedIsLeftToTheEngineWhichKeepsItsProducer() {
        t.approve("rival", PG);
        t.heartbeat("rival");
        t.liveOffer("pg-old", "db-team", PG, 5, Map.of());
        t.liveOffer("pg-new", "db-team", PG, 5, Map.of());
        KeyValueStore<String, String> index = t.driver.getKeyValueStore(TopologyNames.OFFER_INDEX_STORE);
        index.put("pg-old", PG); // as written before producers were recorded
        t.withdraw("db-team", "pg-old");
        t.withdraw("db-team", "pg-new");

        t.publish(t.offer("pg-old", "rival", PG, 50, Map.of()));
        t.publish(t.offer("pg-new", "rival", PG, 50, Map.of()));

        assertThat(t.catalog.get(PG)).as("neither offer is rival's").isNull();
        assertThat(t.deadLetterReasons()).containsExactly(
                "change of offer pg-old of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can change it",
                "offer pg-new belongs to producer db-team: producer rival cannot publish it (an offerId stays its first "
                        + "producer's, withdrawn or not: publish under another offerId)");
        assertThat(index.get("pg-old")).as("the unrecorded entry is not given the first producer seen").isEqualTo(PG);

        t.publish(t.offer("pg-old", "db-team", PG, 7, Map.of()));
        assertThat(t.catalog.get(PG).getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity())
                .containsExactly("pg-old@db-team/7");
        assertThat(t.deadLetters).hasSize(2);

        // nor can it move to another capability, whose engine never knew it
        t.approve("rival", PG, "redis-cache");
        t.publish(t.offer("pg-old", "rival", "redis-cache", 50, Map.of()));
        assertThat(t.deadLetterReasons()).hasSize(3).last().isEqualTo("offer pg-old was indexed before producers were recorded: it "
                + "cannot move from capability postgres-database to redis-cache (publish it under another offerId)");
        assertThat(t.catalog).doesNotContainKey("redis-cache");
        assertThat(t.catalog.get(PG).getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId())
                .containsExactly("pg-old@db-team");
        assertThat(index.get("pg-old")).isEqualTo(PG);
    }

    @Test
    void aFulfilmentReportOnOneProducersTopicNamingAnotherIsRefusedAndChangesNothing() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.submit("r1", PG);
        RequestStatus before = t.storedStatus("r1");

        // rival's credentials write to rival's topic a report that claims to be db-team's, for db-team's assignment
        FulfilmentEvent forged = FulfilmentEvent.newBuilder(
                t.fulfilmentEvent("r1", "pg", "db-team", 1, FulfilmentKind.FULFILLED, false))
                .setOutputs(Map.of("host", "evil.attacker.example")).build();
        t.reportOn("rival", forged);

        assertThat(t.storedStatus("r1")).isEqualTo(before);
        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.deadLetterReasons()).containsExactly("fulfilment report for request r1 on producer rival's topic "
                + "t.producer.rival.fulfilment claims producerId db-team: a producer reports only on its own work");
        assertThat(t.events).containsExactly("deadLettered:identity");
    }

    @Test
    void aHeartbeatInAnotherProducersNameCannotTakeItOutOfMatching() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        ProducerHeartbeat live = t.liveness("db-team");

        t.heartbeatOn("rival", new ProducerHeartbeat("db-team", "forged-1", t.clock.instant(), 0, false));

        assertThat(t.liveness("db-team")).isEqualTo(live);
        assertThat(t.deadLetterReasons()).containsExactly("heartbeat of instance forged-1 on producer rival's topic "
                + "t.producer.rival.heartbeats claims producerId db-team: a producer sends only its own heartbeats");
        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
    }

    @Test
    void heartbeatsReachTheLivenessTableKeyedByTheirProducer() {
        t.heartbeatOn("db-team", new ProducerHeartbeat("db-team", "db-2", t.clock.instant(), 3, true));

        assertThat(t.liveness("db-team").getInstanceId()).isEqualTo("db-2");
        assertThat(t.liveness("db-2")).isNull();
        assertThat(t.deadLetters).isEmpty();
    }

    @Test
    void aTeamsBotsSubmitOnlyForTheirTeam() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());

        t.submitOn("payments", "payments.r-forged", PG, "billing");
        t.submitOn("payments", "payments.r-own", PG, "payments");

        assertThat(t.statuses).doesNotContainKey("payments.r-forged");
        assertThat(t.status("payments.r-own").getState()).isEqualTo(MATCHED);
        assertThat(t.status("payments.r-own").getConsumerTeam()).isEqualTo("payments");
        assertThat(t.deadLetterReasons()).containsExactly("submit of request payments.r-forged on team payments's topic "
                + "t.team.payments.requests claims consumerTeam billing: a team's bots submit only for their team");
        assertThat(TopologyHarness.header(t.deadLetters.get(0), DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo("t.team.payments.requests");
    }

    @Test
    void aTeamsTopicIsWrittenByItsBotsWhicheverKindOfRequesterTheirRecordsClaim() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());

        t.submitOn("payments", "payments.r1", PG, "payments"); // its record says alice, a person
        t.submit("r-gateway", PG);
        t.cancelOn("payments", "payments.r1"); // its record says cleanup-bot, a bot

        assertThat(t.status("payments.r1").getRequestedBy()).isEqualTo(new Requester(RequesterKind.BOT, "alice"));
        assertThat(t.status("r-gateway").getRequestedBy()).as("the gateway names whom it authenticated")
                .isEqualTo(new Requester(RequesterKind.HUMAN, "alice"));
        assertThat(t.status("payments.r1").getState()).isEqualTo(CANCELLED);
        assertThat(t.deadLetterReasons()).isEmpty();
    }

    @Test
    void aTeamsBotsSubmitAboveNormalOnlyWithAGrant(@TempDir Path granted) {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.submitOn("payments", "payments.r-critical", PG, "payments", Priority.CRITICAL);
        t.submitOn("payments", "payments.r-normal", PG, "payments", Priority.NORMAL);
        t.submit("r-gateway", PG, Priority.CRITICAL, Map.of());

        assertThat(t.statuses).doesNotContainKey("payments.r-critical");
        assertThat(t.status("payments.r-normal").getState()).isEqualTo(MATCHED);
        assertThat(t.status("r-gateway").getPriority()).as("the gateway checks its callers itself").isEqualTo(Priority.CRITICAL);
        assertThat(t.deadLetterReasons()).containsExactly("submit of request payments.r-critical on team payments's topic "
                + "t.team.payments.requests asks for priority CRITICAL, which is not granted to team payments (priority.grants): "
                + "submit it at NORMAL, or have the platform grant it");

        try (TopologyHarness withGrant = new TopologyHarness(granted, new TopologySettings(MatchingPolicy.ofDefaults(),
                Duration.ofSeconds(30), 3, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10),
                TopologySettings.DEFAULT_MAX_WAIT, PriorityGrants.parse("CRITICAL=payments")))) {
            withGrant.liveOffer("pg", "db-team", PG, 5, Map.of());
            withGrant.submitOn("payments", "payments.r-critical", PG, "payments", Priority.CRITICAL);

            assertThat(withGrant.status("payments.r-critical").getPriority()).isEqualTo(Priority.CRITICAL);
            assertThat(withGrant.deadLetterReasons()).isEmpty();
        }
    }

    @Test
    void aTeamCancelsOnlyItsOwnRequestsTheGatewayAsBefore() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.submitOn("billing", "billing.r-billing", PG, "billing");
        t.submit("r-gateway", PG);
        RequestStatus before = t.storedStatus("billing.r-billing");

        t.cancelOn("payments", "billing.r-billing");

        assertThat(t.storedStatus("billing.r-billing")).isEqualTo(before);
        assertThat(t.deadLetterReasons()).containsExactly("cancel of request billing.r-billing on team payments's topic "
                + "t.team.payments.requests: the request belongs to team billing, a team cancels only its own");

        t.cancelOn("billing", "billing.r-billing");
        t.cancel("r-gateway");

        assertThat(t.status("billing.r-billing").getState()).isEqualTo(CANCELLED);
        assertThat(t.status("r-gateway").getState()).isEqualTo(CANCELLED);
    }

    @Test
    void aRequestIdOnATeamsTopicStartsWithTheTeamSoItCannotBeAnotherTeamsOrTheGateways() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.submit("7f3c9a10-0000-4000-8000-000000000001", PG);
        t.submitOn("billing", "billing.r1", PG, "billing");

        // readable on request-status, resubmitted on the team's own topic: the gateway's id, another team's, a bare one
        t.submitOn("payments", "7f3c9a10-0000-4000-8000-000000000001", PG, "payments");
        t.submitOn("payments", "billing.r1", PG, "payments");
        t.submitOn("payments", "r2", PG, "payments");
        t.submitOn("payments", "payments.r2", PG, "payments");

        assertThat(t.deadLetterReasons()).containsExactly(
                "submit of request 7f3c9a10-0000-4000-8000-000000000001 on team payments's topic t.team.payments.requests: "
                        + "a requestId submitted on a team's topic must start with 'payments.', so that it cannot be another "
                        + "team's or the gateway's",
                "submit of request billing.r1 on team payments's topic t.team.payments.requests: a requestId submitted on "
                        + "a team's topic must start with 'payments.', so that it cannot be another team's or the gateway's",
                "submit of request r2 on team payments's topic t.team.payments.requests: a requestId submitted on "
                        + "a team's topic must start with 'payments.', so that it cannot be another team's or the gateway's");
        assertThat(t.events).containsExactly("deadLettered:identity", "deadLettered:identity", "deadLettered:identity");
        assertThat(t.statuses.get("7f3c9a10-0000-4000-8000-000000000001")).extracting(RequestStatus::getConsumerTeam)
                .containsOnly("app-team");
        assertThat(t.statuses.get("billing.r1")).extracting(RequestStatus::getConsumerTeam).containsOnly("billing");
        assertThat(t.statuses).doesNotContainKey("r2");
        assertThat(t.status("payments.r2").getState()).isEqualTo(MATCHED);
    }

    @Test
    void aRequestRecordedWithoutItsTeamIsCancelledThroughTheGatewayOnly() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.submit("r-old", PG);
        // an index entry as written before teams were recorded: the capability alone
        KeyValueStore<String, String> index = t.driver.getKeyValueStore(TopologyNames.REQUEST_INDEX_STORE);
        index.put("r-old", PG);

        t.cancelOn("app-team", "r-old");
        assertThat(t.status("r-old").getState()).isEqualTo(MATCHED);
        assertThat(t.deadLetterReasons()).singleElement().asString()
                .contains("the request's team is not recorded").contains("cancel it through the gateway");

        t.cancel("r-old");

        assertThat(t.status("r-old").getState()).isEqualTo(CANCELLED);
    }

    // ---- engine: a writer chooses the partition, and intake's offer index is per partition

    @Test
    void anOfferChangeFromAnotherPartitionCannotTakeOverOrWithdrawAnotherProducersOffer() {
        t.approve("rival", PG);
        t.heartbeat("rival");
        t.liveOffer("pg", "db-team", PG, 5, Map.of());

        // what rival's records reach the engine as, from an intake task whose index never saw offer pg
        t.routeToEngine(PG, new OfferChange("pg", t.offer("pg", "rival", PG, 50, Map.of()), "rival"));
        t.routeToEngine(PG, new OfferChange("pg", null, "rival"));

        assertThat(t.catalog.get(PG).getOffers())
                .extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity())
                .containsExactly("pg@db-team/5");
        assertThat(t.deadLetterReasons()).containsExactly(
                "change of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can change it",
                "withdrawal of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can withdraw it");
        assertThat(t.deadLetters).allSatisfy(letter -> assertThat(TopologyHarness.header(letter, DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo("t.producer.rival.offers"));
        assertThat(t.deadLetters.get(1).value()).isNull();
        assertThat(t.events).containsExactly("deadLettered:identity", "deadLettered:identity");
        t.submit("r1", PG);
        assertThat(t.status("r1").getProducerId()).isEqualTo("db-team");

        // a change recorded before producers were carried is taken as before; the holder's own, too
        t.routeToEngine(PG, new OfferChange("pg", t.offer("pg", "db-team", PG, 7, Map.of()), null));
        assertThat(t.catalog.get(PG).getOffers())
                .extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity())
                .containsExactly("pg@db-team/7");
        t.withdraw("db-team", "pg");
        t.submit("r2", PG);
        assertThat(t.status("r2").getState()).isEqualTo(WAITING);
        assertThat(t.deadLetters).hasSize(2);
    }

    @Test
    void anOfferTheEngineForgotStaysItsProducersAgainstAChangeFromAnotherPartition() {
        t.approve("rival", PG);
        t.heartbeat("rival");
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        KeyValueStore<String, OfferState> offers = t.driver.getKeyValueStore(TopologyNames.OFFER_STATE_STORE);
        assertThat(offers.get(PG + "/pg")).isNotNull();
        t.withdraw("db-team", "pg");
        assertThat(offers.get(PG + "/pg")).as("nothing held the offer: the engine forgot it").isNull();

        t.routeToEngine(PG, new OfferChange("pg", t.offer("pg", "rival", PG, 50, Map.of()), "rival"));
        t.routeToEngine(PG, new OfferChange("pg", null, "rival"));

        assertThat(offers.get(PG + "/pg")).isNull();
        assertThat(t.deadLetterReasons()).containsExactly(
                "change of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can change it",
                "withdrawal of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can withdraw it");
        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);

        t.liveOffer("pg", "db-team", PG, 7, Map.of());
        assertThat(t.status("r1").getProducerId()).as("its producer publishes it again").isEqualTo("db-team");
        assertThat(t.deadLetters).hasSize(2);
    }

    // ---- liveness and approval at matching time

    @Test
    void aHeartbeatDatedInTheFutureIsRelayedAsSentNow() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());

        t.heartbeatOn("db-team", new ProducerHeartbeat("db-team", "db-team-1", t.clock.instant().plus(Duration.ofDays(365)),
                0, true));

        assertThat(t.liveness("db-team").getAt()).isEqualTo(t.clock.instant());
        t.advance(t.settings.matching().livenessBound().plusSeconds(1));
        t.submit("r1", PG);
        assertThat(t.status("r1").getState()).isEqualTo(WAITING);
    }

    @Test
    void anOffboardedProducersOffersGetNoMoreWorkWhatItHoldsRunsItsCourse() {
        t.liveOffer("pg-a", "team-a", PG, 5, Map.of());
        t.submit("r1", PG);
        assertThat(t.status("r1").getProducerId()).isEqualTo("team-a");

        t.revoke("team-a");
        t.submit("r2", PG);

        assertThat(t.status("r2").getState()).isEqualTo(WAITING);
        assertThat(t.status("r1").getState()).isEqualTo(MATCHED);
        assertThat(t.assignments("team-a")).extracting(a -> a.getRequestId()).containsExactly("r1");

        t.liveOffer("pg-b", "team-b", PG, 5, Map.of());
        t.submit("r3", PG);
        assertThat(t.status("r2").getProducerId()).isEqualTo("team-b");
        assertThat(t.status("r3").getProducerId()).isEqualTo("team-b");

        // approved again, but for another capability only: still no work here
        t.approve("team-a", "mysql-database");
        t.revoke("team-b");
        t.submit("r4", PG);
        assertThat(t.status("r4").getState()).isEqualTo(WAITING);
        assertThat(t.assignments("team-a")).extracting(a -> a.getRequestId()).containsExactly("r1");
    }

    // ---- engine: a report applies only to the work its producer holds

    @Test
    void aReportForAnotherProducersAssignmentIsMisattributedAndChangesNothing() {
        t.liveOffer("pg-a", "team-a", PG, 5, Map.of());
        t.submit("r1", PG);
        t.liveOffer("pg-b", "team-b", PG, 5, Map.of());
        RequestStatus before = t.storedStatus("r1");
        assertThat(before.getProducerId()).isEqualTo("team-a");

        // team-b, on its own topic and in its own name, reports on team-a's assignment
        t.report("r1", "pg-a", "team-b", 1, FulfilmentKind.FULFILLED, false);
        t.report("r1", "pg-b", "team-b", 1, FulfilmentKind.ACCEPTED, false);

        assertThat(t.storedStatus("r1")).isEqualTo(before);
        assertThat(t.statuses.get("r1")).as("nothing published after the match").extracting(RequestStatus::getState)
                .containsExactly(MATCHED);
        assertThat(t.deadLetterReasons()).containsExactly(
                "misattributed fulfilment report FULFILLED: producer team-b reported on attempt 1 of request r1, "
                        + "which is assigned to producer team-a",
                "misattributed fulfilment report ACCEPTED: producer team-b reported on attempt 1 of request r1, "
                        + "which is assigned to producer team-a");
        assertThat(t.deadLetters).allSatisfy(letter -> assertThat(TopologyHarness.header(letter, DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo("t.producer.team-b.fulfilment"));
        assertThat(t.events).containsExactly("misattributed:producer", "deadLettered:misattributed",
                "misattributed:producer", "deadLettered:misattributed");

        t.report("r1", FulfilmentKind.FULFILLED);
        assertThat(t.status("r1").getState()).isEqualTo(FULFILLED);
        assertThat(t.status("r1").getOutputs()).containsEntry("host", "r1.db.internal");
    }

    @Test
    void aReportForAStaleAttemptIsNotAppliedAndChangesNothing() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.submit("r1", PG);
        t.heartbeat("db-team");
        t.advance(Duration.ofSeconds(29));
        t.heartbeat("db-team");
        t.advance(Duration.ofSeconds(2));
        RequestStatus before = t.storedStatus("r1");
        assertThat(before.getAttempt()).isEqualTo(2);

        // the same producer's late answer to the attempt whose deadline passed
        t.report("r1", "pg", "db-team", 1, FulfilmentKind.FULFILLED, false);

        assertThat(t.storedStatus("r1")).isEqualTo(before);
        assertThat(t.deadLetterReasons()).singleElement().asString()
                .startsWith("stale fulfilment report FULFILLED for attempt 1 of request r1");
        assertThat(t.events).containsExactly("deadLettered:not-applied");
    }

    @Test
    void aLateReportFromTheProducerThatHeldAnEarlierAttemptIsStaleNotMisattributed() {
        t.liveOffer("pg-a", "team-a", PG, 5, Map.of());
        t.liveOffer("pg-b", "team-b", PG, 5, Map.of());
        t.submit("r1", PG);
        RequestStatus first = t.status("r1");
        t.report("r1", FulfilmentKind.REJECTED);
        String other = first.getProducerId().equals("team-a") ? "team-b" : "team-a";
        String otherOffer = other.equals("team-a") ? "pg-a" : "pg-b";
        RequestStatus before = t.storedStatus("r1");

        t.report("r1", first.getOfferId(), first.getProducerId(), 1, FulfilmentKind.ACCEPTED, false);
        t.report("r1", otherOffer, other, 1, FulfilmentKind.ACCEPTED, false);

        assertThat(t.storedStatus("r1")).isEqualTo(before);
        assertThat(t.deadLetterReasons()).satisfiesExactly(
                stale -> assertThat(stale).startsWith("stale fulfilment report ACCEPTED for attempt 1"),
                // the other producer holds attempt 2, but claims attempt 1, which was the first's
                misattributed -> assertThat(misattributed).isEqualTo("misattributed fulfilment report ACCEPTED: producer "
                        + other + " reported on attempt 1 of request r1, which is assigned to producer " + first.getProducerId()));
    }

    @Test
    void aReportNamingAnotherCapabilityIsMisattributedAndChangesNothing() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.approve("db-team", PG, "kafka-topic");
        t.submit("r1", PG);
        RequestStatus before = t.storedStatus("r1");

        FulfilmentEvent otherCapability = FulfilmentEvent.newBuilder(
                t.fulfilmentEvent("r1", "pg", "db-team", 1, FulfilmentKind.FULFILLED, false)).setCapability("kafka-topic").build();
        t.reportOn("db-team", otherCapability);

        assertThat(t.storedStatus("r1")).isEqualTo(before);
        assertThat(t.deadLetterReasons()).containsExactly("misattributed fulfilment report FULFILLED: the report names "
                + "capability kafka-topic but request r1 is for postgres-database");
        assertThat(t.events).containsExactly("misattributed:capability", "deadLettered:misattributed");
    }

    @Test
    void aReportForAnotherProducersFinishedRequestIsMisattributedNotMerelyFinished() {
        t.liveOffer("pg", "db-team", PG, 5, Map.of());
        t.approve("rival", PG);
        t.submit("r1", PG);
        t.report("r1", FulfilmentKind.FULFILLED);
        RequestStatus before = t.storedStatus("r1");

        t.report("r1", "pg", "rival", 1, FulfilmentKind.FAILED, false);
        t.report("r1", FulfilmentKind.FAILED);

        assertThat(t.storedStatus("r1")).isEqualTo(before);
        assertThat(t.deadLetterReasons()).satisfiesExactly(
                rival -> assertThat(rival).startsWith("misattributed fulfilment report FAILED: producer rival"),
                duplicate -> assertThat(duplicate).startsWith("finished fulfilment report FAILED"));
    }
}
