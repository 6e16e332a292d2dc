package io.capmarket.dev;

import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/** {@code ./capmarket dev} ({@link DevCommand}): starts the {@link DevMarketplace}, prints where to look, stops cleanly on Ctrl-C. */
public final class DevMarketplaceMain {

    private static final java.time.Duration READY_WITHIN = java.time.Duration.ofMinutes(2);

    private DevMarketplaceMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DevCommand()).execute(args));
    }

    /**
     * Starts the marketplace, prints where to look once it is ready, and blocks until the JVM is
     * stopped (the shutdown hook closes it).
     *
     * @return 1 when it was not ready in time; otherwise it does not return
     */
    public static int run(DevOptions options) throws InterruptedException {
        long started = System.nanoTime();
        RunMarker marker = new RunMarker(options.dataDirectory());
        if (!options.reset() && marker.leftByUncleanStop()) {
            System.out.println("capmarket dev: the previous run in " + options.dataDirectory().toAbsolutePath()
                    + " did not stop cleanly; the topology restores its exactly-once state from Kafka");
        }
        // the shutdown hook is in place before anything starts: a Ctrl-C while starting leaves the marker
        DevRun<DevMarketplace> run = new DevRun<>(marker);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("capmarket dev: stopping");
            run.stop();
            stopped.countDown();
        }, "capmarket-dev-shutdown"));
        DevMarketplace marketplace = run.start(() -> DevMarketplace.start(options));
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!marketplace.ready()) {
            if (System.nanoTime() > deadline) {
                System.err.println("capmarket dev: not ready after " + READY_WITHIN.toSeconds() + " s; see the log above");
                return 1;
            }
            Thread.sleep(100);
        }
        String url = marketplace.gatewayUrl();
        String security = "";
        if (marketplace.secure()) {
            StringBuilder files = new StringBuilder();
            for (java.nio.file.Path file : marketplace.credentialFiles()) {
                files.append(files.length() == 0 ? "" : ", ").append(file.getFileName());
            }
            security = String.format("""
                      Security          SASL/SCRAM-SHA-512 and ACLs (nothing without an ACL); the registry asks for credentials
                      Credentials       %s/   (readable by you only; new passwords on every start)
                                        %s
                                        admin.properties is the --command-config of ./capmarket producer onboard
                    """, marketplace.credentialsDirectory().orElseThrow(), files);
        }
        System.out.printf("""

                capmarket dev is ready (%.1f s)

                  Portal            %s/
                  API               %s/v1   (OpenAPI: %s/openapi.json)
                  Topology metrics  %s/metrics
                  Kafka broker      %s
                  Schema registry   %s
                  Data              %s   (./capmarket dev --reset wipes it)
                %s
                  Demo tokens (dev mode only): team demo-app, consumer token %s; admin token %s
                  Demo producers: dba-eu and dba-us (postgres-database, eu-west / us-east), streaming-team (kafka-topic)

                Submit a request:

                  curl -si -X POST %s/v1/requests \\
                    -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -H 'Idempotency-Key: my-first-db' \\
                    -d '{"capability":"postgres-database","version":1,"parameters":{"size":"small"},"constraints":{"region":["eu-west"]},"priority":"NORMAL"}'

                then wait for it to be fulfilled, using the Location header of the answer:

                  curl -s -H 'Authorization: Bearer %s' '%s/v1/requests/<id>?waitFor=FULFILLED&timeout=30s'

                A large database ("size":"large") waits in PENDING_APPROVAL for an admin; approve it with the admin token:

                  curl -si -X POST -H 'Authorization: Bearer %s' %s/v1/requests/<id>/approve

                Press Ctrl-C to stop.
                """, (System.nanoTime() - started) / 1e9, url, url, url, marketplace.topologyUrl(),
                marketplace.bootstrapServers(), marketplace.registryUrl(), marketplace.dataDirectory(), security,
                DevMarketplace.CONSUMER_TOKEN, DevMarketplace.ADMIN_TOKEN, url, DevMarketplace.CONSUMER_TOKEN,
                DevMarketplace.CONSUMER_TOKEN, url, DevMarketplace.ADMIN_TOKEN, url);
        stopped.await();
        return 0;
    }
}
