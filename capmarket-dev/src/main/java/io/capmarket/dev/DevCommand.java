package io.capmarket.dev;

import io.capmarket.testkit.dev.StackOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code capmarket dev}: the whole marketplace in one JVM. */
@Command(name = "dev", mixinStandardHelpOptions = true, description = {
    "Starts the whole marketplace in one JVM: a Kafka broker on 127.0.0.1:9092, a schema registry on :8081, the topology "
            + "(metrics on :9464), the gateway and portal on http://127.0.0.1:8080 and three demo producers, with data kept "
            + "in ./.capmarket. Prints the demo tokens and a curl command. Ctrl-C stops it.",
    "--secure: every component, demo producer and the demo-app team's bots run as their own principals, whose client settings "
            + "are written to ./.capmarket/credentials/"})
public final class DevCommand implements Callable<Integer> {

    @Mixin
    StackOptions stack;

    @Option(names = "--gateway-port", paramLabel = "N", description = "the gateway's and portal's port (default: ${DEFAULT-VALUE})")
    int gatewayPort = DevOptions.defaults().gatewayPort();

    @Option(names = "--topology-port", paramLabel = "N", description = "the topology's metrics and health port (default: ${DEFAULT-VALUE})")
    int topologyPort = DevOptions.defaults().topologyPort();

    @Spec
    CommandSpec spec;

    /** The options given, checked. */
    DevOptions options() {
        try {
            return new DevOptions(stack.dataDirectory(), stack.reset(), stack.kafkaPort(), stack.registryPort(), gatewayPort,
                    topologyPort, stack.secure());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        return DevMarketplaceMain.run(options());
    }
}
