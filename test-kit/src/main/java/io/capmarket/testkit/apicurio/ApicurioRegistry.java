package io.capmarket.testkit.apicurio;

import io.capmarket.testkit.net.LocalPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An Apicurio Registry (3.0.x, in-memory storage) running as a child process on 127.0.0.1,
 * used to prove the project's Confluent-compatible client against an independent server
 * through Apicurio's Confluent API ({@link #confluentApiUrl()}).
 *
 * <pre>{@code
 * try (ApicurioRegistry registry = ApicurioRegistry.builder(Path.of("target/apicurio")).start()) {
 *     String url = registry.confluentApiUrl(); // http://127.0.0.1:PORT/apis/ccompat/v7
 * }
 * }</pre>
 *
 * <p>The process runs on this JVM's {@code java} with a small heap; its output goes to
 * {@link #logFile()}. {@link #close()} ends it and its descendants and waits for them.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** The path of Confluent's API in Apicurio Registry 3. */
    public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";
    /** The default maximum heap of the registry process. */
    public static final String DEFAULT_MAX_HEAP = "384m";
    /** The default time the registry gets to answer after its process started. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final String HOST = "127.0.0.1";
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final int port;
    private final Path logFile;

    private ApicurioRegistry(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Returns a builder for a registry run from an unpacked distribution.
     *
     * @param distribution the unpacked {@code apicurio-registry-app-*-all.tar.gz} directory,
     *                     or the {@code *-runner.jar} inside it
     * @return a new builder
     */
    public static Builder builder(Path distribution) {
        return new Builder(distribution);
    }

    /**
     * Returns the base URL of Confluent's API, without a trailing slash.
     *
     * @return for example {@code http://127.0.0.1:41234/apis/ccompat/v7}
     */
    public String confluentApiUrl() {
        return baseUrl() + CONFLUENT_API_PATH;
    }

    /**
     * Returns the base URL of the registry.
     *
     * @return {@code http://127.0.0.1:PORT}
     */
    public String baseUrl() {
        return "http://" + HOST + ":" + port;
    }

    /**
     * Returns the file that receives the process's standard output and error.
     *
     * @return the log file
     */
    public Path logFile() {
        return logFile;
    }

    /**
     * Returns whether the registry process is still running.
     *
     * @return true until it exits
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the registry process and its descendants and waits until they are gone. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (!awaitExit(process.toHandle())) {
            process.destroyForcibly();
            awaitExit(process.toHandle());
        }
        for (ProcessHandle descendant : descendants) {
            if (!awaitExit(descendant)) {
                descendant.destroyForcibly();
            }
        }
    }

    private static boolean awaitExit(ProcessHandle handle) {
        try {
            handle.onExit().get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Waiting for process " + handle.pid() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for process " + handle.pid() + " to exit", e);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw failure("Apicurio Registry exited with code " + process.exitValue() + " before answering");
            }
            if (answers(client, probe)) {
                return;
            }
            waitForExit(Duration.ofMillis(200));
        }
        close();
        throw failure("Apicurio Registry did not answer " + probe.uri() + " within " + timeout);
    }

    private boolean answers(HttpClient client, HttpRequest probe) {
        try {
            return client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListeningYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
    }

    /** Pauses between probes by waiting for the process to exit, so a crash ends the pause at once. */
    private void waitForExit(Duration pause) {
        try {
            process.waitFor(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
    }

    private IllegalStateException failure(String message) {
        return new IllegalStateException(message + "; last lines of " + logFile + ":\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    static Path findRunnerJar(Path distribution) {
        if (Files.isRegularFile(distribution)) {
            return distribution;
        }
        if (!Files.isDirectory(distribution)) {
            throw new IllegalArgumentException("Apicurio Registry distribution " + distribution + " does not exist");
        }
        try (Stream<Path> candidates = Files.walk(distribution, 2)) {
            return candidates
                    .filter(path -> path.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No *-runner.jar in " + distribution
                            + "; expected the unpacked io.apicurio:apicurio-registry-app:tar.gz:all"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + distribution, e);
        }
    }

    /** Configures and starts an {@link ApicurioRegistry}. */
    public static final class Builder {

        private final Path distribution;
        private Path workDirectory;
        private String maxHeap = DEFAULT_MAX_HEAP;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();

        private Builder(Path distribution) {
            this.distribution = Objects.requireNonNull(distribution, "distribution");
        }

        /**
         * Sets the process's working directory, which also holds {@code apicurio-registry.log};
         * by default a new directory under {@code java.io.tmpdir} (the module's {@code target/tmp} in builds).
         *
         * @param directory the directory, created when missing
         * @return this builder
         */
        public Builder workDirectory(Path directory) {
            this.workDirectory = Objects.requireNonNull(directory, "workDirectory");
            return this;
        }

        /**
         * Sets the process's {@code -Xmx} value.
         *
         * @param maxHeap for example {@code 384m}
         * @return this builder
         */
        public Builder maxHeap(String maxHeap) {
            if (!Objects.requireNonNull(maxHeap, "maxHeap").matches("\\d+[kKmMgG]?")) {
                throw new IllegalArgumentException("maxHeap must look like 384m, but was '" + maxHeap + "'");
            }
            this.maxHeap = maxHeap;
            return this;
        }

        /**
         * Sets how long the registry gets to answer after its process started.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, but was " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Passes a system property (Quarkus or Apicurio configuration) to the registry process.
         *
         * @param name for example {@code apicurio.ccompat.legacy-id-mode.enabled}
         * @param value its value
         * @return this builder
         */
        public Builder systemProperty(String name, String value) {
            systemProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Starts the process and waits until Confluent's API answers.
         *
         * @return the running registry
         * @throws IllegalStateException with the tail of the log when the process exits or does not answer in time
         */
        public ApicurioRegistry start() {
            Path runnerJar = findRunnerJar(distribution).toAbsolutePath();
            int port = LocalPorts.free();
            Path directory = workDirectory != null ? workDirectory
                    : Path.of(System.getProperty("java.io.tmpdir"), "apicurio-registry-" + port);
            Path logFile;
            try {
                Files.createDirectories(directory.resolve("tmp"));
                logFile = directory.resolve("apicurio-registry.log").toAbsolutePath();
                Files.deleteIfExists(logFile);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot prepare " + directory, e);
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + maxHeap);
            command.add("-Dquarkus.http.host=" + HOST);
            command.add("-Dquarkus.http.port=" + port);
            command.add("-Dquarkus.log.console.color=false");
            // Vert.x caches files under java.io.tmpdir; keep them with the log, not in the system temp dir.
            command.add("-Djava.io.tmpdir=" + directory.resolve("tmp").toAbsolutePath());
            systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
            command.add("-jar");
            command.add(runnerJar.toString());
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start " + String.join(" ", command), e);
            }
            ApicurioRegistry registry = new ApicurioRegistry(process, port, logFile);
            registry.awaitReady(startupTimeout);
            return registry;
        }
    }
}
