package io.capmarket.dev;

import java.nio.file.Path;
import java.util.List;

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

    /**
     * Reads {@code --secure}, {@code --reset}, {@code --data-dir DIR}, {@code --kafka-port N}, {@code --registry-port N},
     * {@code --gateway-port N} and {@code --topology-port N}.
     *
     * @throws IllegalArgumentException naming the option when one is unknown or invalid
     */
    public static DevOptions parse(List<String> args) {
        DevOptions options = defaults();
        Path data = options.dataDirectory();
        boolean reset = false;
        boolean secure = false;
        int kafka = options.kafkaPort();
        int registry = options.registryPort();
        int gateway = options.gatewayPort();
        int topology = options.topologyPort();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--reset" -> reset = true;
                case "--secure" -> secure = true;
                case "--data-dir" -> data = Path.of(value(args, ++i, arg));
                case "--kafka-port" -> kafka = number(args, ++i, arg);
                case "--registry-port" -> registry = number(args, ++i, arg);
                case "--gateway-port" -> gateway = number(args, ++i, arg);
                case "--topology-port" -> topology = number(args, ++i, arg);
                default -> throw new IllegalArgumentException("unknown option " + arg + " (expected --secure, --reset, --data-dir DIR, "
                        + "--kafka-port N, --registry-port N, --gateway-port N, --topology-port N)");
            }
        }
        return new DevOptions(data, reset, kafka, registry, gateway, topology, secure);
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }

    private static int number(List<String> args, int index, String option) {
        String text = value(args, index, option);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a port number, but was " + text, e);
        }
    }

    private static void port(String option, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(option + " must be between 0 and 65535, but was " + port);
        }
    }
}
