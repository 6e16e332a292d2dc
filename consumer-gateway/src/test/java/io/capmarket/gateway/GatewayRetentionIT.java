package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Finished requests past {@code day2.retain-finished} through the gateway, the real topology and
 * broker: the deprovisioned one is deleted, its status tombstoned on {@code request-status} and
 * gone from the gateway's reads; the live one stays; its Idempotency-Key then makes a new request.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class GatewayRetentionIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    GatewayRetentionIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aDeprovisionedRequestIsDeletedOnceKeptPastItsRetentionAndALiveOneStays() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "retention");
        Topics topics = Fixtures.topics(settings);
        try (TopologyApp topologyApp = TopologyApp.start(GatewayDayTwoIT.topologyConfig(settings,
                     Map.of("day2.retain-finished", "10s", "deadlines.check-interval", "200ms")));
             GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
             SimulatedProducer producer = new SimulatedProducer(broker.bootstrapServers(), topics, "db-team")) {
            Api api = GatewayDayTwoIT.offered(broker, topics, topologyApp, gateway);
            String finished = GatewayDayTwoIT.fulfilled(api, "retention-a");
            String live = GatewayDayTwoIT.fulfilled(api, "retention-b");
            String finishedId = api.get(finished, ALPHA_TOKEN).json().get("id").asText();
            assertThat(api.delete(finished, ALPHA_TOKEN).status()).isEqualTo(202);
            assertThat(api.until(finished, ALPHA_TOKEN, WAIT, r -> r.get("state").asText().equals("DEPROVISIONED"))).isNotNull();

            // kept 10 s (long enough to be read DEPROVISIONED above), then swept within a sweep's interval (10 s)
            await().atMost(WAIT).until(() -> api.get(finished, ALPHA_TOKEN).status() == 404);
            assertThat(api.get("/v1/requests", ALPHA_TOKEN).json().get("items"))
                    .extracting(item -> item.get("id").asText()).doesNotContain(finishedId).hasSize(1);
            assertThat(api.get(live, ALPHA_TOKEN).json().get("state").asText()).as("a live resource is kept").isEqualTo("FULFILLED");
            List<RequestStatus> written = statuses(settings, topics, finishedId);
            assertThat(written).as("its statuses, then a tombstone").hasSizeGreaterThan(1);
            assertThat(written.get(written.size() - 2).getState().name()).isEqualTo("DEPROVISIONED");

            // the key's request is gone, so the key makes a new one, under the same id
            String again = GatewayDayTwoIT.fulfilled(api, "retention-a");
            JsonNode renewed = api.get(again, ALPHA_TOKEN).json();
            assertThat(renewed.get("id").asText()).isEqualTo(finishedId);
            assertThat(Api.states(renewed)).doesNotContain("DEPROVISIONED").startsWith("SUBMITTED");
        }
    }

    /**
     * Every status of the request on {@code request-status}, in order (null for a tombstone), read
     * until a tombstone: fails when none comes within {@link #WAIT}.
     */
    private List<RequestStatus> statuses(Map<String, String> settings, Topics topics, String requestId) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, settings.get("application.id") + "-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<RequestStatus> found = new ArrayList<>();
        try (KafkaConsumer<String, RequestStatus> consumer = new KafkaConsumer<>(config, topics.requestStatus().keySerde().deserializer(),
                topics.requestStatus().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.requestStatus().name()));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, RequestStatus> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(requestId)) {
                        found.add(record.value());
                    }
                }
                return !found.isEmpty() && found.get(found.size() - 1) == null;
            });
        }
        return found;
    }
}
