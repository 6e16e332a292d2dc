package io.capmarket.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How the client pauses between tries. {@link #SYSTEM} blocks the calling thread; tests pass one
 * that advances their {@link java.time.Clock} instead, so that no test waits for real.
 */
@FunctionalInterface
public interface Sleeper {

    /** Blocks the calling thread for the duration. */
    Sleeper SYSTEM = duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());

    /**
     * Pauses for {@code duration} (zero or more).
     *
     * @throws InterruptedException when the thread is interrupted meanwhile
     */
    void sleep(Duration duration) throws InterruptedException;
}
