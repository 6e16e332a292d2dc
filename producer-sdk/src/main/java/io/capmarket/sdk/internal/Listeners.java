package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.ProducerListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls every listener in order; a listener that throws is logged and skipped, never breaks the SDK. */
public final class Listeners implements ProducerListener {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<ProducerListener> listeners;

    public Listeners(List<ProducerListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<ProducerListener> call) {
        for (ProducerListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("producer listener {} threw; ignored", l.getClass().getName(), e);
            }
        }
    }

    @Override
    public void offerPublished(Offer offer) {
        each(l -> l.offerPublished(offer));
    }

    @Override
    public void offerWithdrawn(String offerId) {
        each(l -> l.offerWithdrawn(offerId));
    }

    @Override
    public void heartbeatSent(int inFlight, boolean healthy) {
        each(l -> l.heartbeatSent(inFlight, healthy));
    }

    @Override
    public void heartbeatFailed(Throwable error) {
        each(l -> l.heartbeatFailed(error));
    }

    @Override
    public void assignmentReceived(Assignment assignment) {
        each(l -> l.assignmentReceived(assignment));
    }

    @Override
    public void operationReceived(Assignment assignment) {
        each(l -> l.operationReceived(assignment));
    }

    @Override
    public void assignmentCancelled(Assignment assignment, boolean wasRunning) {
        each(l -> l.assignmentCancelled(assignment, wasRunning));
    }

    @Override
    public void reported(AssignmentRef ref, FulfilmentKind kind) {
        each(l -> l.reported(ref, kind));
    }

    @Override
    public void progressCoalesced(AssignmentRef ref) {
        each(l -> l.progressCoalesced(ref));
    }

    @Override
    public void handlerCompleted(Assignment assignment, Duration latency, Throwable error) {
        each(l -> l.handlerCompleted(assignment, latency, error));
    }

    @Override
    public void handlerTimedOut(Assignment assignment, Duration timeout) {
        each(l -> l.handlerTimedOut(assignment, timeout));
    }

    @Override
    public void handlerThreadsStuck(int stuck) {
        each(l -> l.handlerThreadsStuck(stuck));
    }

    @Override
    public void assignmentSkipped(String topic, int partition, long offset, String reason) {
        each(l -> l.assignmentSkipped(topic, partition, offset, reason));
    }

    @Override
    public void assignmentHandedOver(Assignment assignment) {
        each(l -> l.assignmentHandedOver(assignment));
    }

    @Override
    public void capacityExhausted(String offerId, int capacity) {
        each(l -> l.capacityExhausted(offerId, capacity));
    }

    @Override
    public void publishRetried(String topic, int attempt, Throwable error) {
        each(l -> l.publishRetried(topic, attempt, error));
    }
}
