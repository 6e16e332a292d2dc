package io.capmarket.gateway.internal;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;

/**
 * Liveness and readiness from the Kafka Streams state. Live unless Streams failed (then restart
 * the process). Ready only when RUNNING and the stores answer: while rebalancing or restoring,
 * reads would answer 503, so a load balancer should send traffic elsewhere.
 */
public final class Health implements KafkaStreams.StateListener {

    private volatile State state = State.CREATED;
    private volatile boolean failed;

    @Override
    public void onChange(State newState, State oldState) {
        if (newState == State.PENDING_ERROR || newState == State.ERROR) {
            failed = true;
        }
        state = newState;
    }

    public State state() {
        return state;
    }

    public boolean live() {
        State current = state;
        return !(current == State.PENDING_ERROR || current == State.ERROR || (current == State.NOT_RUNNING && failed));
    }

    public boolean running() {
        return state == State.RUNNING;
    }
}
