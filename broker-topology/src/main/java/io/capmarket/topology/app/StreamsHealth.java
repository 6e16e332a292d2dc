package io.capmarket.topology.app;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;

/**
 * Liveness and readiness from the Kafka Streams state. Live unless the instance failed (ERROR,
 * or NOT_RUNNING after a failure): an orchestrator should restart it. Ready only when RUNNING:
 * while rebalancing or restoring, the instance is alive but not serving.
 */
final class StreamsHealth implements KafkaStreams.StateListener {

    private volatile State state = State.CREATED;
    private volatile boolean failed;

    @Override
    public void onChange(State newState, State oldState) {
        if (newState == State.PENDING_ERROR || newState == State.ERROR) {
            failed = true;
        }
        state = newState;
    }

    State state() {
        return state;
    }

    boolean live() {
        State current = state;
        return !(current == State.PENDING_ERROR || current == State.ERROR || (current == State.NOT_RUNNING && failed));
    }

    boolean ready() {
        return state == State.RUNNING;
    }
}
