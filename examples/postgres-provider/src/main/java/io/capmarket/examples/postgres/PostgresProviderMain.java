package io.capmarket.examples.postgres;

import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.CapmarketProducerBuilder;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.sync.OfferFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The db team's service: declares its offers from the YAML files (published separately by
 * {@code capmarket sync} from CI), fulfils assignments, and closes cleanly on SIGTERM so that
 * running work drains or is handed to another instance.
 *
 * <p>The producer must be onboarded first ({@code ./capmarket producer onboard --producer-id db-team
 * --capabilities postgres-database}), which creates its topics under {@code capmarket.producer.db-team.}
 * and, on a secured cluster, writes its client settings: {@code CAPMARKET_CLIENT_PROPERTIES} names
 * that file ({@code bootstrap.servers}, SASL, {@code schema.registry.url}, registry credentials,
 * {@code auto.register.schemas=false} where the platform registers the schemas). The other
 * variables win over it.
 *
 * <pre>
 * CAPMARKET_BOOTSTRAP_SERVERS=127.0.0.1:9092 CAPMARKET_SCHEMA_REGISTRY_URL=http://127.0.0.1:8081 \
 *   java -cp … io.capmarket.examples.postgres.PostgresProviderMain examples/postgres-provider/offers
 * CAPMARKET_CLIENT_PROPERTIES=.capmarket/credentials/db-team.properties \
 *   java -cp … io.capmarket.examples.postgres.PostgresProviderMain examples/postgres-provider/offers
 * </pre>
 */
public final class PostgresProviderMain {

    private PostgresProviderMain() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        Path offers = Path.of(args.length > 0 ? args[0] : "offers");
        CapmarketProducer producer = connection(System.getenv())
                .offers(OfferFiles.read(offers)) // capacities bound the work run at once
                .healthCheck(HealthCheck.ALWAYS_HEALTHY)
                .handler(new PostgresHandler(new InMemoryProvisioner()))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            producer.close(); // stops heartbeats, drains running work up to the shutdown timeout
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /** Where and as whom to connect: the client properties file, if any, then the variables over it. */
    static CapmarketProducerBuilder connection(Map<String, String> env) throws IOException {
        CapmarketProducerBuilder builder = CapmarketProducer.builder()
                .producerId(env.getOrDefault("CAPMARKET_PRODUCER_ID", "db-team"));
        String file = env.get("CAPMARKET_CLIENT_PROPERTIES");
        Properties settings = new Properties();
        if (file != null && !file.isBlank()) {
            try (Reader in = Files.newBufferedReader(Path.of(file))) {
                settings.load(in);
            }
            builder.properties(settings);
        }
        builder.bootstrapServers(env.getOrDefault("CAPMARKET_BOOTSTRAP_SERVERS",
                settings.getProperty("bootstrap.servers", "127.0.0.1:9092")));
        builder.schemaRegistryUrl(env.getOrDefault("CAPMARKET_SCHEMA_REGISTRY_URL",
                settings.getProperty("schema.registry.url", "http://127.0.0.1:8081")));
        if (env.containsKey("CAPMARKET_TOPICS_PREFIX")) {
            builder.topicPrefix(env.get("CAPMARKET_TOPICS_PREFIX"));
        }
        return builder;
    }

    /** A stand-in for real infrastructure, so the example runs anywhere. */
    static final class InMemoryProvisioner implements DatabaseProvisioner {

        private final ConcurrentHashMap<String, Database> databases = new ConcurrentHashMap<>();

        @Override
        public Database ensure(String requestId, String size, int replicas) {
            return databases.computeIfAbsent(requestId, id -> new Database(id + ".pg.internal", 5432, "vault:kv/postgres/" + id));
        }

        @Override
        public void resize(String requestId, String size) {
            // a database in memory has no size to change
        }

        @Override
        public void remove(String requestId) {
            databases.remove(requestId);
        }
    }
}
