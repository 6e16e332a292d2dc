package io.capmarket.gateway;

import io.capmarket.schemas.runtime.ServiceCommand;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;

/**
 * Entry point of the gateway's image: {@link GatewayCommand}'s command line, with the exit codes
 * of {@link ServiceCommand} (0 started, the JVM then running until stopped; SIGTERM closes
 * gracefully).
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    public static void main(String[] args) {
        ServiceCommand.main(new GatewayCommand(System.getenv(), System.out, System.err), args);
    }

    /** Everything {@code main} does but exiting and the shutdown hook, for tests. */
    static ServiceCommand.Launch<GatewayApp> launch(String[] args, Map<String, String> environment, PrintStream out,
            PrintStream err, Function<GatewayConfig, GatewayApp> starter) {
        return ServiceCommand.launch(new GatewayCommand(environment, out, err, starter, false), args);
    }
}
