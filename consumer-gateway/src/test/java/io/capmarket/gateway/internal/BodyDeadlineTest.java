package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.gateway.RequestTimeoutException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyDeadlineTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final BodyDeadline deadline = new BodyDeadline(Duration.ofMillis(200), timer, new GatewayMetrics());

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aBodyWithinTheLimitIsReadWhole() throws IOException {
        byte[] bytes = deadline.read(new ByteArrayInputStream(new byte[100]), -1, 101);

        assertThat(bytes).hasSize(100);
    }

    @Test
    void whatFollowsABodyPastTheLimitIsReadToItsEndSoThatTheClientCanReadTheRefusal() throws IOException {
        InputStream in = new ByteArrayInputStream(new byte[300_000]);

        byte[] bytes = deadline.read(in, -1, 65_537);

        assertThat(bytes).hasSize(65_537);
        assertThat(in.read()).as("the body was read to its end").isEqualTo(-1);
    }

    @Test
    void noMoreThanTheBoundIsThrownAway() throws IOException {
        int max = 1_000;
        InputStream in = new ByteArrayInputStream(new byte[max + (int) BodyDeadline.DISCARDED_PAST_LIMIT + 10]);

        deadline.read(in, -1, max);

        assertThat(in.readAllBytes()).hasSize(10);
    }

    /** Without a length, or with one whose bytes have not all arrived. */
    @ParameterizedTest
    @ValueSource(longs = {-1, 100})
    void aBodyThatStallsBeforeTheLimitRunsOutOfTime(long declared) throws IOException {
        try (PipedOutputStream client = new PipedOutputStream(); PipedInputStream in = new PipedInputStream(client)) {
            client.write(new byte[10]);

            assertThatThrownBy(() -> deadline.read(in, declared, 101)).isInstanceOf(RequestTimeoutException.class)
                    .hasMessageContaining("within 200 ms");
        }
        assertThat(Thread.interrupted()).as("the interrupt is cleared from the reading thread").isFalse();
    }

    @Test
    void aBodyPastTheLimitThatStallsIsStillRefusedForItsSize() throws IOException {
        try (PipedOutputStream client = new PipedOutputStream(); PipedInputStream stalled = new PipedInputStream(client)) {
            client.write(new byte[10]);
            InputStream in = new SequenceInputStream(new ByteArrayInputStream(new byte[101]), stalled);

            byte[] bytes = deadline.read(in, -1, 101);

            assertThat(bytes).hasSize(101);
        }
        assertThat(Thread.interrupted()).as("the interrupt is cleared from the reading thread").isFalse();
    }

    @Test
    void aDeclaredBodyAlreadyReceivedInFullIsReadWithoutTheTimer() throws IOException {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown();
        BodyDeadline withoutTimer = new BodyDeadline(Duration.ofMillis(200), stopped, new GatewayMetrics());

        byte[] bytes = withoutTimer.read(new ByteArrayInputStream(new byte[100]), 100, 101);

        assertThat(bytes).hasSize(100);
        assertThatThrownBy(() -> withoutTimer.read(new ByteArrayInputStream(new byte[100]), -1, 101))
                .as("a body without a length is read under the deadline").isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aBodyRefusedForItsDeclaredLengthIsThrownAwayUpToThatLength() throws IOException {
        InputStream in = new ByteArrayInputStream(new byte[5_000]);

        deadline.discard(in, 4_000, 100);

        assertThat(in.readAllBytes()).hasSize(1_000);
    }

    @Test
    void aDeclaredBodyUpToTheBoundPastTheLimitIsThrownAwayWholeAndALargerOneIsLeft() throws IOException {
        long limit = 1_000;
        long largest = limit + BodyDeadline.DISCARDED_PAST_LIMIT;
        InputStream whole = new ByteArrayInputStream(new byte[(int) largest]);
        InputStream left = new ByteArrayInputStream(new byte[(int) largest + 1]);

        deadline.discard(whole, largest, limit);
        deadline.discard(left, largest + 1, limit);

        assertThat(whole.read()).as("read to its end").isEqualTo(-1);
        assertThat(left.readAllBytes()).as("left unread").hasSize((int) largest + 1);
    }
}
