package io.capmarket.testkit.dev;

import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/** {@code ./capmarket infra}: starts the {@link DevStack}, prints where to look, stops on Ctrl-C. */
public final class DevStackMain {

    private DevStackMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DevStackCommand()).execute(args));
    }

    /** Starts the stack, prints where to look, and blocks until the JVM is stopped (the shutdown hook closes it). */
    public static void run(DevStackOptions options) throws InterruptedException {
        long started = System.nanoTime();
        DevStack stack = DevStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("capmarket dev: stopping");
            stack.close();
            stopped.countDown();
        }, "capmarket-dev-shutdown"));
        String security = "";
        if (stack.secure()) {
            security = "  Security          SASL/SCRAM-SHA-512 and ACLs; the admin's client settings are in "
                    + stack.writeAdminSettings() + "\n";
        }
        System.out.printf("""

                capmarket dev is running (ready in %.1f s)
                  Kafka broker      %s
                  Schema registry   %s   (Confluent API: try %s/subjects)
                %s  Data              %s   (./capmarket dev --reset wipes it)

                Press Ctrl-C to stop.
                """, (System.nanoTime() - started) / 1e9, stack.bootstrapServers(), stack.registryUrl(),
                stack.registryUrl(), security, stack.dataDirectory());
        stopped.await();
    }
}
