package io.capmarket.gateway;

import io.capmarket.gateway.internal.Tokens;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway's command line ({@code capmarket gateway}, and {@link GatewayMain} in the image):
 * {@code --config FILE} and {@code --set KEY=VALUE} over the {@code CAPMARKET_*} environment;
 * {@code --help} lists every setting; {@code --hash-token TOKEN} prints the hash a tokens file
 * line needs. Starts the application and returns; it then runs until the JVM stops, and a
 * shutdown hook closes it gracefully.
 *
 * <p>Exit codes: 0 started, help shown or token hashed; 2 bad arguments or configuration; 3
 * existing topics differ from their specs; 1 any other start-up failure.
 */
@Command(name = "capmarket-gateway", mixinStandardHelpOptions = true,
        description = {"Runs the consumer gateway (HTTP API and portal) against an existing Kafka cluster and schema registry.",
            "A tokens file line: <sha256-hex of the token> <team> <role> [<name> [human|bot]], role one of consumer, producer, admin."},
        footerHeading = "%nSettings, from a file < CAPMARKET_ + the key upper-cased, '.' and '-' as '_' (CAPMARKET_HTTP_PORT) < --set:%n")
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "settings in a .properties, .yaml or .yml file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting that wins over the file and the environment")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--hash-token", paramLabel = "TOKEN", description = "print the SHA-256 of a bearer token, for auth.tokens-file lines")
    String hashToken;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final Function<GatewayConfig, GatewayApp> starter;
    private final boolean closeOnShutdown;
    private GatewayApp app;

    /** The command for this process: the application closes when the JVM stops. */
    public GatewayCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this(environment, out, err, GatewayApp::start, true);
    }

    GatewayCommand(Map<String, String> environment, PrintStream out, PrintStream err, Function<GatewayConfig, GatewayApp> starter,
            boolean closeOnShutdown) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.starter = starter;
        this.closeOnShutdown = closeOnShutdown;
    }

    /** The command line of {@code command}, printing to its streams, its help ending with the settings. */
    public static CommandLine commandLine(GatewayCommand command) {
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(command.out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(command.err, true, StandardCharsets.UTF_8));
        line.getCommandSpec().usageMessage().footer(GatewayConfig.describeKeys().replace("%", "%%"));
        return line;
    }

    @Override
    public Integer call() {
        if (hashToken != null) {
            out.println(Tokens.hash(hashToken));
            return GatewayMain.OK;
        }
        GatewayMain.Launch launch = GatewayMain.start(config, overrides, environment, out, err, starter);
        app = launch.app().orElse(null);
        if (app != null && closeOnShutdown) {
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "capmarket-gateway-shutdown"));
        }
        return launch.exitCode();
    }

    /** Whether the application started (and runs until the JVM stops). */
    public boolean running() {
        return app != null;
    }

    GatewayApp app() {
        return app;
    }
}
