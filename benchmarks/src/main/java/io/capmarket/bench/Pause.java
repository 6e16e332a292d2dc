package io.capmarket.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Waiting between polls of something that is not ready yet, and pacing an open-loop load. */
final class Pause {

    private Pause() {
    }

    /** Parks the thread for about {@code duration}. */
    static void briefly(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }

    /** Parks until {@link System#nanoTime()} reaches {@code deadlineNanos}. */
    static void until(long deadlineNanos) {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
