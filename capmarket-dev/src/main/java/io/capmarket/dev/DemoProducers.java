package io.capmarket.dev;

import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.Offer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Three demo producer teams built on the producer SDK, so that a request submitted to the dev run
 * really goes SUBMITTED → MATCHED → ACCEPTED → IN_PROGRESS → FULFILLED within seconds: two
 * database teams competing for {@code postgres-database} in different regions with different
 * lead times, and a streaming team offering {@code kafka-topic}. Their work is simulated: they
 * report progress, then fulfil with outputs that reference secrets, as real producers must.
 *
 * <p>Each uses only its own topics ({@code capmarket.producer.<producerId>.}), so each must be
 * onboarded ({@link #PRODUCERS}) before it starts; each may connect with its own client settings,
 * as onboarding writes them for its principal.
 */
final class DemoProducers implements AutoCloseable {

    /** The producers the dev run onboards, with the capabilities each may offer, in start order. */
    static final Map<String, List<String>> PRODUCERS = producers();

    /** {@link #PRODUCERS} as the topology's {@code producers.approved} setting. */
    static final String APPROVALS = PRODUCERS.entrySet().stream()
            .map(e -> e.getKey() + "=" + String.join(",", e.getValue())).collect(Collectors.joining(";"));

    private static final String POSTGRES_PARAMETERS = """
            {"type":"object","properties":{
              "size":{"type":"string","enum":["small","medium","large"],"description":"instance size"},
              "replicas":{"type":"integer","minimum":0,"maximum":3,"description":"read replicas"}},
             "required":["size"],"additionalProperties":false}""";
    private static final String POSTGRES_OUTPUTS = """
            {"type":"object","properties":{"host":{"type":"string"},"port":{"type":"integer"},"passwordRef":{"type":"string"}}}""";
    private static final String TOPIC_PARAMETERS = """
            {"type":"object","properties":{
              "name":{"type":"string","pattern":"^[a-z][a-z0-9.-]{2,60}$","description":"topic name"},
              "partitions":{"type":"integer","minimum":1,"maximum":48,"description":"partitions"}},
             "required":["name"],"additionalProperties":false}""";

    private final ScheduledExecutorService work = Executors.newScheduledThreadPool(2, r -> {
        Thread thread = new Thread(r, "demo-producer-work");
        thread.setDaemon(true);
        return thread;
    });
    private final List<CapmarketProducer> producers = new ArrayList<>();

    /** The demo producers on a cluster without authentication. */
    DemoProducers(String bootstrapServers, String registryUrl) {
        this(producerId -> Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                SchemaRegistryConfig.SCHEMA_REGISTRY_URL, registryUrl));
    }

    /**
     * The demo producers, each connecting with its own client settings, by producerId: what a
     * properties file of onboarding holds ({@code bootstrap.servers}, {@code security.protocol},
     * {@code sasl.*} of that producer's principal, {@code schema.registry.url}, {@code basic.auth.*},
     * {@code auto.register.schemas}).
     */
    DemoProducers(Function<String, Map<String, ?>> clientSettings) {
        try {
            start(clientSettings, "dba-eu", Offer.builder().offerId("pg16-eu-west").capability("postgres-database")
                    .capabilityVersion(1).description("PostgreSQL 16 with daily backups")
                    .parameterSchema(POSTGRES_PARAMETERS).outputSchema(POSTGRES_OUTPUTS)
                    .attributes(Map.of("region", "eu-west", "tier", "gold")).capacity(10)
                    .leadTime(Duration.ofSeconds(10)).build(), Duration.ofMillis(1_500));
            start(clientSettings, "dba-us", Offer.builder().offerId("pg16-us-east").capability("postgres-database")
                    .capabilityVersion(1).description("PostgreSQL 16, single zone")
                    .parameterSchema(POSTGRES_PARAMETERS).outputSchema(POSTGRES_OUTPUTS)
                    .attributes(Map.of("region", "us-east", "tier", "silver")).capacity(5)
                    .leadTime(Duration.ofSeconds(20)).build(), Duration.ofSeconds(3));
            start(clientSettings, "streaming-team", Offer.builder().offerId("kafka-topic-standard")
                    .capability("kafka-topic").capabilityVersion(1).description("A Kafka topic with ACLs for your team")
                    .parameterSchema(TOPIC_PARAMETERS).attributes(Map.of("region", "eu-west")).capacity(20)
                    .leadTime(Duration.ofSeconds(5)).build(), Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Map<String, List<String>> producers() {
        Map<String, List<String>> producers = new LinkedHashMap<>();
        producers.put("dba-eu", List.of("postgres-database"));
        producers.put("dba-us", List.of("postgres-database"));
        producers.put("streaming-team", List.of("kafka-topic"));
        return Collections.unmodifiableMap(producers);
    }

    private void start(Function<String, Map<String, ?>> clientSettings, String producerId, Offer offer, Duration workTime) {
        CapmarketProducer producer = CapmarketProducer.builder()
                .properties(clientSettings.apply(producerId))
                .producerId(producerId)
                .offers(List.of(offer))
                .healthCheck(HealthCheck.ALWAYS_HEALTHY)
                .asyncHandler(simulated(offer, workTime))
                .build();
        producers.add(producer);
        producer.publish(offer);
    }

    /** Accepted on arrival (the SDK's auto-accept), progress after a moment, fulfilled after {@code workTime}. */
    private AsyncAssignmentHandler simulated(Offer offer, Duration workTime) {
        return (assignment, context) -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            work.schedule(() -> context.progress("provisioning " + offer.capability() + " in "
                    + offer.attributes().getOrDefault("region", "the region")), workTime.toMillis() / 3, TimeUnit.MILLISECONDS);
            work.schedule(() -> {
                context.fulfil(outputs(offer, context.requestId()));
                done.complete(null);
            }, workTime.toMillis(), TimeUnit.MILLISECONDS);
            return done;
        };
    }

    private static Map<String, String> outputs(Offer offer, String requestId) {
        String region = offer.attributes().getOrDefault("region", "local");
        String id = requestId.substring(0, Math.min(8, requestId.length()));
        if (offer.capability().equals("kafka-topic")) {
            return Map.of("topic", "demo." + id, "bootstrapServers", "kafka." + region + ".demo.internal:9092",
                    "credentialsRef", "vault:kv/demo/kafka/" + requestId);
        }
        return Map.of("host", id + ".pg." + region + ".demo.internal", "port", "5432",
                "passwordRef", "vault:kv/demo/postgres/" + requestId);
    }

    @Override
    public void close() {
        for (CapmarketProducer producer : producers) {
            producer.close(Duration.ofSeconds(5));
        }
        work.shutdownNow();
    }
}
