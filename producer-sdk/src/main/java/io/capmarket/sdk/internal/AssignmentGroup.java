package io.capmarket.sdk.internal;

import io.capmarket.schemas.runtime.StreamsRecovery;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;

/**
 * The group settings of the consumer of a producer's assignments, by the group protocol its
 * settings ask for. Kafka's consumer group protocol (KIP-848, {@code group.protocol=consumer}) needs
 * none: the broker keeps the session and assigns the partitions, incrementally as cooperative-sticky
 * does, and the consumer refuses the classic protocol's settings. The classic protocol, the default
 * (brokers before 4.0 speak only it), gets two, each unless the user set it:
 * <ul>
 * <li>a session of seconds ({@link StreamsRecovery#SESSION_TIMEOUT}), so that a crashed process's
 *     assignments move to its peers (or its restart) after seconds, not Kafka's default 45 s;</li>
 * <li>cooperative rebalancing: a process joining or leaving moves only the partitions that change
 *     owner, and work running from those is waited for before they go ({@code rebalanceDrain}),
 *     while the others keep their work. Kafka's default list, [RangeAssignor,
 *     CooperativeStickyAssignor], rebalances eagerly: every partition is revoked at every join. A
 *     group of processes on both lists (a rolling upgrade) agrees on cooperative-sticky, the only
 *     assignor all of them name, and that assignor never gives a partition to a member before its
 *     owner has revoked it; the older members keep revoking all their partitions at each rebalance
 *     until they are upgraded too (Kafka's documented path from eager to cooperative).</li>
 * </ul>
 */
public final class AssignmentGroup {

    private AssignmentGroup() {
    }

    /** Adds to {@code groupConfig}, the assignments consumer's settings, what its group protocol needs. */
    public static void complete(Map<String, Object> groupConfig) {
        Object protocol = groupConfig.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        if (protocol != null && GroupProtocol.CONSUMER.name().equalsIgnoreCase(protocol.toString().trim())) { // Kafka trims it too
            return;
        }
        groupConfig.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) StreamsRecovery.SESSION_TIMEOUT.toMillis());
        groupConfig.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) StreamsRecovery.HEARTBEAT_INTERVAL.toMillis());
        groupConfig.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    }
}
