package io.capmarket.cli;

import io.capmarket.client.CapmarketException;
import io.capmarket.gateway.GatewayCommand;
import io.capmarket.topology.app.TopologyCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code capmarket} entry point: builds the command tree and maps what happened to an exit
 * code, {@value #OK} done, {@value #FAILED} a remote failure, {@value #USAGE} invalid arguments.
 */
public final class CapmarketCli {

    /** Done. */
    public static final int OK = 0;
    /** The gateway, Kafka or the registry refused or failed. */
    public static final int FAILED = 1;
    /** Invalid arguments. */
    public static final int USAGE = 2;

    private CapmarketCli() {
    }

    public static void main(String[] args) {
        CommandLine line = commandLine(new Terminal(System.getenv(), System.out, System.err));
        int code = line.execute(args);
        if (code != OK || !serving(line)) {
            System.exit(code);
        }
    }

    /** Whether the command run started an application that runs until the JVM stops. */
    static boolean serving(CommandLine line) {
        CommandLine.ParseResult parsed = line.getParseResult();
        while (parsed != null && parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        Object command = parsed == null ? null : parsed.commandSpec().userObject();
        return command instanceof TopologyCommand topology && topology.running()
                || command instanceof GatewayCommand gateway && gateway.running();
    }

    /** Runs one command line with this environment and these streams; returns the exit code. */
    public static int execute(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        return commandLine(new Terminal(environment, out, err)).execute(args);
    }

    /** The command tree, printing to the terminal's streams. */
    static CommandLine commandLine(Terminal terminal) {
        CommandLine line = new CommandLine(new CapmarketCommand(terminal));
        // the applications' own command lines, which their images run as they are
        line.addSubcommand("topology", new TopologyCommand(terminal.environment(), terminal.out(), terminal.err()).commandLine());
        line.addSubcommand("gateway", new GatewayCommand(terminal.environment(), terminal.out(), terminal.err()).commandLine());
        line.setOut(new PrintWriter(terminal.out(), true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(terminal.err(), true, StandardCharsets.UTF_8));
        line.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED);
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof IllegalArgumentException && !(e instanceof CapmarketException)) {
                command.getErr().println("capmarket " + command.getCommandName() + ": " + e.getMessage());
                command.getErr().println("Try 'capmarket " + qualifiedName(command) + " --help' for more information.");
                return USAGE;
            }
            command.getErr().println("capmarket " + command.getCommandName() + ": " + e.getMessage());
            if (e instanceof CapmarketException refused) {
                refused.errors().forEach(field -> command.getErr().println("  " + field.field() + " must be " + field.rule()
                        + (field.value() == null ? "" : ", but was " + field.value())));
            }
            return FAILED;
        });
        return line;
    }

    private static String qualifiedName(CommandLine command) {
        return command.getCommandSpec().qualifiedName(" ").replaceFirst("^capmarket ?", "");
    }

    /** The process's environment and streams, injected so that tests run commands in the same JVM. */
    record Terminal(Map<String, String> environment, PrintStream out, PrintStream err) {
    }
}
