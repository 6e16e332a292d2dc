package io.capmarket.dev;

import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.sdk.Approval;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.Offer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Three demo producer teams built on the producer SDK, so that a request submitted to the dev run
 * really goes SUBMITTED → MATCHED → ACCEPTED → IN_PROGRESS → FULFILLED within seconds: two
 * database teams competing for {@code postgres-database} in different regions with different
 * lead times, and a streaming team offering {@code kafka-topic}. Their work is simulated: they
 * report progress, then fulfil with outputs that reference secrets, as real producers must. Their
 * resources can be updated in place ({@code size} of a database, {@code partitions} of a topic)
 * and deprovisioned; each team keeps its live resources by requestId, so that an operation
 * delivered again does no harm. Both database teams ask for an admin's approval of a large
 * database ({@link #LARGE_DATABASES}): such a request waits in PENDING_APPROVAL until the admin
 * token approves it.
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
    /** The database teams' approval policy: a large database waits for an admin ({@code demo-admin} in the dev run). */
    static final Approval LARGE_DATABASES = Approval.when("size", "large").approvers("role:admin");

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
                    .parameterSchema(POSTGRES_PARAMETERS).updatableParameters(List.of("size")).outputSchema(POSTGRES_OUTPUTS)
                    .attributes(Map.of("region", "eu-west", "tier", "gold")).capacity(10)
                    .leadTime(Duration.ofSeconds(10)).approval(LARGE_DATABASES).build(), Duration.ofMillis(1_500));
            start(clientSettings, "dba-us", Offer.builder().offerId("pg16-us-east").capability("postgres-database")
                    .capabilityVersion(1).description("PostgreSQL 16, single zone")
                    .parameterSchema(POSTGRES_PARAMETERS).updatableParameters(List.of("size")).outputSchema(POSTGRES_OUTPUTS)
                    .attributes(Map.of("region", "us-east", "tier", "silver")).capacity(5)
                    .leadTime(Duration.ofSeconds(20)).approval(LARGE_DATABASES).build(), Duration.ofSeconds(3));
            start(clientSettings, "streaming-team", Offer.builder().offerId("kafka-topic-standard")
                    .capability("kafka-topic").capabilityVersion(1).description("A Kafka topic with ACLs for your team")
                    .parameterSchema(TOPIC_PARAMETERS).updatableParameters(List.of("partitions"))
                    .attributes(Map.of("region", "eu-west")).capacity(20)
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
                // a restarted dev run's producer takes its assignments back at once, as the same static member
                .kafkaProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "dev-" + producerId)
                .producerId(producerId)
                .offers(List.of(offer))
                .healthCheck(HealthCheck.ALWAYS_HEALTHY)
                .asyncHandler(new Simulated(offer, workTime))
                .build();
        producers.add(producer);
        producer.publish(offer);
    }

    /**
     * One demo team's simulated work. A provisioning is accepted on arrival (the SDK's auto-accept),
     * reports progress after a moment and is fulfilled after {@code workTime}; an update or a
     * deprovision reports progress and is done after half of it. The live resources are kept by
     * requestId with the revision last applied to each: an operation delivered again after it was
     * applied is reported done again at once, and a deprovision of a resource already gone is done.
     * They are kept in memory only: an update of a resource fulfilled before the dev run restarted
     * is applied as to any other.
     */
    private final class Simulated implements AsyncAssignmentHandler {

        private final Offer offer;
        private final Duration workTime;
        private final Map<String, Integer> live = new ConcurrentHashMap<>();

        Simulated(Offer offer, Duration workTime) {
            this.offer = offer;
            this.workTime = workTime;
        }

        @Override
        public CompletionStage<?> onAssignment(Assignment assignment, FulfilmentContext context) {
            String region = offer.attributes().getOrDefault("region", "the region");
            return later(context, "provisioning " + offer.capability() + " in " + region, workTime, () -> {
                live.putIfAbsent(context.requestId(), 0);
                context.fulfil(outputs(offer, context.requestId()));
            });
        }

        @Override
        public CompletionStage<?> onUpdate(Assignment assignment, FulfilmentContext context) {
            if (applied(context)) {
                context.fulfil(Map.of()); // applied before this delivery: done, the outputs stay as they are
                return CompletableFuture.completedFuture(null);
            }
            // one not known here was fulfilled before the dev run restarted (the simulation keeps nothing): the marketplace
            // sends an update only for a resource it holds as this producer's, so it lives
            return later(context, "changing " + String.join(", ", assignment.changedParameters()) + " to "
                    + assignment.parameters(), workTime.dividedBy(2), () -> {
                        live.put(context.requestId(), context.revision());
                        context.fulfil(Map.of());
                    });
        }

        @Override
        public CompletionStage<?> onDeprovision(Assignment assignment, FulfilmentContext context) {
            if (!live.containsKey(context.requestId())) {
                context.fulfil(Map.of()); // already gone
                return CompletableFuture.completedFuture(null);
            }
            return later(context, "deleting " + offer.capability() + " of request " + context.requestId(), workTime.dividedBy(2),
                    () -> {
                        live.remove(context.requestId());
                        context.fulfil(Map.of());
                    });
        }

        private boolean applied(FulfilmentContext context) {
            Integer revision = live.get(context.requestId());
            return revision != null && revision >= context.revision();
        }

        /** Progress after a third of {@code time}, then {@code finish} once it has passed. */
        private CompletionStage<?> later(FulfilmentContext context, String progress, Duration time, Runnable finish) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            work.schedule(() -> context.progress(progress), time.toMillis() / 3, TimeUnit.MILLISECONDS);
            work.schedule(() -> {
                try {
                    finish.run();
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }, time.toMillis(), TimeUnit.MILLISECONDS);
            return done;
        }
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
