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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A producer writing another producer's offerId to its own offers topic, on another partition
 * than the offer's owner wrote it to, reaches an intake task that never saw the offer: the
 * capability's engine refuses the change and the tombstone, and the owner's offer stands.
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
            try (ProducerOnboarding onboarding = ProducerOnboarding.create(topics,
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), Duration.ofSeconds(30))) {
                onboarding.approve("db-team", List.of(PG), "it-admin");
                onboarding.approve("rival", List.of(PG), "it-admin");
            }
            m.sendTo(topics.heartbeats("db-team"), 0, "db-team-1", LiveTopology.heartbeat("db-team"));
            m.sendTo(topics.heartbeats("rival"), 1, "rival-1", LiveTopology.heartbeat("rival"));
            m.sendTo(topics.offers("db-team"), 0, "pg", LiveTopology.offer("pg", "db-team", PG, 5));
            m.awaitCatalogOffer(PG, "pg");

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
            CapabilityView view = m.latest(topics.catalog(), PG);
            assertThat(view.getOffers()).extracting(o -> o.getOfferId() + "@" + o.getProducerId() + "/" + o.getCapacity())
                    .containsExactly("pg@db-team/5");

            m.send(topics.requests(), "r1", LiveTopology.submit("r1", PG));
            RequestStatus matched = m.awaitState("r1", RequestState.MATCHED);
            assertThat(matched.getProducerId()).isEqualTo("db-team");
            assertThat(m.deadLetters()).hasSize(2);
        }
    }
}
