package io.capmarket.testkit.kafka;

import static io.capmarket.testkit.kafka.EmbeddedKafkaBroker.AUTHORIZER;
import static io.capmarket.testkit.kafka.EmbeddedKafkaBroker.SCRAM_MECHANISM;
import static io.capmarket.testkit.kafka.EmbeddedKafkaBroker.SECURE_LISTENER;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of one KRaft node of an {@link EmbeddedKafkaBroker}, broker and controller in
 * one: its listeners (SASL/SCRAM with ACLs when it has an admin user, plaintext otherwise), a
 * single node's replication settings and the test JVM's small buffers, then the overrides given.
 *
 * @param nodeId the node's id
 * @param voters the controller quorum ({@code id@host:port,...})
 * @param host the address both listeners bind and advertise
 * @param port the client listener's port
 * @param controllerPort the controller listener's port
 * @param adminUser the super user of a secure node, or null for a plaintext one
 * @param adminPassword the super user's SCRAM password (secure only)
 * @param logDirectory where the node keeps its log
 * @param defaultPartitions partitions of topics created automatically
 * @param overrides settings that replace the ones above
 */
record NodeProperties(int nodeId, String voters, String host, int port, int controllerPort, String adminUser,
        String adminPassword, Path logDirectory, int defaultPartitions, Map<String, String> overrides) {

    /** The node's configuration; {@code controllerPassword} is the controller listener's secret in secure mode. */
    Properties properties(String controllerPassword) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(nodeId));
        config.put("controller.quorum.voters", voters);
        config.put("controller.listener.names", "CONTROLLER");
        if (adminUser != null) {
            config.put("listeners", SECURE_LISTENER + "://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
            config.put("advertised.listeners", SECURE_LISTENER + "://" + host + ":" + port);
            config.put("listener.security.protocol.map", SECURE_LISTENER + ":SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
            config.put("inter.broker.listener.name", SECURE_LISTENER);
            config.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
            config.put("sasl.mechanism.controller.protocol", "PLAIN");
            String client = "listener.name." + SECURE_LISTENER.toLowerCase(Locale.ROOT) + ".";
            config.put(client + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
            config.put(client + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    jaas("org.apache.kafka.common.security.scram.ScramLoginModule", adminUser, adminPassword, ""));
            config.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            // One static user, this node, under the admin's principal; the password exists only in this JVM.
            config.put("listener.name.controller.plain.sasl.jaas.config",
                    jaas("org.apache.kafka.common.security.plain.PlainLoginModule", adminUser, controllerPassword,
                            " user_" + adminUser + "=\"" + controllerPassword + "\""));
            config.put("authorizer.class.name", AUTHORIZER);
            config.put("allow.everyone.if.no.acl.found", "false");
            config.put("super.users", "User:" + adminUser);
        } else {
            config.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
            config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
            config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            config.put("inter.broker.listener.name", "PLAINTEXT");
        }
        config.put("log.dirs", logDirectory.toString());
        config.put("num.partitions", Integer.toString(defaultPartitions));
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("auto.create.topics.enable", "true");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("share.coordinator.state.topic.num.partitions", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // A member killed mid-transaction leaves it open; until the coordinator aborts it, readers of
        // its partitions (a survivor taking over its tasks among them) stop at it. The coordinator
        // looks for expired transactions every 10 s by default, which adds up to 10 s to a fail-over.
        config.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // The cleaner's default 128 MiB dedupe buffer is allocated up front; test JVMs are small.
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        config.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }

    /** Names the node and its listeners; never the admin's password. */
    @Override
    public String toString() {
        return "NodeProperties[nodeId=" + nodeId + ", voters=" + voters + ", host=" + host + ", port=" + port + ", controllerPort="
                + controllerPort + ", adminUser=" + adminUser + ", logDirectory=" + logDirectory + "]";
    }

    /** A JAAS login line for {@code loginModule} with the user, its password and {@code extra} options. */
    static String jaas(String loginModule, String user, String password, String extra) {
        return loginModule + " required username=\"" + user + "\" password=\"" + password + "\"" + extra + ";";
    }

}
