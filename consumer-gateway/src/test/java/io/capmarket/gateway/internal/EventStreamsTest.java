package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.gateway.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** What an event stream tells its client when it stops on a failure. */
class EventStreamsTest {

    private static final String ID = "0b3e8f4c-8a0e-3d6b-9a47-1f2d3c4b5a69";

    @Test
    void aFailureInsideTheGatewayIsToldAsOneOfTheRequestsStreamNeverInItsOwnWords() {
        String told = EventStreams.failure(ID, new UncheckedIOException("unreadable answer from gateway instance 10.1.2.3:8080",
                new IOException("Unexpected end-of-input")));

        assertThat(told).contains(ID).contains("Last-Event-ID")
                .doesNotContain("10.1.2.3").doesNotContain("8080").doesNotContain("unreadable").doesNotContain("end-of-input");
        assertThat(EventStreams.failure(ID, new IllegalStateException("stream thread state PENDING_SHUTDOWN")))
                .as("whatever the failure").isEqualTo(told);
    }

    @Test
    void anAnswerMeantForCallersIsToldAsItIs() {
        assertThat(EventStreams.failure(ID, RequestReads.notFound(ID))).isEqualTo("there is no request " + ID + " for your team");
        assertThat(EventStreams.failure(ID, new NotFoundException("gone"))).isEqualTo("gone");
    }
}
