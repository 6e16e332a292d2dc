package io.capmarket.dev;

import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.onboarding.Onboarding;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.dev.DevStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The principals of the secure dev run, onboarded as a platform team would: the topology and the
 * gateway, every demo producer (topics, schemas, credential, ACLs, approval) and the demo team's
 * bots. Each principal's client settings are written to {@code <data>/credentials/<principal>.properties}
 * (the admin's, {@code admin.properties}, beside them), readable by their owner only. Passwords are
 * new on every start; the admin's stays with the data.
 */
final class DevCredentials {

    /** The demo team: the dev-mode consumer token's team, whose bots get a principal too. */
    static final String DEMO_TEAM = "demo-app";

    private final Path directory;
    private final ClientSettings topology;
    private final ClientSettings gateway;
    private final Map<String, ClientSettings> producers;
    private final ClientSettings team;
    private final List<Path> files;

    private DevCredentials(Path directory, ClientSettings topology, ClientSettings gateway, Map<String, ClientSettings> producers,
            ClientSettings team, List<Path> files) {
        this.directory = directory;
        this.topology = topology;
        this.gateway = gateway;
        this.producers = producers;
        this.team = team;
        this.files = files;
    }

    /**
     * Onboards every principal of the dev run with the stack's admin and writes their settings.
     *
     * @param partitions the partitions of the topics onboarding creates (the topology's and gateway's {@code topics.partitions})
     */
    static DevCredentials issue(DevStack stack, int partitions) {
        Path directory = DevStack.ownerOnlyDirectory(stack.dataDirectory().resolve("credentials"));
        List<Path> files = new ArrayList<>();
        files.add(stack.writeAdminSettings());
        Map<String, Object> adminSerde = new HashMap<>();
        adminSerde.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        stack.registryAdminUserInfo().ifPresent(userInfo -> adminSerde.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, userInfo));
        Topics topics = Topics.builder().partitions(partitions).serdeConfig(adminSerde).build();
        AccessPolicy policy = AccessPolicy.of(topics);
        Onboarding.Builder builder = Onboarding.builder(topics, stack.adminClientConfig());
        stack.registryReaderUserInfo().ifPresent(builder::clientRegistryUserInfo);
        stack.registryAdminUserInfo().ifPresent(builder::platformRegistryUserInfo);
        try (Onboarding onboarding = builder.build()) {
            ClientSettings topology = write(directory, files, onboarding.onboardPlatform(policy.topology()).clientSettings(),
                    policy.topology().user(), "the topology's client settings (capmarket dev --secure)");
            ClientSettings gateway = write(directory, files, onboarding.onboardPlatform(policy.gateway()).clientSettings(),
                    policy.gateway().user(), "the gateway's client settings (capmarket dev --secure)");
            Map<String, ClientSettings> producers = new LinkedHashMap<>();
            DemoProducers.PRODUCERS.forEach((producerId, capabilities) -> producers.put(producerId, write(directory, files,
                    onboarding.onboardProducer(producerId, capabilities, "capmarket dev").clientSettings(),
                    policy.producer(producerId).user(), "producer " + producerId + "'s client settings (capmarket dev --secure)")));
            ClientSettings team = write(directory, files, onboarding.onboardTeam(DEMO_TEAM, "capmarket dev").clientSettings(),
                    policy.team(DEMO_TEAM).user(), "team " + DEMO_TEAM + "'s bots' client settings (capmarket dev --secure)");
            return new DevCredentials(directory, topology, gateway, Map.copyOf(producers), team, List.copyOf(files));
        }
    }

    private static ClientSettings write(Path directory, List<Path> files, ClientSettings settings, String principal, String header) {
        files.add(settings.write(directory.resolve(principal + ".properties"), header + "; rewritten with a new password on every start"));
        return settings;
    }

    /** The topology's settings in its configuration's keys ({@code streams.*} for Kafka's security settings). */
    Map<String, String> topologySettings() {
        return topology.applicationSettings();
    }

    /** The gateway's settings in its configuration's keys. */
    Map<String, String> gatewaySettings() {
        return gateway.applicationSettings();
    }

    /** A demo producer's client settings, as its SDK client takes them. */
    Map<String, ?> producer(String producerId) {
        ClientSettings settings = producers.get(producerId);
        if (settings == null) {
            throw new IllegalArgumentException("producerId must be one of the demo producers " + producers.keySet()
                    + ", but was '" + producerId + "'");
        }
        return settings.asMap();
    }

    /** The demo team's bots' client settings. */
    ClientSettings team() {
        return team;
    }

    /** Where the settings files are. */
    Path directory() {
        return directory;
    }

    /** Every settings file written, the admin's first. */
    List<Path> files() {
        return files;
    }
}
