package io.capmarket.testkit.dev;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the local runs ({@code capmarket infra}, {@code capmarket dev}): where the data
 * is kept and which ports the broker and the registry take. A picocli mixin.
 */
public final class StackOptions {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where every component keeps its data (default: ${DEFAULT-VALUE})")
    Path dataDirectory = DevStackOptions.DEFAULT_DATA_DIRECTORY;

    @Option(names = "--reset", description = "wipe the data directory first")
    boolean reset;

    @Option(names = "--secure", description = "SASL/SCRAM-SHA-512 and ACLs on the broker, basic auth on the registry")
    boolean secure;

    @Option(names = "--kafka-port", paramLabel = "N", description = "the broker's port (default: ${DEFAULT-VALUE}; 0: any free port)")
    int kafkaPort = DevStackOptions.DEFAULT_KAFKA_PORT;

    @Option(names = "--registry-port", paramLabel = "N", description = "the schema registry's port (default: ${DEFAULT-VALUE}; 0: any free port)")
    int registryPort = DevStackOptions.DEFAULT_REGISTRY_PORT;

    /** The data directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Whether to wipe the data directory first. */
    public boolean reset() {
        return reset;
    }

    /** Whether the broker and the registry authenticate and authorize. */
    public boolean secure() {
        return secure;
    }

    /** The broker's port. */
    public int kafkaPort() {
        return kafkaPort;
    }

    /** The registry's port. */
    public int registryPort() {
        return registryPort;
    }
}
