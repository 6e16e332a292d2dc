package io.capmarket.gateway;

import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.topics.TopicMismatchException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Command line entry point of the gateway: {@code --config FILE} (properties or YAML) plus
 * {@code CAPMARKET_*} environment variables; {@code --help} lists every setting;
 * {@code --hash-token TOKEN} prints the hash a tokens file line needs.
 *
 * <p>Exit codes: 0 started (runs until stopped; SIGTERM closes gracefully) or help shown; 2 bad
 * arguments or configuration; 3 existing topics differ from their specs; 1 any other start-up failure.
 */
public final class GatewayMain {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int TOPIC_MISMATCH = 3;

    private static final String USAGE_TEXT = """
            usage: capmarket-gateway [--config FILE] [--help] [--hash-token TOKEN]

              --config FILE        settings in a .properties, .yaml or .yml file
              --hash-token TOKEN   print the SHA-256 of a bearer token, for auth.tokens-file lines
              --help               this text

            Every setting can also be given as an environment variable: CAPMARKET_ + the key
            upper-cased with '.' and '-' as '_' (CAPMARKET_HTTP_PORT). The environment overrides
            the file; the file overrides the defaults.

            A tokens file line: <sha256-hex of the token> <team> <role> [<name> [human|bot]],
            role one of consumer, producer, admin.

            settings:
            """;

    private GatewayMain() {
    }

    public static void main(String[] args) {
        Launch launch = launch(args, System.getenv(), System.out, System.err, GatewayApp::start);
        launch.app().ifPresent(app -> Runtime.getRuntime().addShutdownHook(new Thread(app::close, "capmarket-gateway-shutdown")));
        if (launch.exitCode() != OK) {
            System.exit(launch.exitCode());
        }
    }

    /** What {@link #launch} did: the exit code, and the running app when it started one. */
    record Launch(int exitCode, Optional<GatewayApp> app) {
    }

    /** Everything {@code main} does but exiting and the shutdown hook, for tests. */
    static Launch launch(String[] args, Map<String, String> environment, PrintStream out, PrintStream err,
            Function<GatewayConfig, GatewayApp> starter) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(USAGE_TEXT);
                out.print(GatewayConfig.describeKeys());
                return new Launch(OK, Optional.empty());
            } else if (arg.equals("--hash-token")) {
                if (i + 1 >= args.length || args[i + 1].isEmpty()) {
                    return usageError(err, "--hash-token needs a token");
                }
                out.println(Tokens.hash(args[i + 1]));
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
        Launch launch = start(configFile, overrides, System.getenv(), System.out, System.err, GatewayApp::start);
        launch.app().ifPresent(app -> Runtime.getRuntime().addShutdownHook(new Thread(app::close, "capmarket-gateway-shutdown")));
        return launch.exitCode();
    }

    /** Loads the configuration and starts the application with it. */
    static Launch start(Path configFile, Map<String, String> overrides, Map<String, String> environment, PrintStream out,
            PrintStream err, Function<GatewayConfig, GatewayApp> starter) {
        GatewayConfig config;
        try {
            config = GatewayConfig.load(configFile, environment, overrides);
        } catch (InvalidConfigException e) {
            err.println("capmarket-gateway: " + e.getMessage());
            return new Launch(USAGE, Optional.empty());
        }
        config.warnings().forEach(warning -> err.println("capmarket-gateway: warning: " + warning));
        out.println("capmarket-gateway: starting with " + config.describe());
        try {
            return new Launch(OK, Optional.of(starter.apply(config)));
        } catch (TopicMismatchException e) {
            err.println("capmarket-gateway: " + e.getMessage());
            return new Launch(TOPIC_MISMATCH, Optional.empty());
        } catch (RuntimeException e) {
            err.println("capmarket-gateway: cannot start: " + e);
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                err.println("  caused by: " + cause);
            }
            return new Launch(FAILED, Optional.empty());
        }
    }

    private static Launch usageError(PrintStream err, String problem) {
        err.println("capmarket-gateway: " + problem);
        err.println("usage: capmarket-gateway [--config FILE] [--help] [--hash-token TOKEN]");
        return new Launch(USAGE, Optional.empty());
    }
}
