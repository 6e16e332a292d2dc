package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProducerInstancesTest {

    private static final Instant T = Instant.parse("2025-01-01T09:00:00Z");

    @Test
    void theMostRecentHealthyHeartbeatOfAnyProcessStandsForTheProducer() {
        ProducerInstances two = ProducerInstances.NONE
                .with("a", new ProducerLiveness(T, true))
                .with("b", new ProducerLiveness(T.plusSeconds(5), true));
        assertThat(two.liveness()).isEqualTo(new ProducerLiveness(T.plusSeconds(5), true));

        ProducerInstances aCloses = two.with("a", new ProducerLiveness(T.plusSeconds(9), false));
        assertThat(aCloses.liveness()).as("b's heartbeat still stands").isEqualTo(new ProducerLiveness(T.plusSeconds(5), true));

        ProducerInstances bStopsToo = aCloses.with("b", new ProducerLiveness(T.plusSeconds(10), false));
        assertThat(bStopsToo.liveness()).as("none healthy: the latest of all, unhealthy")
                .isEqualTo(new ProducerLiveness(T.plusSeconds(10), false));
    }

    @Test
    void aProcessIsKnownByItsLatestHeartbeatOnly() {
        ProducerInstances one = ProducerInstances.NONE
                .with("a", new ProducerLiveness(T, true))
                .with("a", new ProducerLiveness(T.plusSeconds(1), false));

        assertThat(one.byInstance()).containsOnlyKeys("a");
        assertThat(one.liveness()).isEqualTo(new ProducerLiveness(T.plusSeconds(1), false));
        assertThat(ProducerInstances.NONE.liveness()).isNull();
    }

    @Test
    void pastItsBoundTheProcessHeardFromLeastRecentlyIsDropped() {
        ProducerInstances many = ProducerInstances.NONE.with("oldest", new ProducerLiveness(T, true));
        for (int i = 1; i <= ProducerInstances.MAX_INSTANCES; i++) {
            many = many.with("p-" + i, new ProducerLiveness(T.plusSeconds(i), false));
        }

        assertThat(many.byInstance()).hasSize(ProducerInstances.MAX_INSTANCES).doesNotContainKey("oldest");
        assertThat(many.liveness()).isEqualTo(new ProducerLiveness(T.plusSeconds(ProducerInstances.MAX_INSTANCES), false));
    }
}
