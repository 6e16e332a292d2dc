package io.capmarket.topology.app;

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
 * The topology's command line ({@code capmarket topology}, and {@link TopologyMain} in the
 * image): {@code --config FILE} and {@code --set KEY=VALUE} over the {@code CAPMARKET_*}
 * environment; {@code --help} lists every setting. Starts the application and returns; it then
 * runs until the JVM stops, and a shutdown hook closes it gracefully.
 *
 * <p>Exit codes: 0 started or help shown; 2 bad arguments or configuration; 3 existing topics
 * differ from their specs; 1 any other start-up failure (Kafka unreachable, port in use...).
 */
@Command(name = "capmarket-topology", mixinStandardHelpOptions = true,
        description = "Runs the matching topology against an existing Kafka cluster and schema registry.",
        footerHeading = "%nSettings, from a file < CAPMARKET_ + the key upper-cased, '.' and '-' as '_' (CAPMARKET_BOOTSTRAP_SERVERS) "
                + "< --set:%n")
public final class TopologyCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "settings in a .properties, .yaml or .yml file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting that wins over the file and the environment")
    Map<String, String> overrides = new LinkedHashMap<>();

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final Function<TopologyConfig, TopologyApp> starter;
    private final boolean closeOnShutdown;
    private TopologyApp app;

    /** The command for this process: the application closes when the JVM stops. */
    public TopologyCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this(environment, out, err, TopologyApp::start, true);
    }

    TopologyCommand(Map<String, String> environment, PrintStream out, PrintStream err, Function<TopologyConfig, TopologyApp> starter,
            boolean closeOnShutdown) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.starter = starter;
        this.closeOnShutdown = closeOnShutdown;
    }

    /** The command line of {@code command}, printing to its streams, its help ending with the settings. */
    public static CommandLine commandLine(TopologyCommand command) {
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(command.out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(command.err, true, StandardCharsets.UTF_8));
        line.getCommandSpec().usageMessage().footer(TopologyConfig.describeKeys().replace("%", "%%"));
        return line;
    }

    @Override
    public Integer call() {
        TopologyMain.Launch launch = TopologyMain.start(config, overrides, environment, out, err, starter);
        app = launch.app().orElse(null);
        if (app != null && closeOnShutdown) {
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "capmarket-shutdown"));
        }
        return launch.exitCode();
    }

    /** Whether the application started (and runs until the JVM stops). */
    public boolean running() {
        return app != null;
    }

    TopologyApp app() {
        return app;
    }
}
