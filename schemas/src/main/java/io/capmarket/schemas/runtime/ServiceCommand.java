package io.capmarket.schemas.runtime;

import io.capmarket.schemas.config.InvalidConfigException;
import io.capmarket.schemas.topics.TopicMismatchException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The command line of a capmarket service (the topology, the gateway), one launcher for both:
 * {@code --config FILE} and {@code --set KEY=VALUE} over the {@code CAPMARKET_*} environment,
 * {@code --help} listing every setting. It loads the configuration, starts the service and
 * returns; the service then runs until the JVM stops, and a shutdown hook closes it gracefully.
 * A subclass carries the service's {@code @Command} (name, description) and any option of its own.
 *
 * <p>Exit codes: {@value #OK} started or help shown; {@value #USAGE} bad arguments or
 * configuration; {@value #TOPIC_MISMATCH} existing topics differ from their specs;
 * {@value #FAILED} any other start-up failure (Kafka unreachable, port in use...).
 *
 * @param <C> the service's configuration
 * @param <A> the running service
 */
public abstract class ServiceCommand<C extends ServiceCommand.Settings, A extends AutoCloseable> implements Callable<Integer> {

    /** Started, or help shown. */
    public static final int OK = 0;
    /** Any other start-up failure. */
    public static final int FAILED = 1;
    /** Bad arguments or configuration. */
    public static final int USAGE = 2;
    /** Existing topics differ from their specs. */
    public static final int TOPIC_MISMATCH = 3;

    /** What the command shows of a loaded configuration. */
    public interface Settings {

        /** What the configuration accepted but the operator should know (unknown keys, say). */
        List<String> warnings();

        /** Every setting, for the start-up line, credentials masked. */
        String describe();
    }

    /** Loads a service's configuration from an optional file, the environment and overrides, which win. */
    @FunctionalInterface
    public interface Loader<C> {

        /** @throws InvalidConfigException listing every problem */
        C load(Path file, Map<String, String> environment, Map<String, String> overrides);
    }

    /** What a run of the command did: its exit code, and the running service when it started one. */
    public record Launch<A>(int exitCode, Optional<A> app) {
    }

    @Option(names = "--config", paramLabel = "FILE", description = "settings in a .properties, .yaml or .yml file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting that wins over the file and the environment")
    Map<String, String> overrides = new LinkedHashMap<>();

    private final String name;
    private final Loader<C> loader;
    private final String settingsHelp;
    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final Function<C, A> starter;
    private final boolean closeOnShutdown;
    private A app;

    /**
     * @param name the service's name, which starts each line it prints
     * @param settingsHelp every setting with its default and meaning, the end of {@code --help}
     * @param starter starts the service from its configuration
     * @param closeOnShutdown whether a shutdown hook closes the service (false in tests)
     */
    protected ServiceCommand(String name, Loader<C> loader, String settingsHelp, Map<String, String> environment,
            PrintStream out, PrintStream err, Function<C, A> starter, boolean closeOnShutdown) {
        this.name = name;
        this.loader = loader;
        this.settingsHelp = settingsHelp;
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.starter = starter;
        this.closeOnShutdown = closeOnShutdown;
    }

    /** This command's command line, printing to its streams, its help ending with the settings. */
    public CommandLine commandLine() {
        CommandLine line = new CommandLine(this);
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.getCommandSpec().usageMessage().footer(settingsHelp.replace("%", "%%"));
        return line;
    }

    /**
     * Runs {@code command} as a process's {@code main} does: exits the JVM with the exit code
     * unless the service started (it then runs until the JVM stops).
     */
    public static void main(ServiceCommand<?, ?> command, String[] args) {
        int code = command.commandLine().execute(args);
        if (code != OK) {
            System.exit(code);
        }
    }

    /** Runs {@code command} with {@code args} and tells what it did, without exiting: for tests. */
    public static <A extends AutoCloseable> Launch<A> launch(ServiceCommand<?, A> command, String[] args) {
        int code = command.commandLine().execute(args);
        return new Launch<>(code, Optional.ofNullable(command.app));
    }

    @Override
    public Integer call() {
        Launch<A> launch = start();
        app = launch.app().orElse(null);
        if (app != null && closeOnShutdown) {
            A started = app;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(started), name + "-shutdown"));
        }
        return launch.exitCode();
    }

    /** Whether the service started (and runs until the JVM stops). */
    public boolean running() {
        return app != null;
    }

    /** The stream the command prints its results to, for a subclass's own options. */
    protected PrintStream out() {
        return out;
    }

    private Launch<A> start() {
        C settings;
        try {
            settings = loader.load(config, environment, overrides);
        } catch (InvalidConfigException e) {
            err.println(name + ": " + e.getMessage());
            return new Launch<>(USAGE, Optional.empty());
        }
        settings.warnings().forEach(warning -> err.println(name + ": warning: " + warning));
        out.println(name + ": starting with " + settings.describe());
        try {
            return new Launch<>(OK, Optional.of(starter.apply(settings)));
        } catch (TopicMismatchException e) {
            err.println(name + ": " + e.getMessage());
            err.println(name + ": fix the topics (or topics.prefix / topics.partitions) and start again");
            return new Launch<>(TOPIC_MISMATCH, Optional.empty());
        } catch (RuntimeException e) {
            err.println(name + ": cannot start: " + e);
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                err.println("  caused by: " + cause);
            }
            return new Launch<>(FAILED, Optional.empty());
        }
    }

    private void close(A started) {
        try {
            started.close();
        } catch (Exception e) {
            err.println(name + ": closing: " + e);
        }
    }
}
