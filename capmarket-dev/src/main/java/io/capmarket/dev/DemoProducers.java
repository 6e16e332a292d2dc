package io.capmarket.dev;

import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.Offer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Three demo producer teams built on the producer SDK, so that a request submitted to the dev run
 * really goes SUBMITTED → MATCHED → ACCEPTED → IN_PROGRESS → FULFILLED within seconds: two
 * database teams competing for {@code postgres-database} in different regions with different
 * lead times, and a streaming team offering {@code kafka-topic}. Their work is simulated: they
 * report progress, then fulfil with outputs that reference secrets, as real producers must.
 */
final class DemoProducers implements AutoCloseable {

    /** The producers the dev run approves, with the capabilities each may offer. */
    static final String APPROVALS = "dba-eu=postgres-database;dba-us=postgres-database;streaming-team=kafka-topic";

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

    DemoProducers(String bootstrapServers, String registryUrl) {
        try {
            start(bootstrapServers, registryUrl, "dba-eu", Offer.builder().offerId("pg16-eu-west").capability("postgres-database")
                    .capabilityVersion(1).description("PostgreSQL 16 with daily backups")
                    .parameterSchema(POSTGRES_PARAMETERS).outputSchema(POSTGRES_OUTPUTS)
                    .attributes(Map.of("region", "eu-west", "tier", "gold")).capacity(10)
                    .leadTime(Duration.ofSeconds(10)).build(), Duration.ofMillis(1_500));
            start(bootstrapServers, registryUrl, "dba-us", Offer.builder().offerId("pg16-us-east").capability("postgres-database")
                    .capabilityVersion(1).description("PostgreSQL 16, single zone")
                    .parameterSchema(POSTGRES_PARAMETERS).outputSchema(POSTGRES_OUTPUTS)
                    .attributes(Map.of("region", "us-east", "tier", "silver")).capacity(5)
                    .leadTime(Duration.ofSeconds(20)).build(), Duration.ofSeconds(3));
            start(bootstrapServers, registryUrl, "streaming-team", Offer.builder().offerId("kafka-topic-standard")
                    .capability("kafka-topic").capabilityVersion(1).description("A Kafka topic with ACLs for your team")
                    .parameterSchema(TOPIC_PARAMETERS).attributes(Map.of("region", "eu-west")).capacity(20)
                    .leadTime(Duration.ofSeconds(5)).build(), Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void start(String bootstrapServers, String registryUrl, String producerId, Offer offer, Duration workTime) {
        CapmarketProducer producer = CapmarketProducer.builder()
                .bootstrapServers(bootstrapServers)
                .schemaRegistryUrl(registryUrl)
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
