package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import io.capmarket.topology.app.TopologyConfig;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway with the real topology and a simulated producer team: a request travels from POST to FULFILLED. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class GatewayEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    GatewayEndToEndIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aSubmittedRequestIsMatchedFulfilledAndScored() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "e2e");
        Topics topics = Fixtures.topics(settings);
        try (TopologyApp topology = TopologyApp.start(topologyConfig(settings));
             GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
             SimulatedProducer producer = new SimulatedProducer(broker.bootstrapServers(), topics, "db-team")) {
            Instant now = Instant.now();
            Fixtures.send(broker, topics.heartbeats("db-team"), "sim-1", new ProducerHeartbeat("db-team", "sim-1", now, 0, true));
            Fixtures.send(broker, topics.offers("db-team"), "pg-eu", CapabilityOffer.newBuilder().setOfferId("pg-eu").setProducerId("db-team")
                    .setCapability("postgres-database").setCapabilityVersion(1).setDescription("Managed PostgreSQL")
                    .setParameterSchema(Fixtures.PARAMETER_SCHEMA).setOutputSchema("{\"type\":\"object\"}")
                    .setAttributes(Map.of("region", "eu-west")).setLeadTimeSloMs(60_000).setCapacity(3)
                    .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build());
            Api api = new Api(gateway.httpPort());
            await().atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                    && api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).status() == 200);
            JsonNode capability = api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).json();
            assertThat(capability.get("offers").get(0).get("offerId").asText()).isEqualTo("pg-eu");

            Api.Response accepted = api.post("/v1/requests", ALPHA_TOKEN,
                    "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10},"
                            + " \"constraints\": {\"region\": [\"eu-west\"]}}", "Idempotency-Key", "e2e-1");
            assertThat(accepted.status()).isEqualTo(202);
            String location = accepted.header("Location").orElseThrow();
            HttpResponse<Stream<String>> events = api.events(location + "/events", ALPHA_TOKEN).get(30, TimeUnit.SECONDS);

            Api.Response done = api.get(location + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);

            JsonNode request = done.json();
            assertThat(request.get("state").asText()).isEqualTo("FULFILLED");
            assertThat(request.get("offerId").asText()).isEqualTo("pg-eu");
            assertThat(request.get("producerId").asText()).isEqualTo("db-team");
            assertThat(request.get("attempt").asInt()).isEqualTo(1);
            assertThat(request.get("outputs").get("host").asText()).isEqualTo(request.get("id").asText() + ".db");
            List<String> states = new ArrayList<>();
            request.get("history").forEach(t -> states.add(t.get("state").asText()));
            assertThat(states).startsWith("SUBMITTED", "MATCHED", "ACCEPTED").endsWith("FULFILLED");

            // the snapshot's history, then each transition's state, then the end
            List<String> streamed = new ArrayList<>();
            List<String> names = new ArrayList<>();
            Iterator<String> lines = events.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("event:")) {
                    names.add(line.substring(6).trim());
                } else if (line.startsWith("data:")) {
                    JsonNode data = Api.JSON.readTree(line.substring(5));
                    switch (names.get(names.size() - 1)) {
                        case "snapshot" -> data.get("history").forEach(t -> streamed.add(t.get("state").asText()));
                        case "transition" -> streamed.add(data.get("state").asText());
                        default -> streamed.add(names.get(names.size() - 1));
                    }
                }
            }
            assertThat(names).as("a snapshot first, an end last").startsWith("snapshot").endsWith("end");
            assertThat(streamed).as("the event stream, in order, then its end").containsExactlyElementsOf(
                    concat(states, "end"));

            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode score = api.get("/v1/scorecard?capability=postgres-database", ALPHA_TOKEN).json().get("items");
                assertThat(score).hasSize(1);
                assertThat(score.get(0).get("capability").asText()).isEqualTo("postgres-database");
                assertThat(score.get(0).get("producers").get(0).get("producerId").asText()).isEqualTo("db-team");
            });
        }
    }

    private static List<String> concat(List<String> states, String last) {
        List<String> all = new ArrayList<>(states);
        all.add(last);
        return all;
    }

    static TopologyConfig topologyConfig(Map<String, String> gateway) {
        return topologyConfig(gateway, "db-team=postgres-database");
    }

    /** The topology beside a test's gateway, with these producers onboarded ({@code producers.approved}). */
    static TopologyConfig topologyConfig(Map<String, String> gateway, String approvedProducers) {
        return topologyConfig(gateway, approvedProducers, Map.of());
    }

    /** As {@link #topologyConfig(Map, String)}, with these settings added or replaced. */
    static TopologyConfig topologyConfig(Map<String, String> gateway, String approvedProducers, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", gateway.get("bootstrap.servers"));
        settings.put("schema.registry.url", gateway.get("schema.registry.url"));
        settings.put("application.id", gateway.get("application.id") + "-topology");
        settings.put("topics.prefix", gateway.get("topics.prefix"));
        settings.put("topics.partitions", gateway.get("topics.partitions"));
        settings.put("state.dir", gateway.get("state.dir") + "-topology");
        settings.put("http.port", "0");
        settings.put("producers.approved", approvedProducers);
        settings.put("scorecard.interval", "1s");
        settings.put("shutdown.timeout", "20s");
        settings.put("streams.commit.interval.ms", "100");
        settings.putAll(extra);
        return TopologyConfig.of(settings);
    }
}
