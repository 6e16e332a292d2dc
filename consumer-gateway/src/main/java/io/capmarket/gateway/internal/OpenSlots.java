package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.gateway.TooManyRequestsException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds what callers hold open on an instance (long-polls, event streams): at most
 * {@code perTeam} for one team and {@code perInstance} in all. A team at its bound gets
 * {@code 429}; an instance at its bound {@code 503}, so that a load balancer tries another.
 */
public final class OpenSlots {

    /** One held slot; closing it gives it back (once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final String what;
    private final int perTeam;
    private final int perInstance;
    private final GatewayMetrics metrics;
    private final Map<String, Integer> byTeam = new HashMap<>();
    private int total;

    /**
     * @param what what is held, for errors and the metric's label ({@code long-polls}, {@code event-streams})
     */
    public OpenSlots(String what, int perTeam, int perInstance, GatewayMetrics metrics) {
        this.what = what;
        this.perTeam = perTeam;
        this.perInstance = perInstance;
        this.metrics = metrics;
    }

    /**
     * Takes a slot for the caller's team.
     *
     * @throws TooManyRequestsException when the team holds its bound
     * @throws RetryLaterException when this instance holds its bound
     */
    public synchronized Slot open(Principal caller) {
        int team = byTeam.getOrDefault(caller.team(), 0);
        if (team >= perTeam) {
            metrics.limitRefused(what + "-per-team");
            throw new TooManyRequestsException("team " + caller.team() + " holds " + team + " " + what + " open, its limit here; "
                    + "close some or retry later", RETRY_AFTER);
        }
        if (total >= perInstance) {
            metrics.limitRefused(what + "-per-instance");
            throw new RetryLaterException("this instance holds " + total + " " + what + " open, its limit", RETRY_AFTER);
        }
        byTeam.put(caller.team(), team + 1);
        total++;
        boolean[] closed = new boolean[1];
        return () -> {
            synchronized (OpenSlots.this) {
                if (!closed[0]) {
                    closed[0] = true;
                    byTeam.computeIfPresent(caller.team(), (t, n) -> n <= 1 ? null : n - 1);
                    total--;
                }
            }
        };
    }

    /** How many are open now. */
    public synchronized int open() {
        return total;
    }
}
