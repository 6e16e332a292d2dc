package io.capmarket.cli;

import io.capmarket.dev.DevMarketplaceMain;
import io.capmarket.dev.DevOptions;
import io.capmarket.testkit.dev.DevStackMain;
import io.capmarket.testkit.dev.DevStackOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The local runs: {@code capmarket dev} (the whole marketplace) and {@code capmarket infra} (broker and registry). */
final class DevCommands {

    private DevCommands() {
    }

    /** Where the local runs keep their data and which ports they take. */
    static final class Ports {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "where every component keeps its data (default: ${DEFAULT-VALUE})")
        Path dataDirectory = DevOptions.DEFAULT_DATA_DIRECTORY;

        @Option(names = "--reset", description = "wipe the data directory first")
        boolean reset;

        @Option(names = "--secure", description = "SASL/SCRAM-SHA-512 and ACLs on the broker, basic auth on the registry")
        boolean secure;

        @Option(names = "--kafka-port", paramLabel = "N", description = "the broker's port (default: ${DEFAULT-VALUE}; 0: any free port)")
        int kafkaPort = 9092;

        @Option(names = "--registry-port", paramLabel = "N", description = "the schema registry's port (default: ${DEFAULT-VALUE})")
        int registryPort = 8081;
    }

    /** {@code capmarket dev}. */
    @Command(name = "dev", mixinStandardHelpOptions = true, description = {
        "Starts the whole marketplace in one JVM: a Kafka broker on 127.0.0.1:9092, a schema registry on :8081, the topology "
                + "(metrics on :9464), the gateway and portal on http://127.0.0.1:8080 and three demo producers, with data kept "
                + "in ./.capmarket. Prints the demo tokens and a curl command. Ctrl-C stops it.",
        "--secure: every component and demo producer runs as its own principal, whose client settings are written to "
                + "./.capmarket/credentials/"})
    static final class Dev implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Ports ports;

        @Option(names = "--gateway-port", paramLabel = "N", description = "the gateway's and portal's port (default: ${DEFAULT-VALUE})")
        int gatewayPort = 8080;

        @Option(names = "--topology-port", paramLabel = "N", description = "the topology's metrics and health port (default: ${DEFAULT-VALUE})")
        int topologyPort = 9464;

        @Override
        public Integer call() throws InterruptedException {
            return DevMarketplaceMain.run(new DevOptions(ports.dataDirectory, ports.reset, ports.kafkaPort, ports.registryPort,
                    gatewayPort, topologyPort, ports.secure));
        }
    }

    /** {@code capmarket infra}. */
    @Command(name = "infra", mixinStandardHelpOptions = true, description = {
        "Starts only the broker and the schema registry, to run components from an IDE.",
        "--secure: the admin's client settings are written to ./.capmarket/credentials/admin.properties"})
    static final class Infra implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Ports ports;

        @Override
        public Integer call() throws InterruptedException {
            DevStackMain.run(new DevStackOptions(ports.dataDirectory, ports.kafkaPort, ports.registryPort, ports.reset, ports.secure));
            return CapmarketCli.OK;
        }
    }
}
