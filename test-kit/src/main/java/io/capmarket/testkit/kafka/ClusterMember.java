package io.capmarket.testkit.kafka;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One node's place in a KRaft cluster of several combined broker-and-controller nodes.
 *
 * @param nodeId the node's {@code node.id}, at least 1
 * @param controllerPort the port of its controller listener on 127.0.0.1
 * @param voters the quorum, as Kafka's {@code controller.quorum.voters}: {@code id@host:port} for every node
 * @param clusterId the id every node's storage is formatted with (a Kafka {@code Uuid} in base64)
 */
public record ClusterMember(int nodeId, int controllerPort, String voters, String clusterId) {

    private static final Pattern VOTERS = Pattern.compile("\\d+@[^,@:]+:\\d+(,\\d+@[^,@:]+:\\d+)*");

    public ClusterMember {
        if (nodeId < 1) {
            throw new IllegalArgumentException("nodeId must be at least 1, but was " + nodeId);
        }
        if (controllerPort < 1 || controllerPort > 65535) {
            throw new IllegalArgumentException("controllerPort must be between 1 and 65535, but was " + controllerPort);
        }
        if (voters == null || !VOTERS.matcher(voters).matches()) {
            throw new IllegalArgumentException("voters must be id@host:port entries separated by commas, but was " + voters);
        }
        if (!voters.matches("(.*,)?" + nodeId + "@.*")) {
            throw new IllegalArgumentException("voters must name node " + nodeId + " itself, but were " + voters);
        }
        Objects.requireNonNull(clusterId, "clusterId");
    }
}
