package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Backstage packages under {@code integrations/backstage} against a live marketplace:
 * {@code npm ci} installs them (skipped when node_modules is already installed from the same
 * package-lock.json), the dev run (broker, registry, topology, gateway and the demo producers)
 * starts in this JVM, and {@code npm test} runs with the gateway's URL and the demo tokens in
 * its environment ({@code CAPMARKET_BASE_URL}, {@code CAPMARKET_CONSUMER_TOKEN},
 * {@code CAPMARKET_ADMIN_TOKEN}). npm's output is streamed to this test's output; a failing npm
 * fails the test with the end of it.
 *
 * <p>Skipped when Node.js 20 or newer and npm are not on the PATH, unless
 * {@value #REQUIRE_NODE}{@code =true} (CI), where that is a failure.
 */
class BackstagePackagesIT {

    static final String REQUIRE_NODE = "CAPMARKET_REQUIRE_NODE";
    private static final int NODE_MAJOR = 20;
    private static final Path PACKAGES = Path.of("..", "integrations", "backstage");
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration NPM_CI = Duration.ofMinutes(10);
    private static final Duration NPM_TEST = Duration.ofMinutes(5);
    private static final Path STAMP = PACKAGES.resolve("node_modules").resolve(".capmarket-package-lock.sha256");
    private static final int TAIL_LINES = 80;
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.");

    @BeforeEach
    void nodeInstalled() {
        Optional<String> missing = missingNode();
        if (Boolean.parseBoolean(System.getenv(REQUIRE_NODE))) {
            assertThat(missing).as(() -> missing.orElse("") + "; " + REQUIRE_NODE + "=true makes that a failure").isEmpty();
        } else {
            missing.ifPresent(reason -> System.out.println("BackstagePackagesIT skipped: " + reason));
            Assumptions.assumeTrue(missing.isEmpty(), () -> missing.orElse("") + "; skipped (set " + REQUIRE_NODE + "=true to fail instead)");
        }
    }

    @Test
    void theEntityProviderAndTheScaffolderActionPassTheirTestsAgainstALiveGateway() throws Exception {
        long ci = installed() ? 0 : npm(List.of("ci", "--no-audit", "--no-fund"), Map.of(), NPM_CI);
        Files.writeString(STAMP, lockHash());
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "backstage-it");
        try (DevMarketplace marketplace = DevMarketplace.start(new DevOptions(data, true, 0, 0, 0, 0))) {
            HttpClient http = HttpClient.newHttpClient();
            await("the dev run's demo catalog: postgres-database from both database teams, and kafka-topic").atMost(START)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        if (!marketplace.ready()) {
                            return false;
                        }
                        String postgres = body(http, marketplace.gatewayUrl() + "/v1/capabilities/postgres-database");
                        return postgres.contains("dba-eu") && postgres.contains("dba-us")
                                && body(http, marketplace.gatewayUrl() + "/v1/capabilities/kafka-topic").contains("streaming-team");
                    });

            long test = npm(List.of("test"), Map.of(
                    "CAPMARKET_BASE_URL", marketplace.gatewayUrl(),
                    "CAPMARKET_CONSUMER_TOKEN", DevMarketplace.CONSUMER_TOKEN,
                    "CAPMARKET_ADMIN_TOKEN", DevMarketplace.ADMIN_TOKEN), NPM_TEST);
            System.out.printf("BackstagePackagesIT: npm ci %.1f s, npm test %.1f s%n", ci / 1000.0, test / 1000.0);
        }
    }

    /**
     * Whether node_modules was installed by {@code npm ci} from this very package-lock.json (its hash
     * is kept in {@link #STAMP}), so that a local rerun skips the install; a fresh clone has none.
     */
    private static boolean installed() throws IOException {
        if (Files.exists(STAMP) && Files.readString(STAMP).equals(lockHash())) {
            System.out.println("BackstagePackagesIT: npm ci skipped, node_modules is installed from this package-lock.json");
            return true;
        }
        return false;
    }

    private static String lockHash() throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(PACKAGES.resolve("package-lock.json"))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Runs npm in the packages' directory, streaming its output; returns how long it took in milliseconds. */
    private static long npm(List<String> arguments, Map<String, String> environment, Duration timeout) throws Exception {
        List<String> command = new ArrayList<>(List.of("npm"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(PACKAGES.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("CI", "true");
        long started = System.nanoTime();
        Process process = builder.start();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> stream(process, tail), "npm-output");
        reader.start();
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            String what = "npm " + String.join(" ", arguments) + " in " + PACKAGES.toAbsolutePath().normalize();
            assertThat(exited).as(() -> what + " did not end within " + timeout.toSeconds() + " s; it ended with:\n" + joined(tail)).isTrue();
            assertThat(process.exitValue()).as(() -> what + " failed; it ended with:\n" + joined(tail)).isZero();
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static void stream(Process process, Deque<String> tail) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println("[npm] " + line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("[npm] output no longer readable: " + e.getMessage());
        }
    }

    private static String joined(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    private static String body(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + DevMarketplace.CONSUMER_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "";
    }

    /** Why Node.js and npm cannot run the packages' tests here, or empty when they can. */
    private static Optional<String> missingNode() {
        String install = " (Debian: apt-get install nodejs npm; the packages need Node.js " + NODE_MAJOR + " or newer)";
        Optional<String> node = run("node", "--version");
        if (node.isEmpty()) {
            return Optional.of("this test needs node on the PATH" + install);
        }
        Matcher version = VERSION.matcher(node.get());
        if (!version.find() || Integer.parseInt(version.group(1)) < NODE_MAJOR) {
            return Optional.of("this test needs Node.js " + NODE_MAJOR + " or newer, but node --version printed " + node.get().strip() + install);
        }
        if (run("npm", "--version").isEmpty()) {
            return Optional.of("this test needs npm on the PATH" + install);
        }
        return Optional.empty();
    }

    /** What a short command printed, or empty when it cannot be run or fails. */
    private static Optional<String> run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
