package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.onboarding.ProducerOnboarding;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A producer writing another producer's offerId to its own offers topic, on another partition
 * than the offer's owner wrote it to, reaches an intake task that never saw the offer: the
 * capability's engine refuses the change and the tombstone, and the owner's offer stands, also
 * once the engine has forgotten it. On the owner's partition, the intake keeps a withdrawn offerId
 * its owner's, across restarts.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class OfferTakeoverIT {

    private static final String PG = "postgres-database";

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    OfferTakeoverIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void anotherProducersOfferCannotBeTakenOverOrWithdrawnFromAnotherPartition() {
        try (LiveTopology m = new LiveTopology(broker, registry, "takeover", Map.of("topics.partitions", "2"))) {
            Topics topics = m.topics();
            dbTeamsOfferOnPartitionZero(m);

            rivalsChangeAndWithdrawalOnPartitionOneAreRefused(m);
            CapabilityView view = m.latest(topics.catalog(), PG);
            assertThat(view.getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity())
                    .containsExactly("pg@db-team/5");

            m.send(topics.requests(), "r1", LiveTopology.submit("r1", PG));
            RequestStatus matched = m.awaitState("r1", RequestState.MATCHED);
            assertThat(matched.getProducerId()).isEqualTo("db-team");
            assertThat(m.deadLetters()).hasSize(2);
        }
    }

    /**
     * Once the engine has forgotten a withdrawn offer (it held no work), another producer's offer
     * and tombstone under its offerId, on another partition than the owner's, are still refused by
     * the engine naming the owner, and the owner publishes it again.
     */
    @Test
    void aForgottenOfferCannotBeTakenOverFromAnotherPartition() {
        try (LiveTopology m = new LiveTopology(broker, registry, "forgotten", Map.of("topics.partitions", "2"))) {
            Topics topics = m.topics();
            dbTeamsOfferOnPartitionZero(m);
            m.sendTo(topics.offers("db-team"), 0, "pg", null);
            await().atMost(LiveTopology.WAIT).until(() -> m.latest(topics.catalog(), PG) == null);

            rivalsChangeAndWithdrawalOnPartitionOneAreRefused(m);

            m.sendTo(topics.offers("db-team"), 0, "pg", LiveTopology.offer("pg", "db-team", PG, 7));
            await().atMost(LiveTopology.WAIT).until(() -> m.latest(topics.catalog(), PG) != null);
            assertThat(m.latest(topics.catalog(), PG).getOffers())
                    .extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity()).containsExactly("pg@db-team/7");
            assertThat(m.deadLetters()).hasSize(2);
        }
    }

    /** Both producers approved and live; db-team's offer pg, written to partition 0, in the catalog. */
    private void dbTeamsOfferOnPartitionZero(LiveTopology m) {
        Topics topics = m.topics();
        approveBoth(topics);
        m.sendTo(topics.heartbeats("db-team"), 0, "db-team-1", LiveTopology.heartbeat("db-team"));
        m.sendTo(topics.heartbeats("rival"), 1, "rival-1", LiveTopology.heartbeat("rival"));
        m.sendTo(topics.offers("db-team"), 0, "pg", LiveTopology.offer("pg", "db-team", PG, 5));
        m.awaitCatalogOffer(PG, "pg");
    }

    /** Rival's offer and tombstone under pg, written to partition 1, are dead-lettered by the engine naming db-team. */
    private static void rivalsChangeAndWithdrawalOnPartitionOneAreRefused(LiveTopology m) {
        Topics topics = m.topics();
        String rivalsOffers = topics.offers("rival").name();
        m.sendTo(topics.offers("rival"), 1, "pg", LiveTopology.offer("pg", "rival", PG, 50));
        m.sendTo(topics.offers("rival"), 1, "pg", null);

        List<ConsumerRecord<byte[], byte[]>> letters = await().atMost(LiveTopology.WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> m.deadLettersFrom(rivalsOffers), found -> found.size() >= 2);
        assertThat(letters).extracting(r -> LiveTopology.header(r, DeadLetterHeaders.REASON)).containsExactly(
                "change of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can change it",
                "withdrawal of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can withdraw it");
    }

    private void approveBoth(Topics topics) {
        try (ProducerOnboarding onboarding = ProducerOnboarding.create(topics,
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), Duration.ofSeconds(30))) {
            onboarding.approve("db-team", List.of(PG), "it-admin");
            onboarding.approve("rival", List.of(PG), "it-admin");
        }
    }

    /**
     * The owner withdraws its offer, and the topology restarts twice: on its state directory (the
     * offer index reopened) and on a new one (restored from its changelog). Each time another
     * producer's offer under the offerId is dead-lettered by the intake naming the owner, and the
     * owner's own offer under it is then taken.
     */
    @Test
    void aWithdrawnOfferIdStaysItsProducersAcrossRestarts() {
        String id = "withdrawn-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics;
        try (LiveTopology first = restartable(id, "first")) {
            topics = first.topics();
            first.send(topics.heartbeats("db-team"), "db-team-1", LiveTopology.heartbeat("db-team"));
            first.send(topics.offers("db-team"), "pg", LiveTopology.offer("pg", "db-team", PG, 5));
            first.awaitCatalogOffer(PG, "pg");
            first.send(topics.offers("db-team"), "pg", null);
            await().atMost(LiveTopology.WAIT).until(() -> first.latest(topics.catalog(), PG) == null);
        }
        String rivalsOffers = topics.offers("rival").name();
        String refused = "offer pg belongs to producer db-team: producer rival cannot publish it "
                + "(an offerId stays its first producer's, withdrawn or not: publish under another offerId)";
        int capacity = 6;
        for (String stateDir : List.of("first", "second")) {
            try (LiveTopology restarted = restartable(id, stateDir)) {
                int letters = restarted.deadLettersFrom(rivalsOffers).size();
                restarted.send(topics.offers("rival"), "pg", LiveTopology.offer("pg", "rival", PG, 50));
                List<ConsumerRecord<byte[], byte[]>> found = await().atMost(LiveTopology.WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> restarted.deadLettersFrom(rivalsOffers), all -> all.size() > letters);
                assertThat(LiveTopology.header(found.get(letters), DeadLetterHeaders.REASON)).as("after restarting on %s", stateDir)
                        .isEqualTo(refused);

                restarted.send(topics.offers("db-team"), "pg", LiveTopology.offer("pg", "db-team", PG, capacity));
                int expected = capacity;
                await().atMost(LiveTopology.WAIT).until(() -> {
                    CapabilityView view = restarted.latest(topics.catalog(), PG);
                    return view != null && view.getOffers().stream().anyMatch(o -> o.getCapacity() == expected);
                });
                assertThat(restarted.latest(topics.catalog(), PG).getOffers())
                        .extracting(o -> o.getOfferId() + "@" + o.getProducerId()).containsExactly("pg@db-team");
                restarted.send(topics.offers("db-team"), "pg", null);
                await().atMost(LiveTopology.WAIT).until(() -> restarted.latest(topics.catalog(), PG) == null);
            }
            capacity++;
        }
    }

    /** The topology under application id {@code id}, on its state directory {@code stateDir}: the same one again after a restart. */
    private LiveTopology restartable(String id, String stateDir) {
        return new LiveTopology(broker, registry, id, Map.of(
                "application.id", id,
                "topics.prefix", id + ".",
                "state.dir", Path.of(System.getProperty("java.io.tmpdir"), id, stateDir).toString(),
                "producers.approved", "db-team=" + PG + "; rival=" + PG));
    }
}
