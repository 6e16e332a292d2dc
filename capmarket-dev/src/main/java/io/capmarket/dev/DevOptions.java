package io.capmarket.dev;

import java.nio.file.Path;

/**
 * How to start the local marketplace.
 *
 * @param dataDirectory where every component keeps its data between runs
 * @param reset whether to wipe the data directory first
 * @param kafkaPort the broker's port (0 = any free port)
 * @param registryPort the schema registry's port (0 = any free port)
 * @param gatewayPort the gateway's (and portal's) port (0 = any free port)
 * @param topologyPort the topology's metrics and health port (0 = any free port)
 * @param secure whether the broker authenticates (SASL/SCRAM) and authorizes (ACLs) every client and
 *     every component runs as its own principal
 */
public record DevOptions(Path dataDirectory, boolean reset, int kafkaPort, int registryPort, int gatewayPort,
        int topologyPort, boolean secure) {

    public static final Path DEFAULT_DATA_DIRECTORY = Path.of(".capmarket");

    public DevOptions {
        port("--kafka-port", kafkaPort);
        port("--registry-port", registryPort);
        port("--gateway-port", gatewayPort);
        port("--topology-port", topologyPort);
    }

    /** Options without security, as {@code ./capmarket dev} runs by default. */
    public DevOptions(Path dataDirectory, boolean reset, int kafkaPort, int registryPort, int gatewayPort, int topologyPort) {
        this(dataDirectory, reset, kafkaPort, registryPort, gatewayPort, topologyPort, false);
    }

    /** The documented defaults: ./.capmarket, Kafka 9092, registry 8081, gateway 8080, topology 9464, no security. */
    public static DevOptions defaults() {
        return new DevOptions(DEFAULT_DATA_DIRECTORY, false, 9092, 8081, 8080, 9464, false);
    }

    /** Where the secure run writes each principal's client settings. */
    public Path credentialsDirectory() {
        return dataDirectory.resolve("credentials");
    }

    private static void port(String option, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(option + " must be between 0 and 65535, but was " + port);
        }
    }
}
