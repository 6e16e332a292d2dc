package io.capmarket.topology.app;

import io.capmarket.schemas.runtime.ServiceCommand;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;

/**
 * Entry point of the topology's image: {@link TopologyCommand}'s command line, with the exit
 * codes of {@link ServiceCommand} (0 started, the JVM then running until stopped; SIGTERM closes
 * gracefully).
 */
public final class TopologyMain {

    private TopologyMain() {
    }

    public static void main(String[] args) {
        ServiceCommand.main(new TopologyCommand(System.getenv(), System.out, System.err), args);
    }

    /** Everything {@code main} does but exiting and the shutdown hook, for tests. */
    static ServiceCommand.Launch<TopologyApp> launch(String[] args, Map<String, String> environment, PrintStream out,
            PrintStream err, Function<TopologyConfig, TopologyApp> starter) {
        return ServiceCommand.launch(new TopologyCommand(environment, out, err, starter, false), args);
    }
}
