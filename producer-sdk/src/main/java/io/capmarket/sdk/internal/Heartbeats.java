package io.capmarket.sdk.internal;

import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.ProducerNotOnboardedException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link ProducerHeartbeat} now and then every interval, with the in-flight count and the
 * team's health check, to the producer's own heartbeats topic keyed by instanceId: one compacted
 * entry per process of the producer (the topology attributes it to the producer by the topic).
 */
public final class Heartbeats {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final ScheduledExecutorService scheduler;
    private final Publisher publisher;
    private final Topic<String, ProducerHeartbeat> topic;
    private final String producerId;
    private final String instanceId;
    private final HealthCheck healthCheck;
    private final IntSupplier inFlight;
    private final Clock clock;
    private final ProducerListener listener;
    private volatile boolean toldNotOnboarded;
    /** Set once {@link #stopDraining} sent the last heartbeat: a beat still under way sends nothing after it. Guarded by this. */
    private boolean stopped;

    public Heartbeats(Publisher publisher, Topic<String, ProducerHeartbeat> topic, String producerId, String instanceId,
            HealthCheck healthCheck, IntSupplier inFlight, Clock clock, ProducerListener listener) {
        this.publisher = publisher;
        this.topic = topic;
        this.producerId = producerId;
        this.instanceId = instanceId;
        this.healthCheck = healthCheck;
        this.inFlight = inFlight;
        this.clock = clock;
        this.listener = listener;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "capmarket-heartbeat-" + producerId);
            t.setDaemon(true);
            return t;
        });
    }

    public void start(Duration interval) {
        scheduler.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One heartbeat; public for tests and for the first beat. */
    public void beat() {
        boolean healthy;
        try {
            healthy = healthCheck.healthy();
        } catch (Exception e) {
            LOG.warn("health check threw; reporting unhealthy: {}", e.toString());
            healthy = false;
        }
        synchronized (this) {
            // a health check that outlasted stop() would otherwise send healthy after the last, unhealthy heartbeat
            if (!stopped) {
                send(healthy);
            }
        }
    }

    /**
     * Stops the heartbeats with a last one that says unhealthy, whatever the health check says: the
     * process is closing and takes no new work, so the marketplace stops matching to it now rather
     * than once its last healthy heartbeat has aged past the liveness bound. The heartbeat schema has
     * no way to say "draining"; unhealthy keeps new work away just the same. Sent without waiting,
     * ahead of the reports of the work still draining.
     */
    public void stopDraining() {
        stop();
        LOG.info("heartbeating unhealthy while closing, so that no new work is matched to instance {}", instanceId);
        synchronized (this) {
            stopped = true;
            send(false);
        }
    }

    private void send(boolean healthy) {
        int count = inFlight.getAsInt();
        try {
            publisher.fireAndForget(topic, instanceId, new ProducerHeartbeat(producerId, instanceId, clock.instant(), count, healthy),
                    (metadata, error) -> {
                        if (error == null) {
                            listener.heartbeatSent(count, healthy);
                        } else {
                            LOG.warn("heartbeat not sent: {}", error.toString());
                            listener.heartbeatFailed(error);
                        }
                    });
        } catch (ProducerNotOnboardedException e) {
            if (!toldNotOnboarded) {
                LOG.warn("heartbeats not sent until the producer is onboarded: {}", e.getMessage());
                toldNotOnboarded = true;
            }
            listener.heartbeatFailed(e);
        } catch (RuntimeException e) {
            LOG.warn("heartbeat not sent: {}", e.toString());
            listener.heartbeatFailed(e);
        }
    }

    public void stop() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
