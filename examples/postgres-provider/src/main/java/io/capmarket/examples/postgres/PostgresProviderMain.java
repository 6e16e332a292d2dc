package io.capmarket.examples.postgres;

import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.sync.OfferFiles;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The db team's service: declares its offers from the YAML files (published separately by
 * {@code capmarket sync} from CI), fulfils assignments, and closes cleanly on SIGTERM so that
 * running work drains or is handed to another instance.
 *
 * <pre>
 * CAPMARKET_BOOTSTRAP_SERVERS=127.0.0.1:9092 CAPMARKET_SCHEMA_REGISTRY_URL=http://127.0.0.1:8081 \
 *   java -cp … io.capmarket.examples.postgres.PostgresProviderMain examples/postgres-provider/offers
 * </pre>
 */
public final class PostgresProviderMain {

    private PostgresProviderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path offers = Path.of(args.length > 0 ? args[0] : "offers");
        CapmarketProducer producer = CapmarketProducer.builder()
                .bootstrapServers(System.getenv().getOrDefault("CAPMARKET_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
                .schemaRegistryUrl(System.getenv().getOrDefault("CAPMARKET_SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081"))
                .producerId("db-team")
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

    /** A stand-in for real infrastructure, so the example runs anywhere. */
    static final class InMemoryProvisioner implements DatabaseProvisioner {

        private final ConcurrentHashMap<String, Database> databases = new ConcurrentHashMap<>();

        @Override
        public Database ensure(String requestId, String size, int replicas) {
            return databases.computeIfAbsent(requestId, id -> new Database(id + ".pg.internal", 5432, "vault:kv/postgres/" + id));
        }

        @Override
        public void remove(String requestId) {
            databases.remove(requestId);
        }
    }
}
