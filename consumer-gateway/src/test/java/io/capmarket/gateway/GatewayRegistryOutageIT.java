package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.net.LocalPorts;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway started while the schema registry is down (a restart or a scale-out with a cold
 * schema cache) cannot read the statuses the topology writes meanwhile: it must read them once
 * the registry is back, not skip them and commit past them.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GatewayRegistryOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaBroker broker;

    GatewayRegistryOutageIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void statusesWrittenWhileTheRegistryIsDownAppearInTheViewOnceItIsBack() throws Exception {
        int port = LocalPorts.free();
        String schemasTopic = "_schemas-outage-" + UUID.randomUUID().toString().substring(0, 8);
        EmbeddedSchemaRegistry registry = registry(port, schemasTopic);
        Map<String, String> settings = Fixtures.settings(broker, registry, "outage");
        Topics topics = Fixtures.topics(settings);
        Topic<String, RequestStatus> statuses = topics.requestStatus();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(List.of(statuses.spec()));
        }
        Instant now = Instant.now();
        try (KafkaProducer<String, RequestStatus> topology = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                statuses.keySerde().serializer(), statuses.valueSerde().serializer())) {
            // the writer learns the schema's id while the registry is up, and keeps it
            RequestStatus before = Statuses.submitted("r-before", "alpha", now);
            topology.send(new ProducerRecord<>(statuses.name(), "r-before", before)).get();
            registry.close();

            try (GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings))) {
                RequestStatus during = Statuses.advance(Statuses.advance(Statuses.submitted("r-during", "alpha", now),
                        RequestState.MATCHED, "matched"), RequestState.FULFILLED, "done");
                topology.send(new ProducerRecord<>(statuses.name(), "r-during", during)).get();
                Api api = new Api(gateway.httpPort());
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> api.get("/v1/requests/r-during", ALPHA_TOKEN).status() != 200);

                EmbeddedSchemaRegistry back = registry(port, schemasTopic);
                try {
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                            .until(() -> api.get("/v1/requests/r-during", ALPHA_TOKEN).status() == 200);
                    assertThat(api.get("/v1/requests/r-during", ALPHA_TOKEN).json().get("state").asText()).isEqualTo("FULFILLED");
                    assertThat(api.get("/v1/requests/r-before", ALPHA_TOKEN).status()).isEqualTo(200);
                    assertThat(api.get("/metrics", null).text())
                            .contains("capmarket_gateway_unreadable_records_total{outcome=\"registry-unavailable\"}");
                } finally {
                    back.close();
                }
            }
        }
    }

    private EmbeddedSchemaRegistry registry(int port, String topic) {
        return EmbeddedSchemaRegistry.builder().port(port).kafkaBootstrapServers(broker.bootstrapServers()).topic(topic)
                .build().start();
    }
}
