package io.capmarket.gateway.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after the other per key, without holding a thread: a task for a
 * key starts when the previous task for that key has completed (well or not). Tasks of different
 * keys run independently. Holds one entry per key with a task running or waiting.
 */
final class KeyedSequence {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** Starts {@code task} once every earlier task of {@code key} has completed. */
    <T> CompletableFuture<T> run(String key, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(key, done);
        CompletableFuture<T> result = previous == null
                ? Futures.guarded(task)
                : previous.thenCompose(ignored -> Futures.guarded(task));
        result.whenComplete((value, error) -> {
            tails.remove(key, done);
            done.complete(null);
        });
        return result;
    }

    /** How many keys have a task running or waiting. */
    int keys() {
        return tails.size();
    }
}
