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

    /**
     * How much of a body past the limit is read and thrown away before the refusal, so that a
     * client still sending can read its 413 instead of losing it to a connection reset by unread
     * bytes. A body larger still is cut off with the connection.
     */
    static final long DISCARDED_PAST_LIMIT = 1024 * 1024;

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
     * Reads up to {@code max} bytes of {@code in} on the calling thread, within the deadline. When
     * there are {@code max} bytes, which the caller refuses, up to {@link #DISCARDED_PAST_LIMIT}
     * more are read and thrown away until the same deadline. A body already received in full (its
     * {@code declared} Content-Length below {@code max} and every declared byte buffered, so that
     * its end is known from its length) is read without the deadline: no read of it can wait for
     * the client.
     *
     * @param declared the body's Content-Length, or -1 when it has none
     * @throws RequestTimeoutException when the deadline passes before {@code max} bytes or the end
     * @throws IOException when the body cannot be read for another reason
     */
    byte[] read(InputStream in, long declared, int max) throws IOException {
        if (declared >= 0 && declared < max && in.available() >= declared) {
            return in.readNBytes(max);
        }
        Alarm alarm = start();
        byte[] bytes;
        try {
            bytes = in.readNBytes(max);
        } catch (IOException | RuntimeException e) {
            if (alarm.stop()) {
                throw expired();
            }
            throw e;
        }
        if (bytes.length == max) {
            drain(in, DISCARDED_PAST_LIMIT);
            alarm.stop();
        } else if (alarm.stop()) {
            throw expired();
        }
        return bytes;
    }

    /**
     * Reads and throws away, until the deadline, a body refused because its declared
     * {@code length} is over {@code limit}, when it is at most {@link #DISCARDED_PAST_LIMIT} over
     * it; a larger one is left unread. The refusal stands whatever happens.
     */
    void discard(InputStream in, long length, long limit) {
        if (length - limit > DISCARDED_PAST_LIMIT) {
            return;
        }
        Alarm alarm = start();
        drain(in, length);
        alarm.stop();
    }

    private Alarm start() {
        Alarm alarm = new Alarm(Thread.currentThread());
        alarm.future = timer.schedule(alarm::ring, limit.toMillis(), TimeUnit.MILLISECONDS);
        return alarm;
    }

    /** Reads up to {@code bound} bytes into nothing; a failed or interrupted read ends it. */
    private static void drain(InputStream in, long bound) {
        byte[] scratch = new byte[8192];
        long left = bound;
        try {
            while (left > 0) {
                int read = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (read < 0) {
                    return;
                }
                left -= read;
            }
        } catch (IOException | RuntimeException e) {
            // the body is refused either way
        }
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
