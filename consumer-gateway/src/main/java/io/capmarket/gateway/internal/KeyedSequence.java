package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after the other per key, without holding a thread: a task for a
 * key starts when the previous task for that key has completed (well or not). Tasks of different
 * keys run independently. Holds one entry per key with a task running or waiting.
 *
 * <p>Bounded: at most {@link #MAX_TASKS} tasks running or waiting at once (by default); one more
 * is refused with a {@link RetryLaterException} before it starts.
 */
final class KeyedSequence {

    /** The most tasks running or waiting at once, by default. */
    static final int MAX_TASKS = 10_000;

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final AtomicInteger tasks = new AtomicInteger();
    private final int maxTasks;

    KeyedSequence() {
        this(MAX_TASKS);
    }

    KeyedSequence(int maxTasks) {
        this.maxTasks = maxTasks;
    }

    /**
     * Starts {@code task} once every earlier task of {@code key} has completed.
     *
     * @throws RetryLaterException when {@code maxTasks} tasks are running or waiting already
     */
    <T> CompletableFuture<T> run(String key, Supplier<CompletableFuture<T>> task) {
        if (tasks.incrementAndGet() > maxTasks) {
            tasks.decrementAndGet();
            throw new RetryLaterException("this gateway instance is deciding " + maxTasks
                    + " submits with an Idempotency-Key already; retry shortly", Duration.ofSeconds(1));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(key, done);
        CompletableFuture<T> result = previous == null
                ? Futures.guarded(task)
                : previous.thenCompose(ignored -> Futures.guarded(task));
        result.whenComplete((value, error) -> {
            tasks.decrementAndGet();
            tails.remove(key, done);
            done.complete(null);
        });
        return result;
    }

    /** How many keys have a task running or waiting. */
    int keys() {
        return tails.size();
    }

    /** How many tasks are running or waiting. */
    int tasks() {
        return tasks.get();
    }
}
