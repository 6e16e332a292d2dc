package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounds of the reads one instance forwards to another: the owner takes every wait a
 * forwarding instance may ask for, or the forwarded call is refused and retried for ever.
 */
class RequestHandlersTest {

    @Test
    void aForwardedReadMayWaitForAsLongAsAnEventStreamDoesWhateverTheLongPollAndVisibilityBounds() {
        RequestHandlers.Limits shortBounds = limits(Duration.ofSeconds(5), Duration.ofSeconds(5));

        assertThat(shortBounds.forwardedWaitMax()).as("an event stream's wait forwarded to the owner")
                .isGreaterThanOrEqualTo(EventStreams.POLL);
    }

    @Test
    void aForwardedReadMayWaitForAsLongAsALongPollOrASubmitsAcknowledgement() {
        assertThat(limits(Duration.ofSeconds(60), Duration.ofSeconds(10)).forwardedWaitMax()).isEqualTo(Duration.ofSeconds(60));
        assertThat(limits(Duration.ofSeconds(10), Duration.ofSeconds(45)).forwardedWaitMax()).isEqualTo(Duration.ofSeconds(45));
    }

    private static RequestHandlers.Limits limits(Duration longPollMax, Duration visibilityTimeout) {
        return new RequestHandlers.Limits(16_384, longPollMax, visibilityTimeout, null, null, null);
    }
}
