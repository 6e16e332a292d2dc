package io.capmarket.testkit.dev;

import java.nio.file.Path;
import java.util.List;

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

    /**
     * Reads command-line options: {@code --reset}, {@code --secure}, {@code --data-dir DIR},
     * {@code --kafka-port N}, {@code --registry-port N}.
     *
     * @throws IllegalArgumentException naming the option when one is unknown or invalid
     */
    public static DevStackOptions parse(List<String> args) {
        Path data = DEFAULT_DATA_DIRECTORY;
        int kafkaPort = DEFAULT_KAFKA_PORT;
        int registryPort = DEFAULT_REGISTRY_PORT;
        boolean reset = false;
        boolean secure = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--reset" -> reset = true;
                case "--secure" -> secure = true;
                case "--data-dir" -> data = Path.of(value(args, ++i, arg));
                case "--kafka-port" -> kafkaPort = port(args, ++i, arg);
                case "--registry-port" -> registryPort = port(args, ++i, arg);
                default -> throw new IllegalArgumentException("unknown option " + arg
                        + " (expected --reset, --secure, --data-dir DIR, --kafka-port N, --registry-port N)");
            }
        }
        return new DevStackOptions(data, kafkaPort, registryPort, reset, secure);
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }

    private static int port(List<String> args, int index, String option) {
        String text = value(args, index, option);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a port number, but was " + text, e);
        }
    }

    private static void requirePort(String option, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(option + " must be between 0 and 65535, but was " + port);
        }
    }
}
