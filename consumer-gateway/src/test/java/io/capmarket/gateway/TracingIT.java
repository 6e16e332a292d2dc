package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.Offer;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One request's whole life in one trace: a client's {@code traceparent} on the {@code POST}, the
 * gateway's submit span, the topology's match span, the producer's handler span on the SDK and the
 * topology's span for the fulfilment report, each the child of the one before, with the
 * producer's own span inside its handler. The real gateway, topology and SDK in this JVM, an
 * OpenTelemetry SDK recording every span in memory.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class TracingIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @BeforeAll
    static void recordSpans() {
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build());
    }

    @AfterAll
    static void stopRecording() {
        GlobalOpenTelemetry.resetForTest();
    }

    @Test
    void aRequestsWholeLifeIsOneTraceFromTheClientsSpanToTheFulfilment(KafkaBroker broker, EmbeddedSchemaRegistry registry)
            throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "tracing");
        try (CapturedLogs logs = new CapturedLogs();
             TopologyApp topology = TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings));
             GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
             CapmarketProducer producer = CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers())
                     .schemaRegistryUrl(registry.url()).topicPrefix(settings.get("topics.prefix")).producerId("db-team")
                     .heartbeatInterval(Duration.ofSeconds(1))
                     .handler((assignment, context) -> {
                         GlobalOpenTelemetry.getTracer("db-team").spanBuilder("create database").startSpan().end();
                         context.fulfil(Map.of("host", assignment.requestId() + ".db"));
                     }).build()) {
            producer.publish(Offer.builder().offerId("pg-eu").capability("postgres-database")
                    .parameterSchema(Fixtures.PARAMETER_SCHEMA).attribute("region", "eu-west")
                    .capacity(4).leadTime(Duration.ofMinutes(1)).build());
            Api api = new Api(gateway.httpPort());
            await().atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                    && api.get("/v1/capabilities/postgres-database", ALPHA_TOKEN).status() == 200);

            Api.Response accepted = api.post("/v1/requests", ALPHA_TOKEN,
                    "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 10}}",
                    "Idempotency-Key", "traced-1", "traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
            assertThat(accepted.status()).isEqualTo(202);
            String requestId = accepted.json().get("id").asText();
            Api.Response fulfilled = api.get("/v1/requests/" + requestId + "?waitFor=FULFILLED&timeout=20s", ALPHA_TOKEN);
            assertThat(fulfilled.json().get("state").asText()).isEqualTo("FULFILLED");

            await().atMost(WAIT).until(() -> find("capmarket report fulfilled", requestId).isPresent());
            List<SpanData> trace = SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(CLIENT_TRACE)).toList();
            System.out.printf("TracingIT: the trace of request %s: %s%n", requestId, trace.stream()
                    .map(s -> s.getName() + " (" + s.getKind() + ", " + s.getSpanId() + " <- " + s.getParentSpanId() + ")")
                    .collect(Collectors.joining(", ")));

            SpanData submit = find("capmarket submit", requestId).orElseThrow();
            SpanData match = find("capmarket match", requestId).orElseThrow();
            SpanData handle = find("capmarket handle postgres-database", requestId).orElseThrow();
            SpanData report = find("capmarket report fulfilled", requestId).orElseThrow();
            assertThat(List.of(submit, match, handle, report)).as("every step in the client's trace")
                    .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(CLIENT_TRACE));
            assertThat(submit.getParentSpanId()).as("the gateway's span is the client's child").isEqualTo(CLIENT_SPAN);
            assertThat(submit.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(match.getParentSpanId()).as("matching follows the submit's record").isEqualTo(submit.getSpanId());
            assertThat(handle.getParentSpanId()).as("the handler follows the assignment").isEqualTo(match.getSpanId());
            assertThat(report.getParentSpanId()).as("the fulfilment report follows the handler").isEqualTo(handle.getSpanId());
            assertThat(logs.lines()).as("the submit's access log line names its trace")
                    .anyMatch(line -> line.contains("\"route\":\"/v1/requests\"") && line.contains("\"traceId\":\"" + CLIENT_TRACE + "\""));
            assertThat(trace).as("the producer's own span runs inside its handler's")
                    .anySatisfy(s -> {
                        assertThat(s.getName()).isEqualTo("create database");
                        assertThat(s.getParentSpanId()).isEqualTo(handle.getSpanId());
                    });
        }
    }

    private static Optional<SpanData> find(String name, String requestId) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .filter(s -> requestId.equals(s.getAttributes().asMap().entrySet().stream()
                        .filter(e -> e.getKey().getKey().equals("capmarket.request_id")).map(e -> String.valueOf(e.getValue()))
                        .findFirst().orElse(null)))
                .findFirst();
    }
}
