package io.capmarket.spring;

import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator's view of the producer ({@code /actuator/health/capmarket}): DOWN while the client is
 * not running, when the latest heartbeat could not be sent, when none was sent for
 * {@value #MISSED_HEARTBEATS} intervals (the heartbeat is held up, by a health check that does not
 * return, say), or when the team's health checks said unhealthy (the marketplace then matches no
 * work here); UNKNOWN until the first heartbeat; UP otherwise. Details: producer, offers, work in
 * flight, latest heartbeat.
 */
public final class CapmarketHealthIndicator extends AbstractHealthIndicator {

    /** Heartbeat intervals without a heartbeat after which the producer is reported DOWN. */
    static final int MISSED_HEARTBEATS = 3;

    private final CapmarketProducerLifecycle lifecycle;

    /** Reports on {@code lifecycle}'s client. */
    public CapmarketHealthIndicator(CapmarketProducerLifecycle lifecycle) {
        super("capmarket health check failed");
        this.lifecycle = lifecycle;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        report(lifecycle.status(), Instant.now(), builder);
    }

    /** The health of a producer in {@code status} at {@code now}. */
    static void report(CapmarketProducerLifecycle.Status status, Instant now, Health.Builder builder) {
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
        } else if (status.lastHeartbeat().plus(status.heartbeatInterval().multipliedBy(MISSED_HEARTBEATS)).isBefore(now)) {
            builder.down().withDetail("reason", "no heartbeat for " + Duration.between(status.lastHeartbeat(), now).toSeconds()
                    + " s, where one is due every " + status.heartbeatInterval().toSeconds() + " s: the heartbeat is held up (a health "
                    + "check that does not return?), and the marketplace stops matching work here past its liveness bound");
        } else if (!status.healthy()) {
            builder.down().withDetail("reason", "the producer reports unhealthy (the team's health check, or its assignment "
                    + "consumer stopped on an error): no work is matched here");
        } else {
            builder.up();
        }
    }
}
