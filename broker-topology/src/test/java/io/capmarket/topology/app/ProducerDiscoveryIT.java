package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.onboarding.ProducerOnboarding;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A producer and a bot team onboarded while the topology runs, which started with neither a
 * producer nor a team, are picked up without a restart:
 * their topics are found on the main consumer's next metadata refresh ({@code topics.discovery-interval}),
 * and the producer's offer reaches the catalog and a request from the team is matched and
 * fulfilled within a bounded time.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class ProducerDiscoveryIT {

    private static final Duration DISCOVERY = Duration.ofSeconds(2);
    /** The discovery interval, plus a rebalance of the topology's group and the processing itself. */
    private static final Duration BOUND = DISCOVERY.plusSeconds(20);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    ProducerDiscoveryIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aProducerAndATeamOnboardedWhileRunningAreServedWithinTheDiscoveryInterval() throws Exception {
        // no producer at all at the start: only the platform's topics and the gateway's requests exist
        try (LiveTopology m = new LiveTopology(broker, registry, "discovery", Map.of(
                "topics.discovery-interval", DISCOVERY.toMillis() + "ms"))) {
            Topics topics = m.topics();
            assertThat(m.app().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(topicNames()).as("nothing of the newcomers exists while the topology starts")
                    .noneMatch(name -> name.startsWith(topics.prefix() + "producer.") || name.startsWith(topics.prefix() + "team."));

            long onboardedAt = System.nanoTime();
            try (ProducerOnboarding onboarding = ProducerOnboarding.create(topics,
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), Duration.ofSeconds(30))) {
                onboarding.approve("late-team", List.of("late-cap"), "it-admin");
            }
            m.provision(List.<Topic<?, ?>>of(topics.teamRequests("latecomers")));
            m.send(topics.heartbeats("late-team"), "late-1", LiveTopology.heartbeat("late-team"));
            m.send(topics.offers("late-team"), "late-offer", LiveTopology.offer("late-offer", "late-team", "late-cap", 2));

            CapabilityView view = await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> m.latest(topics.catalog(), "late-cap"),
                            v -> v != null && v.getOffers().stream().anyMatch(o -> o.getOfferId().equals("late-offer")));
            Duration inCatalog = since(onboardedAt);
            assertThat(view.getOffers()).singleElement().satisfies(o -> assertThat(o.getProducerId()).isEqualTo("late-team"));

            m.send(topics.teamRequests("latecomers"), "latecomers.r-late", new io.capmarket.schemas.RequestCommand(
                    LiveTopology.submitRequest("latecomers.r-late", "late-cap").setConsumerTeam("latecomers").build()));
            RequestStatus matched = await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> m.latest(topics.requestStatus(), "latecomers.r-late"),
                            s -> s != null && s.getState() == RequestState.MATCHED);
            Duration toMatched = since(onboardedAt);
            assertThat(matched.getProducerId()).isEqualTo("late-team");
            assertThat(matched.getConsumerTeam()).isEqualTo("latecomers");
            Assignment assignment = m.latest(topics.assignments("late-team"), "latecomers.r-late");
            assertThat(assignment.getOfferId()).isEqualTo("late-offer");

            m.send(topics.fulfilment("late-team"), "latecomers.r-late", LiveTopology.report(matched, FulfilmentKind.ACCEPTED));
            m.send(topics.fulfilment("late-team"), "latecomers.r-late", LiveTopology.report(matched, FulfilmentKind.FULFILLED));
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> m.latest(topics.requestStatus(), "latecomers.r-late"), s -> s.getState() == RequestState.FULFILLED);
            Duration toFulfilled = since(onboardedAt);

            System.out.printf("ProducerDiscoveryIT: discovery interval %d ms; after onboarding, the offer was in the catalog "
                    + "after %d ms, the team's request MATCHED after %d ms and FULFILLED after %d ms%n", DISCOVERY.toMillis(),
                    inCatalog.toMillis(), toMatched.toMillis(), toFulfilled.toMillis());
            assertThat(m.deadLetters()).isEmpty();
            assertThat(m.app().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private Set<String> topicNames() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            return admin.listTopics().names().get();
        }
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
