package io.capmarket.sdk;

/**
 * The producer team's own health check, called before every heartbeat on the heartbeat thread.
 * Return false (or throw) when the service cannot do work now — its cloud account is locked, its
 * database is down — and the marketplace stops matching requests to this producer until a healthy
 * heartbeat comes. Keep it fast: it delays the heartbeat.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Always healthy. */
    HealthCheck ALWAYS_HEALTHY = () -> true;

    /** Whether the producer can take work now. */
    boolean healthy() throws Exception;
}
