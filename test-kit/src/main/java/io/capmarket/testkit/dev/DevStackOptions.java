package io.capmarket.testkit.dev;

import java.nio.file.Path;

/**
 * How to start the local dev stack.
 *
 * @param dataDirectory where the broker keeps its data between runs
 * @param kafkaPort the broker's client port (0 picks a free one)
 * @param registryPort the schema registry's port (0 picks a free one)
 * @param reset whether to wipe the data directory first
 * @param secure whether the broker authenticates (SASL/SCRAM) and authorizes (ACLs) every client,
 *     and the registry asks for HTTP basic credentials
 */
public record DevStackOptions(Path dataDirectory, int kafkaPort, int registryPort, boolean reset, boolean secure) {

    public static final Path DEFAULT_DATA_DIRECTORY = Path.of(".capmarket");
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_REGISTRY_PORT = 8081;

    public DevStackOptions {
        requirePort("--kafka-port", kafkaPort);
        requirePort("--registry-port", registryPort);
    }

    /** Options without security, as {@code ./capmarket infra} runs by default. */
    public DevStackOptions(Path dataDirectory, int kafkaPort, int registryPort, boolean reset) {
        this(dataDirectory, kafkaPort, registryPort, reset, false);
    }

    private static void requirePort(String option, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(option + " must be between 0 and 65535, but was " + port);
        }
    }
}
