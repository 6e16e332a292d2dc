package io.capmarket.cli;

import io.capmarket.gateway.GatewayConfig;
import io.capmarket.gateway.GatewayMain;
import io.capmarket.gateway.internal.Tokens;
import io.capmarket.topology.app.TopologyConfig;
import io.capmarket.topology.app.TopologyMain;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The applications against an existing cluster: {@code capmarket topology} and {@code capmarket gateway}. */
final class AppCommands {

    private static final String SETTINGS_HEADING = "%nSettings (file < CAPMARKET_* environment variables < --set):%n";

    private AppCommands() {
    }

    /** The options both applications take. */
    static final class Settings {
        @Option(names = "--config", paramLabel = "FILE", description = "settings in a .properties, .yaml or .yml file")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting that wins over the file and the environment")
        Map<String, String> overrides = new LinkedHashMap<>();
    }

    /** Runs until the JVM is stopped (the application's shutdown hook closes it), or returns the start's failure. */
    private static int runUntilStopped(int started) throws InterruptedException {
        if (started == CapmarketCli.OK) {
            new CountDownLatch(1).await();
        }
        return started;
    }

    /** {@code capmarket topology}. */
    @Command(name = "topology", mixinStandardHelpOptions = true, description = {
        "Runs the matching topology against an existing Kafka cluster and schema registry.",
        "Exit codes: 2 invalid settings, 3 existing topics differ from their specs, 1 another start-up failure."})
    static final class Topology implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Settings settings;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return runUntilStopped(TopologyMain.run(settings.config, settings.overrides));
        }

        /** The key list, appended to the help. */
        static String keys() {
            return TopologyConfig.describeKeys();
        }
    }

    /** {@code capmarket gateway}. */
    @Command(name = "gateway", mixinStandardHelpOptions = true, description = {
        "Runs the consumer gateway (HTTP API and portal) against an existing Kafka cluster and schema registry.",
        "A tokens file line: <sha256-hex of the token> <team> <role> [<name> [human|bot]], role one of consumer, producer, admin.",
        "Exit codes: 2 invalid settings, 3 existing topics differ from their specs, 1 another start-up failure."})
    static final class Gateway implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Settings settings;

        @Option(names = "--hash-token", paramLabel = "TOKEN", description = "print the SHA-256 of a bearer token, for auth.tokens-file lines")
        String hashToken;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            if (hashToken != null) {
                spec.commandLine().getOut().println(Tokens.hash(hashToken));
                return CapmarketCli.OK;
            }
            return runUntilStopped(GatewayMain.run(settings.config, settings.overrides));
        }

        /** The key list, appended to the help. */
        static String keys() {
            return GatewayConfig.describeKeys();
        }
    }

    /** Appends the settings of both applications to their help. */
    static void describeSettings(picocli.CommandLine root) {
        footer(root.getSubcommands().get("topology"), Topology.keys());
        footer(root.getSubcommands().get("gateway"), Gateway.keys());
    }

    private static void footer(picocli.CommandLine command, String keys) {
        command.getCommandSpec().usageMessage().footerHeading(SETTINGS_HEADING).footer(keys.replace("%", "%%"));
    }
}
