package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ReplaceThreadHandlerTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final List<Duration> pauses = new ArrayList<>();
    private final ReplaceThreadHandler handler = new ReplaceThreadHandler(new TopologyMetrics(new SimpleMeterRegistry()), clock,
            duration -> {
                pauses.add(duration);
                clock.advance(duration);
            });

    @Test
    void aThreadFailingAgainSoonIsReplacedAfterPausesThatDoubleUpToTheLongest() {
        RuntimeException refused = new IllegalStateException("registry answered 401");
        for (int i = 0; i < 6; i++) {
            assertThat(handler.handle(refused)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            clock.advance(Duration.ofSeconds(2));
        }

        assertThat(pauses).as("the first failure is replaced at once").containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(10));

        clock.advance(ReplaceThreadHandler.CALM);
        handler.handle(refused);
        assertThat(pauses).as("after a calm minute, at once again").hasSize(5);
    }
}
