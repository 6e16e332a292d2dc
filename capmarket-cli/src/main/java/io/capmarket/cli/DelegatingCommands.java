package io.capmarket.cli;

import io.capmarket.bench.BenchMain;
import io.capmarket.schemas.onboarding.OnboardingCommand;
import io.capmarket.sdk.sync.SyncCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Commands whose options their own module reads (its {@code --help} lists them), for the
 * images and scripts that run those modules without this command line: offer sync, onboarding,
 * the benchmarks. picocli passes every argument through.
 */
final class DelegatingCommands {

    private DelegatingCommands() {
    }

    /** The arguments after the command's name, untouched. */
    abstract static class Delegating implements Callable<Integer> {
        @Unmatched
        List<String> arguments = new ArrayList<>();

        @Spec
        CommandSpec spec;

        String[] args() {
            return arguments.toArray(String[]::new);
        }

        CapmarketCli.Terminal terminal() {
            return CapmarketCommand.terminal(spec);
        }

        int onboarding(String noun) {
            List<String> all = new ArrayList<>(List.of(noun));
            all.addAll(arguments);
            CapmarketCli.Terminal t = terminal();
            return OnboardingCommand.run(all.toArray(String[]::new), t.environment(), t.out(), t.err());
        }
    }

    /** {@code capmarket sync}. */
    @Command(name = "sync", description = {"Makes a producer's live offers exactly what its YAML offer files declare: prints the plan "
            + "(+ create, ~ update, - withdraw), then applies it unless --dry-run.", "capmarket sync --help lists every option."})
    static final class Sync extends Delegating {
        @Override
        public Integer call() {
            CapmarketCli.Terminal t = terminal();
            return SyncCommand.run(args(), t.environment(), t.out(), t.err());
        }
    }

    /** {@code capmarket producer onboard|offboard}. */
    @Command(name = "producer", description = {"producer onboard|offboard: a producer's topics, schemas, credential, ACLs and approval.",
            "capmarket producer --help lists every option."})
    static final class Producer extends Delegating {
        @Override
        public Integer call() {
            return onboarding("producer");
        }
    }

    /** {@code capmarket team onboard|offboard}. */
    @Command(name = "team", description = {"team onboard|offboard: a consumer team's request topic, credential and ACLs.",
            "capmarket team --help lists every option."})
    static final class Team extends Delegating {
        @Override
        public Integer call() {
            return onboarding("team");
        }
    }

    /** {@code capmarket platform onboard}. */
    @Command(name = "platform", description = {"platform onboard --role topology|gateway: the application's credential and ACLs.",
            "capmarket platform --help lists every option."})
    static final class Platform extends Delegating {
        @Override
        public Integer call() {
            return onboarding("platform");
        }
    }

    /** {@code capmarket bench}. */
    @Command(name = "bench", description = {"Measures matching throughput, latency, gateway capacity and scale against a passthrough "
            + "ceiling; prints a table and writes target/bench/results.json.", "capmarket bench --help lists every option."})
    static final class Bench extends Delegating {
        @Override
        public Integer call() {
            BenchMain.main(args());
            return CapmarketCli.OK;
        }
    }
}
