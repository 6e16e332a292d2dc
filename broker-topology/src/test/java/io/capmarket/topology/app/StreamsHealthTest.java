package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class StreamsHealthTest {

    private final StreamsHealth health = new StreamsHealth();

    private void to(State state) {
        health.onChange(state, health.state());
    }

    @Test
    void readyOnlyWhenRunning() {
        assertThat(health.live()).isTrue();
        assertThat(health.ready()).isFalse();
        to(State.REBALANCING);
        assertThat(health.live()).isTrue();
        assertThat(health.ready()).isFalse();
        to(State.RUNNING);
        assertThat(health.ready()).isTrue();
        to(State.REBALANCING);
        assertThat(health.ready()).isFalse();
    }

    @Test
    void aGracefulStopStaysLive() {
        to(State.RUNNING);
        to(State.PENDING_SHUTDOWN);
        to(State.NOT_RUNNING);

        assertThat(health.live()).isTrue();
        assertThat(health.ready()).isFalse();
    }

    @Test
    void aFailureIsNotLiveEvenOnceStopped() {
        to(State.RUNNING);
        to(State.PENDING_ERROR);
        assertThat(health.live()).isFalse();
        to(State.ERROR);
        assertThat(health.live()).isFalse();
        to(State.PENDING_SHUTDOWN);
        to(State.NOT_RUNNING);
        assertThat(health.live()).isFalse();
        assertThat(health.state()).isEqualTo(State.NOT_RUNNING);
    }
}
