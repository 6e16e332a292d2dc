package io.capmarket.topology.app;

import io.capmarket.schemas.runtime.ServiceCommand;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Command;

/**
 * The topology's command line ({@code capmarket topology}, and {@link TopologyMain} in the
 * image), as {@link ServiceCommand} describes it: {@code --config FILE} and {@code --set KEY=VALUE}
 * over the {@code CAPMARKET_*} environment; {@code --help} lists every setting.
 */
@Command(name = "capmarket-topology", mixinStandardHelpOptions = true,
        description = "Runs the matching topology against an existing Kafka cluster and schema registry.",
        footerHeading = "%nSettings, from a file < CAPMARKET_ + the key upper-cased, '.' and '-' as '_' (CAPMARKET_BOOTSTRAP_SERVERS) "
                + "< --set:%n")
public final class TopologyCommand extends ServiceCommand<TopologyConfig, TopologyApp> {

    /** The command for this process: the application closes when the JVM stops. */
    public TopologyCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this(environment, out, err, TopologyApp::start, true);
    }

    TopologyCommand(Map<String, String> environment, PrintStream out, PrintStream err, Function<TopologyConfig, TopologyApp> starter,
            boolean closeOnShutdown) {
        super("capmarket-topology", TopologyConfig::load, TopologyConfig.describeKeys(), environment, out, err, starter, closeOnShutdown);
    }
}
