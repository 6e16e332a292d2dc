package io.capmarket.gateway.internal;

import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.gateway.RequestTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A total deadline for reading a request body. Jetty's idle timeout restarts with every byte, so a
 * client trickling one byte a second would hold a request thread for as long as it likes; here the
 * whole body must be in within {@code limit}, or the blocked read is interrupted (Jetty's blocking
 * read gives up on an interrupt), the call is answered 408 and counted.
 */
public final class BodyDeadline {

    private final Duration limit;
    private final ScheduledExecutorService timer;
    private final GatewayMetrics metrics;

    /**
     * @param limit the deadline, greater than zero ({@code GatewayConfig} refuses any other)
     * @param timer interrupts a read still blocked at the deadline
     * @param metrics counts the reads that ran out of time
     */
    public BodyDeadline(Duration limit, ScheduledExecutorService timer, GatewayMetrics metrics) {
        this.limit = limit;
        this.timer = timer;
        this.metrics = metrics;
    }

    /**
     * Reads up to {@code max} bytes of {@code in} on the calling thread, within the deadline.
     *
     * @throws RequestTimeoutException when the deadline passes first
     * @throws IOException when the body cannot be read for another reason
     */
    byte[] read(InputStream in, int max) throws IOException {
        Alarm alarm = new Alarm(Thread.currentThread());
        alarm.future = timer.schedule(alarm::ring, limit.toMillis(), TimeUnit.MILLISECONDS);
        byte[] bytes;
        try {
            bytes = in.readNBytes(max);
        } catch (IOException | RuntimeException e) {
            if (alarm.stop()) {
                throw expired();
            }
            throw e;
        }
        if (alarm.stop()) {
            throw expired();
        }
        return bytes;
    }

    /** Interrupts the reader at the deadline unless the read has ended; never after. */
    private static final class Alarm {
        private final Thread reader;
        private ScheduledFuture<?> future;
        private boolean ended;
        private boolean rung;

        Alarm(Thread reader) {
            this.reader = reader;
        }

        synchronized void ring() {
            if (!ended) {
                rung = true;
                reader.interrupt();
            }
        }

        /** Ends the read; true when the deadline passed first (the interrupt is then cleared from the pooled thread). */
        synchronized boolean stop() {
            ended = true;
            future.cancel(false);
            if (rung) {
                Thread.interrupted();
            }
            return rung;
        }
    }

    private RequestTimeoutException expired() {
        metrics.bodyReadTimedOut();
        return new RequestTimeoutException("the body was not received in full within " + limit.toMillis() + " ms ("
                + GatewayConfig.BODY_READ_TIMEOUT + "); send it at once",
                List.of(new FieldError("body", null, "all of it within " + limit.toMillis() + " ms after the headers")));
    }
}
