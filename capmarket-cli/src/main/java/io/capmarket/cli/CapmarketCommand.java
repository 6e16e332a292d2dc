package io.capmarket.cli;

import io.capmarket.dev.DevCommand;
import io.capmarket.testkit.dev.DevStackCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code capmarket}: prints its help when given no subcommand. */
@Command(name = "capmarket", mixinStandardHelpOptions = true, versionProvider = CapmarketCommand.Version.class,
        description = "An event-driven capability marketplace on Apache Kafka.",
        subcommands = {
            picocli.CommandLine.HelpCommand.class,
            DevCommand.class, DevStackCommand.class,
            DelegatingCommands.Sync.class, DelegatingCommands.Producer.class, DelegatingCommands.Team.class,
            DelegatingCommands.Platform.class, DelegatingCommands.Bench.class,
            RequestCommands.class, ApprovalsCommand.class, CatalogCommand.class, ReplayCommand.class, CompletionCommand.class},
        footer = {"", "./capmarket chaos [--requests N] [--kills N] [--outage SECONDS] [--restarts N] runs the long reliability "
                + "scenarios through Maven (from a source checkout).",
            "", "Exit codes: 0 done, 1 the gateway, Kafka or the registry refused or failed, 2 invalid arguments."})
final class CapmarketCommand implements Callable<Integer> {

    private final CapmarketCli.Terminal terminal;

    @Spec
    CommandSpec spec;

    CapmarketCommand(CapmarketCli.Terminal terminal) {
        this.terminal = terminal;
    }

    CapmarketCli.Terminal terminal() {
        return terminal;
    }

    /** The terminal of the command tree {@code spec} belongs to. */
    static CapmarketCli.Terminal terminal(CommandSpec spec) {
        return ((CapmarketCommand) spec.root().userObject()).terminal();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CapmarketCli.OK;
    }

    /** The version the build wrote into {@code capmarket-cli.properties}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = CapmarketCommand.class.getResourceAsStream("/capmarket-cli.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"capmarket " + properties.getProperty("version", "unknown")};
        }
    }
}
