package io.capmarket.spring;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test kit's broker and registry ({@code ./capmarket dev}'s) in a JVM of their own, with the
 * SDK's Kafka on its classpath, for tests whose own JVM has another kafka-clients.
 */
final class ChildStack implements AutoCloseable {

    private static final Pattern BROKER = Pattern.compile("Kafka broker\\s+(\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("Schema registry\\s+(\\S+)");

    private final Process process;
    private final String bootstrapServers;
    private final String registryUrl;

    private ChildStack(Process process, String bootstrapServers, String registryUrl) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    /** Starts the stack with its data under {@code dir}, on the classpath the build wrote to {@code capmarket.stack-classpath-file}. */
    static ChildStack start(Path dir) throws IOException {
        String classpath = Files.readString(Path.of(System.getProperty("capmarket.stack-classpath-file"))).trim();
        Path log = dir.resolve("stack.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + dir, "-Dkafka.broker=" + System.getProperty("kafka.broker", "auto"),
                "-cp", classpath, "io.capmarket.testkit.dev.DevStackMain", "--data-dir", dir.resolve("data").toString(),
                "--kafka-port", "0", "--registry-port", "0") // the stack picks its ports and prints them
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> !process.isAlive() || Files.readString(log).contains("is running"));
            String out = Files.readString(log);
            Matcher broker = BROKER.matcher(out);
            Matcher registry = REGISTRY.matcher(out);
            if (!process.isAlive() || !broker.find() || !registry.find()) {
                throw new IllegalStateException("the broker's JVM did not start; its output:\n" + out);
            }
            return new ChildStack(process, broker.group(1), registry.group(1));
        } catch (RuntimeException | IOException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String registryUrl() {
        return registryUrl;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
