package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicMismatchException;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The application around a passthrough topology, against a real broker and registry. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class TopologyAppIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TopologyFactory PASSTHROUGH = (topics, settings, clock, events) -> {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topics.requests().name(), Consumed.with(topics.requests().keySerde(), topics.requests().valueSerde())
                        .withName("read-requests"))
                .foreach((id, command) -> events.ignored("passthrough"), Named.as("count-requests"));
        return builder.build();
    };

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();
    private TopologyConfig config;

    TopologyAppIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeEach
    void config() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "topology-app-it-" + id);
        settings.put("topics.prefix", "app-" + id + ".");
        settings.put("topics.partitions", "2");
        settings.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), "streams-" + id).toString());
        settings.put("http.port", "0");
        settings.put("producers.approved", "db-team=postgres-database;ci-team=*");
        settings.put("shutdown.timeout", "60s");
        config = TopologyConfig.of(settings);
    }

    @Test
    void startsProvisionsApprovesAndServesHealthAndMetrics() throws Exception {
        long startedAt = System.nanoTime();
        try (TopologyApp app = TopologyApp.start(config, PASSTHROUGH)) {
            await().atMost(WAIT).until(() -> get(app, "/health/ready").statusCode() == 200);
            long readyMillis = (System.nanoTime() - startedAt) / 1_000_000;

            assertThat(get(app, "/health/ready").body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
            assertThat(get(app, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(app, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("kafka_stream_thread_")
                    .contains("kafka_consumer_")
                    .contains("jvm_memory_used_bytes");
            assertThat(get(app, "/nope").statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(uri(app, "/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
            try (Admin admin = Admin.create(config.clientConfig())) {
                Set<String> names = admin.listTopics().names().get();
                assertThat(names).as("the platform's topics and the gateway's requests")
                        .containsAll(app.topics().shared().stream().map(Topic::name).toList());
                assertThat(names).as("each approved producer's own four topics").containsAll(Stream.of("db-team", "ci-team")
                        .flatMap(p -> app.topics().producerTopics(p).stream()).map(Topic::name).toList());
            }
            assertThat(app.ready()).isTrue();
            System.out.printf("TopologyAppIT: /health/ready answered 200 after %d ms%n", readyMillis);
            long closing = System.nanoTime();
            app.close();
            System.out.printf("TopologyAppIT: a graceful close took %d ms%n", (System.nanoTime() - closing) / 1_000_000);
            assertThat(app.state()).as(() -> "after close; its threads:" + threadsOf(config.applicationId()))
                    .isEqualTo(KafkaStreams.State.NOT_RUNNING);
            assertThat(app.live()).isTrue();
        }
    }

    @Test
    void notReadyAnswers503NamingTheState() throws Exception {
        try (TopologyApp app = TopologyApp.start(config, PASSTHROUGH)) {
            HttpResponse<String> first = get(app, "/health/ready");
            if (first.statusCode() == 503) {
                assertThat(first.body()).matches("\\{\"status\":\"DOWN\",\"state\":\"(CREATED|REBALANCING)\"}");
            }
            await().atMost(WAIT).until(() -> get(app, "/health/ready").statusCode() == 200);
        }
    }

    @Test
    void mismatchedTopicsStopTheStartWithNothingLeftRunning() throws Exception {
        String requests = config.topics().requests().name();
        try (Admin admin = Admin.create(config.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(requests, Optional.of(1), Optional.empty()))).all().get();
        }

        assertThatThrownBy(() -> TopologyApp.start(config, PASSTHROUGH))
                .isInstanceOf(TopicMismatchException.class)
                .hasMessageContaining("topic " + requests + ": partitions is 1, expected 2");
    }

    private HttpResponse<String> get(TopologyApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(app, path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(TopologyApp app, String path) {
        return URI.create("http://127.0.0.1:" + app.httpPort() + path);
    }

    /** The stacks of the threads whose name carries {@code applicationId}, for a close that did not finish. */
    private static String threadsOf(String applicationId) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().contains(applicationId)) {
                out.append("\n").append(thread.getName()).append(" ").append(thread.getState());
                for (StackTraceElement frame : stack) {
                    out.append("\n    at ").append(frame);
                }
            }
        });
        return out.toString();
    }
}
