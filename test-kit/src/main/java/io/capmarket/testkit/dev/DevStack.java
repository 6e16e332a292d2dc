package io.capmarket.testkit.dev;

import io.capmarket.testkit.kafka.EmbeddedKafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The local marketplace infrastructure in one JVM: an in-JVM KRaft broker and the embedded
 * schema registry (stored in the broker's {@code _schemas} topic), with data kept in a directory
 * so a restart keeps every topic and schema id.
 */
public final class DevStack implements AutoCloseable {

    private final DevStackOptions options;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    private DevStack(DevStackOptions options, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.options = options;
        this.broker = broker;
        this.registry = registry;
    }

    /** Starts the broker, then the registry; wipes the data directory first when asked to. */
    public static DevStack start(DevStackOptions options) {
        if (options.reset()) {
            deleteRecursively(options.dataDirectory());
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .dataDirectory(options.dataDirectory().resolve("kafka").toAbsolutePath())
                .port(options.kafkaPort())
                .build()
                .start();
        try {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                    .port(options.registryPort())
                    .kafkaBootstrapServers(broker.bootstrapServers())
                    .build()
                    .start();
            return new DevStack(options, broker, registry);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The broker's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The schema registry's base URL. */
    public String registryUrl() {
        return registry.url();
    }

    /** Where the data is kept. */
    public Path dataDirectory() {
        return options.dataDirectory().toAbsolutePath();
    }

    /** Stops the registry, then the broker; the data stays. */
    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            broker.close();
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + directory, e);
        }
    }
}
