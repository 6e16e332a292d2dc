package io.capmarket.bench;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A daemon thread that runs one step of a consumer's poll loop again and again until closed,
 * then runs its clean-up (closing the consumer) on that same thread, as Kafka consumers require.
 */
final class PollLoop implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    PollLoop(String name, Runnable step, Runnable cleanUp) {
        thread = new Thread(() -> {
            try {
                while (running.get()) {
                    step.run();
                }
            } finally {
                cleanUp.run();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the loop and waits (up to 10 s) for its thread, so that what it recorded is safe to read. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
