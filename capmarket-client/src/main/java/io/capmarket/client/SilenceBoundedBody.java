package io.capmarket.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as a stream whose every read waits at most {@code silence} for the next
 * bytes: a connection gone quiet without a reset (a NAT entry expired, a host gone) ends with an
 * {@link IOException} instead of blocking for ever. Subscribed to the HTTP client's body
 * publisher, it asks for one list of buffers at a time, so it holds at most one. Read from one
 * thread.
 */
final class SilenceBoundedBody extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {

    private static final Object END = new Object();

    private final Duration silence;
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> buffers = Collections.emptyIterator();
    private ByteBuffer current;
    private boolean ended;

    SilenceBoundedBody(Duration silence) {
        this.silence = silence;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        arrived.add(item);
    }

    @Override
    public void onError(Throwable failure) {
        arrived.add(failure);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (ended) {
                return -1;
            }
            Object next;
            try {
                next = arrived.poll(silence.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("interrupted while reading the response");
            }
            if (next == null) {
                close();
                throw new IOException("the connection sent nothing for " + silence.toMillis() + " ms");
            }
            if (next == END) {
                ended = true;
                return -1;
            }
            if (next instanceof Throwable failure) {
                ended = true;
                throw failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
            }
            buffers = ((List<ByteBuffer>) next).iterator();
            subscription.request(1);
        }
        int count = Math.min(length, current.remaining());
        current.get(into, offset, count);
        return count;
    }

    /** Stops the body: what has not arrived is not asked for. */
    @Override
    public void close() {
        ended = true;
        buffers = Collections.emptyIterator();
        current = null;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
