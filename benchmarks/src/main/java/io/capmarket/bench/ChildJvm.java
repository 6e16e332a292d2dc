package io.capmarket.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A component under measurement in a JVM of its own, as it runs in production: on the benchmark's
 * class path, with a fixed heap, its output in a log file. Closing it sends SIGTERM (a graceful
 * stop) and waits; a process that does not stop in time is killed.
 */
final class ChildJvm implements AutoCloseable {

    /** The heap every measured component gets, the same as {@code ./capmarket topology}'s default. */
    static final String HEAP = "-Xmx1g";

    /** The collector of a measured process unless {@code --jvm} names another. */
    static final String DEFAULT_COLLECTOR = "-XX:+UseParallelGC";

    /** Linux's USER_HZ, the unit of the CPU times in {@code /proc/<pid>/stat}. */
    private static final int CLOCK_TICKS = 100;
    /** A line of {@code -Xlog:gc} with uptime decorations: {@code [12.345s] GC(5) Pause Young (...) 119M->38M(457M) 139.397ms}. */
    private static final Pattern GC_PAUSE = Pattern.compile("\\[([0-9.]+)s\\] GC\\(\\d+\\) Pause .* ([0-9.]+)ms");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args}, its log in the run's directory; capmarket's own
     * environment variables are not passed on. With {@code --profile}, a JFR recording of the
     * whole process is written beside the log.
     */
    static ChildJvm start(BenchContext context, String name, Class<?> mainClass, List<String> args) {
        Path logDirectory = context.directory();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(HEAP);
        if (context.jvmOptions().stream().noneMatch(ChildJvm::namesCollector)) {
            command.add(DEFAULT_COLLECTOR);
        }
        command.addAll(context.jvmOptions());
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        // every collection's pause, beside the log: what a latency tail owes to the collector
        command.add("-Xlog:gc:file=" + logDirectory.resolve(name + "-gc.log").toAbsolutePath() + ":uptime");
        if (context.profile()) {
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + logDirectory.resolve(name + ".jfr").toAbsolutePath());
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        try {
            Files.createDirectories(logDirectory);
            Path log = logDirectory.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("CAPMARKET_"));
            return new ChildJvm(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Whether a JVM option chooses the collector ({@code -XX:+UseZGC}, {@code -XX:+UseG1GC}, ...). */
    static boolean namesCollector(String option) {
        return option.startsWith("-XX:+Use") && option.endsWith("GC");
    }

    /** Writes a component's settings as a {@code .properties} file. */
    static void writeProperties(Path file, Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (var out = Files.newBufferedWriter(file)) {
                properties.store(out, "benchmark settings");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Polls {@code url} until it answers 200, failing early when the process dies. */
    void awaitHttpOk(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (status(url) == 200) {
                return;
            }
            Pause.briefly(Duration.ofMillis(100));
        }
        throw new IllegalStateException(name + " was not ready at " + url + " within " + timeout + "; see " + log);
    }

    /** The status code {@code url} answers to a GET with {@code headers} (name, value, ...), or -1 when it does not answer. */
    static int status(String url, String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return HTTP.send(request.build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body {@code url} answers. */
    static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The collector's pauses between two instants of the process's uptime, in seconds, read from its
     * GC log (none where the log cannot be read).
     */
    GcPauses gcPauses(double fromUptime, double toUptime) {
        try {
            return GcPauses.within(Files.readAllLines(log.resolveSibling(name + "-gc.log")), fromUptime, toUptime);
        } catch (IOException e) {
            return new GcPauses(0, 0, 0);
        }
    }

    /**
     * The collector's pauses in a window.
     *
     * @param count how many
     * @param maxMs the longest, in milliseconds
     * @param totalMs all of them together, in milliseconds
     */
    record GcPauses(int count, double maxMs, double totalMs) {

        /** The pauses {@code gcLog}'s lines record between two instants of uptime, in seconds; other lines are skipped. */
        static GcPauses within(List<String> gcLog, double fromUptime, double toUptime) {
            List<Double> pauses = new ArrayList<>();
            for (String line : gcLog) {
                Matcher pause = GC_PAUSE.matcher(line);
                if (pause.matches()) {
                    double at = Double.parseDouble(pause.group(1));
                    if (at >= fromUptime && at <= toUptime) {
                        pauses.add(Double.parseDouble(pause.group(2)));
                    }
                }
            }
            return new GcPauses(pauses.size(), pauses.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    pauses.stream().mapToDouble(Double::doubleValue).sum());
        }
    }

    /** Resident set size of the process in bytes, from {@code /proc} (0 where there is none). */
    long residentBytes() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /**
     * CPU time the process has used so far, user and system, in seconds, from {@code /proc} (0
     * where there is none). Less sensitive than wall time to other load on the machine.
     */
    double cpuSeconds() {
        try {
            return cpuTicks(Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"))) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU time the JIT compiler's threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*})
     * have used so far, in seconds, from {@code /proc} (0 where there is none): how much of a
     * window the process was still compiling rather than warm.
     */
    double compilerCpuSeconds() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String thread = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler")) {
                        ticks += cpuTicks(stat);
                    }
                } catch (IOException | RuntimeException e) {
                    // a compiler thread that ended between listing and reading: its time is gone with it
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
        return ticks / (double) CLOCK_TICKS;
    }

    /**
     * User and system CPU time in a {@code /proc} {@code stat} line (of a process or of one of its
     * threads), in clock ticks: fields 14 and 15 (utime, stime), counted after the command name,
     * which may itself hold spaces.
     */
    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Asks the JVM for a full collection ({@code jcmd GC.run}), so that heap figures show live data. */
    void collectGarbage() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            gc.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("jcmd GC.run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
