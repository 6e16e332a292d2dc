package io.capmarket.spring;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator's view of the producer ({@code /actuator/health/capmarket}): DOWN while the client is
 * not running, when the latest heartbeat could not be sent, or when the team's health check said
 * unhealthy (the marketplace then matches no work here); UNKNOWN until the first heartbeat; UP
 * otherwise. Details: producer, offers, work in flight, latest heartbeat.
 */
public final class CapmarketHealthIndicator extends AbstractHealthIndicator {

    private final CapmarketProducerLifecycle lifecycle;

    /** Reports on {@code lifecycle}'s client. */
    public CapmarketHealthIndicator(CapmarketProducerLifecycle lifecycle) {
        super("capmarket health check failed");
        this.lifecycle = lifecycle;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        CapmarketProducerLifecycle.Status status = lifecycle.status();
        builder.withDetail("producerId", status.producerId()).withDetail("offers", status.offers())
                .withDetail("inFlight", status.inFlight());
        if (status.lastHeartbeat() != null) {
            builder.withDetail("lastHeartbeat", status.lastHeartbeat().toString());
        }
        if (!status.running()) {
            builder.down().withDetail("reason", "the producer client is not running");
        } else if (status.heartbeatError() != null) {
            builder.down().withDetail("reason", "the latest heartbeat could not be sent: " + status.heartbeatError());
        } else if (status.lastHeartbeat() == null) {
            builder.unknown().withDetail("reason", "no heartbeat sent yet");
        } else if (!status.healthy()) {
            builder.down().withDetail("reason", "the producer reports unhealthy (the team's health check, or its assignment "
                    + "consumer stopped on an error): no work is matched here");
        } else {
            builder.up();
        }
    }
}
