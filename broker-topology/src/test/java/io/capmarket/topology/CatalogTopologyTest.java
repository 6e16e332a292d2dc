package io.capmarket.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producer approval, catalog materialization and the scorecard through the real topology. */
class CatalogTopologyTest {

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

    @Test
    void anOfferFromAnUnapprovedProducerIsDeadLetteredWithTheReason() {
        t.heartbeat("rogue");
        t.publish(t.offer("rogue-pg", "rogue", PG, 5, Map.of()));

        assertThat(t.catalog).doesNotContainKey(PG);
        assertThat(t.deadLetters).singleElement().satisfies(letter -> {
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.REASON))
                    .isEqualTo("producer rogue is not approved: an administrator must approve it first");
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("t.producer.rogue.offers");
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
            assertThat(new String(letter.key())).isEqualTo("rogue-pg");
            assertThat(letter.value()).isNotEmpty();
        });
    }

    @Test
    void anOfferForACapabilityTheProducerIsNotApprovedForIsRefused() {
        t.approve("db-team", "kafka-topic");
        t.publish(t.offer("pg", "db-team", PG, 5, Map.of()));

        assertThat(TopologyHarness.header(t.deadLetters.get(0), DeadLetterHeaders.REASON))
                .contains("not approved for capability postgres-database");
    }

    @Test
    void anOfferIdBelongsToItsProducerForGoodAnotherApprovedProducerCannotTakeItOverEvenOnceWithdrawn() {
        t.approve("db-team", PG);
        t.approve("other-team", PG);
        t.liveOffer("pg", "db-team", PG, 5, Map.of());

        t.publish(t.offer("pg", "other-team", PG, 50, Map.of()));

        assertThat(t.catalog.get(PG).getOffers()).singleElement().satisfies(o -> {
            assertThat(o.getProducerId()).isEqualTo("db-team");
            assertThat(o.getCapacity()).isEqualTo(5);
        });
        String refused = "offer pg belongs to producer db-team: producer other-team cannot publish it "
                + "(an offerId stays its first producer's, withdrawn or not: publish under another offerId)";
        assertThat(t.deadLetterReasons()).containsExactly(refused);

        t.withdraw("db-team", "pg");
        t.publish(t.offer("pg", "other-team", PG, 50, Map.of()));

        assertThat(t.catalog).containsEntry(PG, null);
        assertThat(t.deadLetterReasons()).containsExactly(refused, refused);

        t.publish(t.offer("pg", "db-team", PG, 6, Map.of()));

        assertThat(t.catalog.get(PG).getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity())
                .containsExactly("pg@db-team/6");
        assertThat(t.deadLetters).hasSize(2);
    }

    @Test
    void offersFoldIntoTheCapabilitysCatalogEntry() {
        t.liveOffer("pg-eu", "team-eu", PG, 5, Map.of("region", "eu-west"));
        t.liveOffer("pg-us", "team-us", PG, 3, Map.of("region", "us-east"));

        CapabilityView view = t.catalog.get(PG);
        assertThat(view.getName()).isEqualTo(PG);
        assertThat(view.getVersions()).singleElement().satisfies(v -> {
            assertThat(v.getVersion()).isEqualTo(1);
            assertThat(v.getParameterSchema()).isEqualTo("{\"type\":\"object\"}");
            assertThat(v.getDeprecated()).isFalse();
        });
        assertThat(view.getOffers()).extracting(OfferView::getOfferId).containsExactly("pg-eu", "pg-us");
        assertThat(view.getOffers()).allSatisfy(o -> assertThat(o.getProducerLive()).isTrue());
        assertThat(view.getOffers().get(0).getAttributes()).containsEntry("region", "eu-west");
    }

    @Test
    void inFlightAndObservedLeadTimesReachTheCatalog() {
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
        t.submit("r1", PG);
        t.advance(Duration.ofSeconds(1));
        assertThat(t.catalog.get(PG).getOffers().get(0).getInFlight()).isEqualTo(1);

        t.advance(Duration.ofSeconds(9));
        t.report("r1", FulfilmentKind.FULFILLED);
        t.advance(Duration.ofSeconds(1));

        OfferView offer = t.catalog.get(PG).getOffers().get(0);
        assertThat(offer.getInFlight()).isZero();
        assertThat(offer.getObserved().getSamples()).isEqualTo(1);
        assertThat(offer.getObserved().getP95Ms()).isBetween(9_900L, 10_100L);
    }

    @Test
    void deprecatingEveryOfferOfAVersionMarksItWithItsSunset() {
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
        Instant sunset = Instant.parse("2027-06-30T00:00:00Z");
        CapabilityOffer deprecated = CapabilityOffer.newBuilder(t.offer("pg-eu", "db-team", PG, 5, Map.of()))
                .setStatus(OfferStatus.DEPRECATED).setSunsetAt(sunset).build();

        t.publish(deprecated);

        assertThat(t.catalog.get(PG).getVersions().get(0).getDeprecated()).isTrue();
        assertThat(t.catalog.get(PG).getVersions().get(0).getSunsetAt()).isEqualTo(sunset);
    }

    @Test
    void withdrawingTheLastOfferRemovesTheEntry() {
        t.liveOffer("pg-eu", "db-team", PG, 5, Map.of());
        assertThat(t.catalog.get(PG)).isNotNull();

        t.withdraw("db-team", "pg-eu");

        assertThat(t.catalog).containsEntry(PG, null);
    }

    @Test
    void theScorecardIsPublishedPerCapabilityAndProducer() {
        t.liveOffer("pg-eu", "db-team", PG, 4, Map.of());
        t.submit("r1", PG);
        t.submit("r2", PG);
        t.advance(Duration.ofSeconds(2));
        t.report("r1", FulfilmentKind.ACCEPTED);
        t.advance(Duration.ofSeconds(3));
        t.report("r1", FulfilmentKind.FULFILLED);
        t.report("r2", FulfilmentKind.FAILED);

        t.advance(Duration.ofSeconds(10));

        CapabilityScore score = t.scorecards.get(t.scorecards.size() - 1);
        assertThat(score.getCapability()).isEqualTo(PG);
        assertThat(score.getAllTime().getScalability().getSubmitted()).isEqualTo(2);
        assertThat(score.getAllTime().getSafety().getFulfilled()).isEqualTo(1);
        assertThat(score.getAllTime().getSafety().getFailed()).isEqualTo(1);
        assertThat(score.getAllTime().getSafety().getFailureRate()).isEqualTo(0.5);
        assertThat(score.getWindow().getSpeed().getMatchedToAccepted().getP50Ms()).isBetween(1_980L, 2_020L);
        assertThat(score.getWindow().getSpeed().getSubmittedToFulfilled().getSamples()).isEqualTo(1);
        assertThat(score.getWindow().getEfficiency().getCapacity()).isEqualTo(4);
        assertThat(score.getProducers()).singleElement().satisfies(p -> {
            assertThat(p.getProducerId()).isEqualTo("db-team");
            assertThat(p.getAllTime().getSafety().getFulfilled()).isEqualTo(1);
            assertThat(p.getProbation()).isNull();
        });
        assertThat(score.getDemand().getVersions()).singleElement().satisfies(v -> assertThat(v.getRequests()).isEqualTo(2));
        assertThat(score.getDemand().getOffers()).singleElement().satisfies(o -> assertThat(o.getMatched()).isEqualTo(2));
        assertThat(score.getDemand().getTeams()).singleElement().satisfies(team -> {
            assertThat(team.getRequests()).isEqualTo(2);
            assertThat(team.getFirstFulfilledAt()).isNotNull();
        });
    }
}
