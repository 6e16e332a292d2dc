package io.capmarket.topology.core;

import java.time.Instant;

/**
 * A producer's last sign of life.
 *
 * @param lastHeartbeat when its last heartbeat was sent
 * @param healthy whether its own health check passed then
 */
public record ProducerLiveness(Instant lastHeartbeat, boolean healthy) {
}
