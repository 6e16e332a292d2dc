package io.capmarket.topology.app;

import io.capmarket.schemas.topics.TopicMismatchException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Command line entry point of the topology: {@code --config FILE} (properties or YAML) plus
 * {@code CAPMARKET_*} environment variables; {@code --help} lists every setting.
 *
 * <p>Exit codes: 0 started (the JVM then runs until stopped; SIGTERM closes gracefully) or help
 * shown; 2 bad arguments or configuration; 3 existing topics differ from their specs; 1 any other
 * start-up failure (Kafka unreachable, port in use...).
 */
public final class TopologyMain {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int TOPIC_MISMATCH = 3;

    private static final String USAGE_TEXT = """
            usage: capmarket-topology [--config FILE] [--help]

              --config FILE   settings in a .properties, .yaml or .yml file
              --help          this text

            Every setting can also be given as an environment variable: CAPMARKET_ + the key
            upper-cased with '.' and '-' as '_' (CAPMARKET_BOOTSTRAP_SERVERS). The environment
            overrides the file; the file overrides the defaults.

            settings:
            """;

    private TopologyMain() {
    }

    public static void main(String[] args) {
        Launch launch = launch(args, System.getenv(), System.out, System.err, TopologyApp::start);
        launch.app().ifPresent(app -> Runtime.getRuntime().addShutdownHook(new Thread(app::close, "capmarket-shutdown")));
        if (launch.exitCode() != OK) {
            System.exit(launch.exitCode());
        }
    }

    /** What {@link #launch} did: the exit code, and the running app when it started one. */
    record Launch(int exitCode, Optional<TopologyApp> app) {
    }

    /** Everything {@code main} does but exiting and the shutdown hook, for tests. */
    static Launch launch(String[] args, Map<String, String> environment, PrintStream out, PrintStream err,
            Function<TopologyConfig, TopologyApp> starter) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(USAGE_TEXT);
                out.print(TopologyConfig.describeKeys());
                return new Launch(OK, Optional.empty());
            } else if (arg.equals("--config") || arg.startsWith("--config=")) {
                String value = arg.equals("--config") ? (i + 1 < args.length ? args[++i] : null) : arg.substring("--config=".length());
                if (value == null || value.isBlank()) {
                    return usageError(err, "--config needs a file");
                }
                if (configFile != null) {
                    return usageError(err, "--config given twice");
                }
                configFile = Path.of(value);
            } else {
                return usageError(err, "unknown argument '" + arg + "'");
            }
        }
        return start(configFile, Map.of(), environment, out, err, starter);
    }

    /**
     * Runs the application from a config file and explicit overrides (the command line's
     * {@code --set KEY=VALUE}), over the environment; returns once it started or failed to, with
     * the exit code, and adds a shutdown hook that closes it gracefully.
     */
    public static int run(Path configFile, Map<String, String> overrides) {
        Launch launch = start(configFile, overrides, System.getenv(), System.out, System.err, TopologyApp::start);
        launch.app().ifPresent(app -> Runtime.getRuntime().addShutdownHook(new Thread(app::close, "capmarket-topology-shutdown")));
        return launch.exitCode();
    }

    /** Loads the configuration and starts the application with it. */
    static Launch start(Path configFile, Map<String, String> overrides, Map<String, String> environment, PrintStream out,
            PrintStream err, Function<TopologyConfig, TopologyApp> starter) {
        TopologyConfig config;
        try {
            config = TopologyConfig.load(configFile, environment, overrides);
        } catch (InvalidConfigException e) {
            err.println("capmarket-topology: " + e.getMessage());
            return new Launch(USAGE, Optional.empty());
        }
        config.warnings().forEach(warning -> err.println("capmarket-topology: warning: " + warning));
        out.println("capmarket-topology: starting with " + config.describe());
        try {
            return new Launch(OK, Optional.of(starter.apply(config)));
        } catch (TopicMismatchException e) {
            err.println("capmarket-topology: " + e.getMessage());
            err.println("capmarket-topology: fix the topics (or topics.prefix / topics.partitions) and start again");
            return new Launch(TOPIC_MISMATCH, Optional.empty());
        } catch (RuntimeException e) {
            err.println("capmarket-topology: cannot start: " + e);
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                err.println("  caused by: " + cause);
            }
            return new Launch(FAILED, Optional.empty());
        }
    }

    private static Launch usageError(PrintStream err, String problem) {
        err.println("capmarket-topology: " + problem);
        err.println("usage: capmarket-topology [--config FILE] [--help]");
        return new Launch(USAGE, Optional.empty());
    }
}
