package io.capmarket.topology.app;

import io.capmarket.schemas.topics.TopicMismatchException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Entry point of the topology's image: {@link TopologyCommand}'s command line.
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

    private TopologyMain() {
    }

    public static void main(String[] args) {
        int code = TopologyCommand.commandLine(new TopologyCommand(System.getenv(), System.out, System.err)).execute(args);
        if (code != OK) {
            System.exit(code);
        }
    }

    /** What {@link #launch} did: the exit code, and the running app when it started one. */
    record Launch(int exitCode, Optional<TopologyApp> app) {
    }

    /** Everything {@code main} does but exiting and the shutdown hook, for tests. */
    static Launch launch(String[] args, Map<String, String> environment, PrintStream out, PrintStream err,
            Function<TopologyConfig, TopologyApp> starter) {
        TopologyCommand command = new TopologyCommand(environment, out, err, starter, false);
        int code = TopologyCommand.commandLine(command).execute(args);
        return new Launch(code, Optional.ofNullable(command.app()));
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
}
