package io.capmarket.dev;

import java.util.function.Supplier;

/**
 * One run of the dev marketplace in its data directory, as its {@link RunMarker} tells it: the
 * marker is placed before anything starts and removed only once everything that started has
 * closed. A run stopped at any point without closing (killed, or a Ctrl-C while it was still
 * starting, which the JVM's exit cuts short) leaves the marker, and the next start says so.
 *
 * @param <T> what the run starts
 */
final class DevRun<T extends AutoCloseable> {

    private final RunMarker marker;
    private final Object lock = new Object();
    private T started;
    private boolean stopped;

    DevRun(RunMarker marker) {
        this.marker = marker;
    }

    /**
     * Places the marker, then starts; places it again once started, should the start have wiped the
     * data directory ({@code --reset}).
     *
     * @param starter starts everything, or closes what it started and throws
     * @throws IllegalStateException when {@link #stop} came while it was starting (what started is closed)
     */
    T start(Supplier<T> starter) {
        marker.place();
        T value;
        try {
            value = starter.get();
        } catch (RuntimeException | Error e) {
            marker.remove(); // the starter closed what it had started
            throw e;
        }
        synchronized (lock) {
            if (!stopped) {
                started = value;
                marker.place();
                return value;
            }
        }
        close(value);
        throw new IllegalStateException("stopped while starting");
    }

    /**
     * Closes what started and removes the marker. While the run is still starting, it only records
     * that the run is to stop: the marker stays, since nothing is closed before the JVM exits.
     */
    void stop() {
        T value;
        synchronized (lock) {
            stopped = true;
            value = started;
            started = null;
        }
        if (value != null) {
            close(value);
        }
    }

    private void close(T value) {
        try {
            value.close();
            marker.remove();
        } catch (Exception e) {
            // not closed cleanly: the marker stays, and the next start says so
            System.err.println("capmarket dev: not stopped cleanly: " + e);
        }
    }
}
