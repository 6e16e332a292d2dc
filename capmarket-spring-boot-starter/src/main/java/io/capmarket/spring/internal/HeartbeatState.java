package io.capmarket.spring.internal;

import io.capmarket.sdk.ProducerListener;
import java.time.Clock;
import java.time.Instant;

/** Remembers the outcome of the latest heartbeat, for the health indicator. Thread-safe. */
public final class HeartbeatState implements ProducerListener {

    /** The latest heartbeat: when, whether the team's health check said healthy, and the error if it could not be sent. */
    public record Last(Instant at, boolean healthy, String error) {
    }

    private final Clock clock;
    private volatile Last last;

    /** Dates heartbeats with {@code clock}. */
    public HeartbeatState(Clock clock) {
        this.clock = clock;
    }

    /** The latest heartbeat, or null before the first. */
    public Last last() {
        return last;
    }

    @Override
    public void heartbeatSent(int inFlight, boolean healthy) {
        last = new Last(clock.instant(), healthy, null);
    }

    @Override
    public void heartbeatFailed(Throwable error) {
        last = new Last(clock.instant(), false, String.valueOf(error.getMessage()));
    }
}
