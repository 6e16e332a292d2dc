package io.capmarket.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capability version's contract through the real topology: the first approved producer whose
 * offer for it is taken owns it, only the owner's offers change it, and another producer's offer
 * with other schemas is refused naming the difference; the admins may hand it to another producer.
 */
class ContractTopologyTest {

    private static final String PG = "postgres-database";
    private static final String SIZES = "{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\",\"enum\":[\"s\",\"m\"]}}}";
    /** The same schema as {@link #SIZES}, written by another hand: other member order, other spacing. */
    private static final String SIZES_AGAIN = "{ \"properties\": { \"size\": { \"enum\": [\"s\", \"m\"], \"type\": \"string\" } },"
            + " \"type\": \"object\" }";
    private static final String MORE_SIZES = SIZES.replace("[\"s\",\"m\"]", "[\"s\",\"m\",\"l\"]");

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir);
        t.approve("db-team", PG);
        t.approve("rival", PG);
        t.heartbeat("db-team");
        t.heartbeat("rival");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private CapabilityOffer offer(String offerId, String producerId, int version, String parameterSchema, String description) {
        return CapabilityOffer.newBuilder(t.offer(offerId, producerId, PG, 5, Map.of()))
                .setCapabilityVersion(version).setParameterSchema(parameterSchema).setDescription(description).build();
    }

    @Test
    void anOfferWhoseSchemaConflictsWithTheContractIsRefusedNamingTheDifference() {
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));

        t.publish(offer("pg-rival", "rival", 1, MORE_SIZES, "Postgres, bigger"));

        assertThat(t.catalog.get(PG).getOffers()).extracting(OfferView::getOfferId).containsExactly("pg-db");
        assertThat(t.catalog.get(PG).getVersions()).singleElement()
                .extracting(CapabilityVersionView::getParameterSchema).isEqualTo(SIZES);
        assertThat(t.deadLetters).singleElement().satisfies(letter -> {
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.REASON)).isEqualTo("offer pg-rival of rival: "
                    + "parameterSchema differs from the contract of postgres-database v1 held by db-team at /properties/size/enum");
            assertThat(TopologyHarness.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("t.producer.rival.offers");
            assertThat(new String(letter.key())).isEqualTo("pg-rival");
            assertThat(letter.value()).isNotEmpty();
        });
        assertThat(t.events).containsExactly("deadLettered:contract");
    }

    @Test
    void anotherProducerMayOfferTheSameContractWrittenDifferentlyAndTheOwnersTermsAreShown() {
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));

        t.publish(offer("pg-rival", "rival", 1, SIZES_AGAIN, "Postgres, the rival's words"));

        assertThat(t.deadLetters).isEmpty();
        assertThat(t.catalog.get(PG).getOffers()).extracting(OfferView::getOfferId).containsExactly("pg-db", "pg-rival");
        assertThat(t.catalog.get(PG).getDescription()).isEqualTo("Postgres by the database team");
        assertThat(t.catalog.get(PG).getVersions().get(0).getParameterSchema()).isEqualTo(SIZES);
    }

    @Test
    void onlyTheOwnerChangesTheContractAndAnotherProducerCannotTakeItOverByPublishingLast() {
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));
        t.publish(offer("pg-rival", "rival", 1, SIZES, "Postgres, the rival's words"));

        t.publish(offer("pg-db", "db-team", 1, MORE_SIZES, "Postgres in three sizes"));

        assertThat(t.catalog.get(PG).getVersions().get(0).getParameterSchema()).isEqualTo(MORE_SIZES);
        assertThat(t.catalog.get(PG).getDescription()).isEqualTo("Postgres in three sizes");
        // the rival's next publication must keep to the changed contract
        t.publish(offer("pg-rival", "rival", 1, SIZES, "Postgres, the rival's words"));
        assertThat(t.deadLetterReasons()).singleElement().asString()
                .isEqualTo("offer pg-rival of rival: parameterSchema differs from the contract of postgres-database v1 held by "
                        + "db-team at /properties/size/enum");
    }

    @Test
    void theAdminsHandTheContractToAnotherProducerWhoseNextOfferSetsItAndTheFormerOwnerKeepsToIt() {
        t.approve("db-platform", PG);
        t.heartbeat("db-platform");
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));
        t.publish(offer("pg-platform", "db-platform", 1, MORE_SIZES, "Postgres by the platform"));
        assertThat(t.deadLetterReasons()).as("before the handover, db-platform is another producer").singleElement().asString()
                .contains("offer pg-platform of db-platform: parameterSchema differs from the contract of postgres-database v1 held by "
                        + "db-team at /properties/size/enum");

        assertThat(t.catalog.get(PG).getVersions().get(0).getContractOwner()).isEqualTo("db-team");
        t.handOverContract(PG, 1, "db-platform");
        t.advance(Duration.ofMinutes(1));
        assertThat(t.catalog.get(PG).getVersions().get(0).getContractOwner()).as("published again, naming the new owner")
                .isEqualTo("db-platform");
        // version 2 has a contract, but no listed offer: its entry does not show it
        t.publish(offer("pg-db-2", "db-team", 2, SIZES, "Postgres 2 by the database team"));
        t.withdraw("db-team", "pg-db-2");
        t.advance(Duration.ofMinutes(1));
        int published = t.catalogRecords.get(PG);
        t.handOverContract(PG, 2, "db-platform");
        t.advance(Duration.ofMinutes(1));
        assertThat(t.catalogRecords.get(PG)).as("once per handover, and never for a version the entry does not list")
                .isEqualTo(published);
        assertThat(t.catalog.get(PG).getVersions().get(0).getParameterSchema()).as("unchanged until the new owner publishes")
                .isEqualTo(SIZES);
        t.publish(offer("pg-platform", "db-platform", 1, MORE_SIZES, "Postgres by the platform"));

        assertThat(t.catalog.get(PG).getOffers()).extracting(OfferView::getOfferId).containsExactly("pg-db", "pg-platform");
        assertThat(t.catalog.get(PG).getVersions().get(0).getParameterSchema()).isEqualTo(MORE_SIZES);
        assertThat(t.catalog.get(PG).getDescription()).isEqualTo("Postgres by the platform");
        // the former owner's next publication must keep to the new terms, the handover taken back or not
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));
        t.handOverContract(PG, 1, null);
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));
        assertThat(t.deadLetterReasons()).hasSize(3).last().asString()
                .isEqualTo("offer pg-db of db-team: parameterSchema differs from the contract of postgres-database v1 held by "
                        + "db-platform at /properties/size/enum");
        assertThat(t.deadLetterReasons().get(1)).isEqualTo(t.deadLetterReasons().get(2));
        assertThat(t.catalog.get(PG).getVersions().get(0).getParameterSchema()).isEqualTo(MORE_SIZES);
    }

    @Test
    void aHandoverTakenBackBeforeTheNamedProducerPublishedLeavesTheContractItsOwners() {
        t.approve("db-platform", PG);
        t.heartbeat("db-platform");
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));
        t.handOverContract(PG, 1, "db-platform");
        t.advance(Duration.ofMinutes(1));
        t.handOverContract(PG, 1, null);
        t.advance(Duration.ofMinutes(1));
        assertThat(t.catalog.get(PG).getVersions().get(0).getContractOwner()).as("published again, naming the owner again")
                .isEqualTo("db-team");

        t.publish(offer("pg-platform", "db-platform", 1, MORE_SIZES, "Postgres by the platform"));
        t.publish(offer("pg-db", "db-team", 1, MORE_SIZES, "Postgres in three sizes"));

        assertThat(t.deadLetterReasons()).singleElement().asString().contains("of db-platform").contains("held by db-team");
        assertThat(t.catalog.get(PG).getVersions().get(0).getParameterSchema()).isEqualTo(MORE_SIZES);
        assertThat(t.catalog.get(PG).getDescription()).isEqualTo("Postgres in three sizes");
    }

    @Test
    void theContractOutlivesItsOwnersOffers() {
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));
        t.withdraw("db-team", "pg-db");

        t.publish(offer("pg-rival", "rival", 1, MORE_SIZES, "Postgres, bigger"));

        assertThat(t.catalog).containsEntry(PG, null);
        assertThat(t.deadLetterReasons()).singleElement().asString().contains("held by db-team");
    }

    @Test
    void eachMajorVersionHasItsOwnContract() {
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres v1"));

        t.publish(offer("pg-rival-2", "rival", 2, MORE_SIZES, "Postgres v2, by the rival"));

        assertThat(t.deadLetters).isEmpty();
        assertThat(t.catalog.get(PG).getVersions()).extracting(CapabilityVersionView::getVersion,
                CapabilityVersionView::getParameterSchema).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, SIZES), org.assertj.core.groups.Tuple.tuple(2, MORE_SIZES));
        assertThat(t.catalog.get(PG).getDescription()).isEqualTo("Postgres v2, by the rival");
    }

    @Test
    void anOfferWhoseSchemaIsNotJsonIsRefusedEvenFromTheOwner() {
        t.publish(offer("pg-db", "db-team", 1, "{\"type\": ", "Postgres"));

        assertThat(t.catalog).doesNotContainKey(PG);
        assertThat(t.deadLetterReasons()).singleElement().asString()
                .startsWith("offer pg-db of db-team: parameterSchema must be a JSON Schema as JSON text, but is not JSON");
    }

    @Test
    void aRefusedUpdateLeavesTheOfferAsItWas() {
        t.publish(offer("pg-db", "db-team", 1, SIZES, "Postgres by the database team"));
        t.publish(offer("pg-rival", "rival", 1, SIZES, "Postgres, the rival's words"));

        t.publish(CapabilityOffer.newBuilder(offer("pg-rival", "rival", 1, MORE_SIZES, "Postgres, bigger")).setCapacity(50).build());

        assertThat(t.catalog.get(PG).getOffers()).filteredOn(o -> o.getOfferId().equals("pg-rival"))
                .singleElement().extracting(OfferView::getCapacity).isEqualTo(5);
        assertThat(t.events).containsExactly("deadLettered:contract");
    }
}
