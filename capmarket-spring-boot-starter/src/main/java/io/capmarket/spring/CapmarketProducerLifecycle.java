package io.capmarket.spring;

import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.CapmarketProducerBuilder;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.spring.internal.Dispatcher;
import io.capmarket.spring.internal.HandlerRegistry;
import io.capmarket.spring.internal.HeartbeatState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;

/**
 * Owns the application's {@link CapmarketProducer}: builds it when the application context has
 * been refreshed (every {@link CapmarketHandler} bean exists by then), and closes it when the
 * context closes — heartbeats stop, running handlers get {@code capmarket.shutdown-timeout} to
 * settle, and what still runs is handed back to the next process. It starts in the last phase and
 * stops in the first, so handlers run only while the beans they use are up. Inject it to reach
 * the client ({@link #producer()}: pause an offer, report work handed off).
 */
public final class CapmarketProducerLifecycle implements SmartLifecycle, SmartInitializingSingleton {

    private static final Logger LOG = LoggerFactory.getLogger(CapmarketProducerLifecycle.class);

    /**
     * What the health indicator shows.
     *
     * @param heartbeatInterval how often a heartbeat is due
     */
    public record Status(boolean running, String producerId, int offers, int inFlight, Instant lastHeartbeat, boolean healthy,
            String heartbeatError, Duration heartbeatInterval) {
    }

    private final Supplier<CapmarketProducerBuilder> settings;
    private final String producerId;
    private final List<Offer> offers;
    private final HandlerRegistry handlers;
    private final List<ProducerListener> listeners;
    private final HealthCheck healthCheck;
    private final boolean publishOffers;
    private final boolean autoStartup;
    private final Duration heartbeatInterval;
    private final HeartbeatState heartbeat = new HeartbeatState(Clock.systemUTC());
    private volatile CapmarketProducer producer;

    /**
     * @param settings a fresh builder with the client's settings and the offers declared, at each start
     * @param producerId the producer the client acts for
     * @param offers the offers declared on the builder
     * @param handlers the {@link CapmarketHandler} handlers found in the context
     * @param listeners observers of the client, metrics among them
     * @param healthCheck the team's health check, sent with every heartbeat
     * @param publishOffers whether to publish the declared offers at start
     * @param autoStartup whether to start with the context
     * @param heartbeatInterval how often the client heartbeats
     */
    CapmarketProducerLifecycle(Supplier<CapmarketProducerBuilder> settings, String producerId, List<Offer> offers, HandlerRegistry handlers,
            List<ProducerListener> listeners, HealthCheck healthCheck, boolean publishOffers, boolean autoStartup,
            Duration heartbeatInterval) {
        this.settings = settings;
        this.producerId = producerId;
        this.offers = List.copyOf(offers);
        this.handlers = handlers;
        this.listeners = List.copyOf(listeners);
        this.healthCheck = healthCheck;
        this.publishOffers = publishOffers;
        this.autoStartup = autoStartup;
        this.heartbeatInterval = heartbeatInterval;
    }

    /** Once every bean exists: checks that every declared offer's capability has a handler, so the context fails now if not. */
    @Override
    public void afterSingletonsInstantiated() {
        requireHandlers(handlers.handlers());
    }

    /**
     * Builds and starts the client and, with {@code capmarket.publish-offers}, publishes the offers.
     */
    @Override
    public synchronized void start() {
        if (producer != null) {
            return;
        }
        Map<String, HandlerRegistry.Registered> found = handlers.handlers();
        requireHandlers(found);
        CapmarketProducerBuilder configured = settings.get().asyncHandler(new Dispatcher(found)).healthCheck(healthCheck)
                .listener(heartbeat);
        listeners.forEach(configured::listener);
        CapmarketProducer started = configured.build();
        producer = started;
        if (publishOffers) {
            offers.forEach(started::publish);
        }
        LOG.info("capmarket producer {} started: handlers for {}, offers {}", started.producerId(), found.keySet(),
                offers.stream().map(Offer::offerId).toList());
    }

    private void requireHandlers(Map<String, HandlerRegistry.Registered> found) {
        Set<String> unhandled = new TreeSet<>();
        offers.forEach(offer -> {
            if (!found.containsKey(offer.capability())) {
                unhandled.add(offer.offerId() + " (" + offer.capability() + ")");
            }
        });
        if (!unhandled.isEmpty()) {
            throw new IllegalStateException("every offer's capability must have a @CapmarketHandler, but these offers have none: "
                    + unhandled);
        }
    }

    @Override
    public synchronized void stop() {
        CapmarketProducer running = producer;
        producer = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean isRunning() {
        return producer != null;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    /**
     * The running client.
     *
     * @throws IllegalStateException before the context started it or after it stopped
     */
    public CapmarketProducer producer() {
        CapmarketProducer running = producer;
        if (running == null) {
            throw new IllegalStateException("the capmarket producer is not running: it starts once the application context "
                    + "has been refreshed (capmarket.auto-startup) and stops when it closes");
        }
        return running;
    }

    /** The producer the client acts for. */
    public String producerId() {
        return producerId;
    }

    /** The client's state now. */
    public Status status() {
        CapmarketProducer running = producer;
        HeartbeatState.Last last = heartbeat.last();
        return new Status(running != null, producerId, running == null ? 0 : running.offers().size(),
                running == null ? 0 : running.inFlight(), last == null ? null : last.at(), last != null && last.healthy(),
                last == null ? null : last.error(), heartbeatInterval);
    }
}
