package io.capmarket.dev;

import io.capmarket.gateway.AccessConfig;
import io.capmarket.gateway.GatewayApp;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.testkit.dev.DevStack;
import io.capmarket.testkit.dev.DevStackOptions;
import io.capmarket.topology.app.TopologyApp;
import io.capmarket.topology.app.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The whole marketplace in one JVM on embedded defaults: an in-JVM KRaft broker and the
 * embedded schema registry, the topology, the gateway (in dev mode, with the documented demo
 * tokens) and three demo producers. Every component keeps its data under one directory, so a
 * restart keeps the catalog and every request.
 *
 * <p>{@linkplain DevOptions#secure() Secure}, the broker authenticates every client with
 * SASL/SCRAM-SHA-512 and authorizes it by ACLs, the registry asks for credentials, and every
 * component runs as its own principal, onboarded by the admin before it starts (see
 * {@link DevCredentials}): the topology, the gateway, each demo producer, and the
 * {@value DevCredentials#DEMO_TEAM} team's bots, whose settings are written for them to use.
 */
public final class DevMarketplace implements AutoCloseable {

    /** The dev-mode consumer token of team {@code demo-app}. */
    public static final String CONSUMER_TOKEN = "demo-consumer";
    /** The dev-mode admin token. */
    public static final String ADMIN_TOKEN = "demo-admin";

    private static final int PARTITIONS = 2;

    private final List<AutoCloseable> started;
    private final DevStack infrastructure;
    private final TopologyApp topology;
    private final GatewayApp gateway;
    private final Optional<DevCredentials> credentials;

    private DevMarketplace(List<AutoCloseable> started, DevStack infrastructure, TopologyApp topology, GatewayApp gateway,
            Optional<DevCredentials> credentials) {
        this.started = started;
        this.infrastructure = infrastructure;
        this.topology = topology;
        this.gateway = gateway;
        this.credentials = credentials;
    }

    /**
     * Starts the broker and the registry, then the topology and the gateway side by side (one after
     * the other on a secure first start), then the demo producers; on failure, stops what was started
     * and rethrows.
     */
    public static DevMarketplace start(DevOptions options) {
        List<AutoCloseable> started = new ArrayList<>();
        // a run before this one in the same data directory created the platform's topics
        boolean earlierRun = !options.reset() && Files.isDirectory(options.dataDirectory().resolve("topology"));
        try {
            DevStack infrastructure = DevStack.start(new DevStackOptions(options.dataDirectory(), options.kafkaPort(),
                    options.registryPort(), options.reset(), options.secure()));
            started.add(infrastructure);
            Path data = options.dataDirectory().toAbsolutePath();
            // secure: the admin onboards every principal (producers' topics and approvals included) before anything starts
            Optional<DevCredentials> credentials = options.secure()
                    ? Optional.of(DevCredentials.issue(infrastructure, PARTITIONS))
                    : Optional.empty();

            Map<String, String> topologySettings = new HashMap<>(credentials.map(DevCredentials::topologySettings)
                    .orElseGet(() -> connection(infrastructure)));
            topologySettings.put("shutdown.timeout", "10s");
            topologySettings.put(TopologyConfig.STATE_DIR, data.resolve("topology").toString());
            // one instance, restarted in place: it takes its tasks back at once after a crash
            topologySettings.put(TopologyConfig.INSTANCE_ID, "dev");
            topologySettings.put(TopologyConfig.HTTP_PORT, Integer.toString(options.topologyPort()));
            topologySettings.put(TopologyConfig.HTTP_HOST, "127.0.0.1");
            topologySettings.put(TopologyConfig.TOPICS_PARTITIONS, Integer.toString(PARTITIONS));
            if (credentials.isEmpty()) {
                topologySettings.put(TopologyConfig.PRODUCERS_APPROVED, DemoProducers.APPROVALS);
            }
            topologySettings.put(TopologyConfig.SCORECARD_INTERVAL, "5s");
            // the topology and the gateway start side by side (each provisions the topics it needs), except on
            // a secure first start: the gateway's principal may not create the platform's topics, the topology's does
            CompletableFuture<TopologyApp> topologyStart = !options.secure() || earlierRun
                    ? CompletableFuture.supplyAsync(() -> TopologyApp.start(TopologyConfig.of(topologySettings)),
                            DevMarketplace::startThread)
                    : CompletableFuture.completedFuture(TopologyApp.start(TopologyConfig.of(topologySettings)));

            Map<String, String> gatewaySettings = new HashMap<>(credentials.map(DevCredentials::gatewaySettings)
                    .orElseGet(() -> connection(infrastructure)));
            gatewaySettings.put("shutdown.timeout", "10s");
            gatewaySettings.put(GatewayConfig.STATE_DIR, data.resolve("gateway").toString());
            gatewaySettings.put(GatewayConfig.INSTANCE_ID, "dev");
            gatewaySettings.put(GatewayConfig.HTTP_PORT, Integer.toString(options.gatewayPort()));
            gatewaySettings.put(GatewayConfig.HTTP_HOST, "127.0.0.1");
            gatewaySettings.put(GatewayConfig.ADVERTISED_HOST, "127.0.0.1");
            gatewaySettings.put(GatewayConfig.TOPICS_PARTITIONS, Integer.toString(PARTITIONS));
            gatewaySettings.put(GatewayConfig.DEV_MODE, "true");
            // the demo team may try the portal's HIGH priority; CRITICAL stays the platform's (admin)
            gatewaySettings.put(AccessConfig.PRIORITY_GRANTS, "HIGH=demo-app");
            GatewayApp gateway;
            try {
                gateway = GatewayApp.start(GatewayConfig.of(gatewaySettings));
            } catch (RuntimeException e) {
                topologyStart.thenAccept(started::add).exceptionally(error -> null).join();
                throw e;
            }
            TopologyApp topology;
            try {
                topology = topologyStart.join();
            } catch (CompletionException e) {
                started.add(gateway);
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            started.add(topology);
            started.add(gateway);

            started.add(credentials.isPresent()
                    ? new DemoProducers(credentials.get()::producer)
                    : new DemoProducers(infrastructure.bootstrapServers(), infrastructure.registryUrl()));
            return new DevMarketplace(started, infrastructure, topology, gateway, credentials);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    private static void startThread(Runnable start) {
        Thread thread = new Thread(start, "capmarket-dev-topology-start");
        thread.setDaemon(true);
        thread.start();
    }

    private static Map<String, String> connection(DevStack infrastructure) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", infrastructure.bootstrapServers());
        settings.put("schema.registry.url", infrastructure.registryUrl());
        return settings;
    }

    /** Whether the gateway and the topology are both ready to serve. */
    public boolean ready() {
        return gateway.ready() && topology.ready();
    }

    /** The portal and API base URL. */
    public String gatewayUrl() {
        return "http://127.0.0.1:" + gateway.httpPort();
    }

    /** The topology's metrics and health base URL. */
    public String topologyUrl() {
        return "http://127.0.0.1:" + topology.httpPort();
    }

    public String bootstrapServers() {
        return infrastructure.bootstrapServers();
    }

    public String registryUrl() {
        return infrastructure.registryUrl();
    }

    public Path dataDirectory() {
        return infrastructure.dataDirectory();
    }

    /** Whether every component runs as its own principal on a broker with SASL and ACLs. */
    public boolean secure() {
        return credentials.isPresent();
    }

    /** Where each principal's client settings are, when secure. */
    public Optional<Path> credentialsDirectory() {
        return credentials.map(DevCredentials::directory);
    }

    /** Every principal's client settings file, the admin's first; none when not secure. */
    public List<Path> credentialFiles() {
        return credentials.map(DevCredentials::files).orElse(List.of());
    }

    /** Stops the producers, the gateway, the topology, then the registry and the broker. */
    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(List<AutoCloseable> started) {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the dev run failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
