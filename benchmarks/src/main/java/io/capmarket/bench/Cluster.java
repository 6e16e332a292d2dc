package io.capmarket.bench;

import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.testkit.kafka.EmbeddedKafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The Kafka cluster and schema registry the benchmarks run on: an in-JVM KRaft broker and the
 * embedded registry by default, or an existing cluster given by address.
 */
final class Cluster implements AutoCloseable {

    private final String bootstrapServers;
    private final String registryUrl;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    private Cluster(String bootstrapServers, String registryUrl, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.broker = broker;
        this.registry = registry;
    }

    /** Starts an in-JVM broker with its data under {@code directory}, and the embedded registry on it. */
    static Cluster embedded(Path directory) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(directory.resolve("kafka")).build().start();
        try {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                    .kafkaBootstrapServers(broker.bootstrapServers()).build().start();
            return new Cluster(broker.bootstrapServers(), registry.url(), broker, registry);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** An existing cluster; closing it closes nothing. */
    static Cluster external(String bootstrapServers, String registryUrl) {
        return new Cluster(bootstrapServers, registryUrl, null, null);
    }

    /** Whether the broker runs in this JVM, where its meters can be read ({@link BrokerCounters}). */
    boolean inThisJvm() {
        return broker != null;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String registryUrl() {
        return registryUrl;
    }

    /** The client settings every benchmark client starts from. */
    Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** Creates the topics that are missing (waiting for their leaders). */
    void ensure(List<TopicSpec> specs) {
        try (Admin admin = Admin.create(clientConfig())) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(specs);
        }
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
