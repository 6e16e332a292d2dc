package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevRunTest {

    @TempDir
    Path data;

    /** What a run starts: counts its closes. */
    private static final class Started implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private boolean marked() {
        return new RunMarker(data).leftByUncleanStop();
    }

    @Test
    void theMarkerIsThereFromBeforeTheStartUntilAllThatStartedHasClosed() {
        DevRun<Started> run = new DevRun<>(new RunMarker(data.resolve("fresh")));
        AtomicBoolean markedWhileStarting = new AtomicBoolean();

        Started started = run.start(() -> {
            markedWhileStarting.set(new RunMarker(data.resolve("fresh")).leftByUncleanStop());
            return new Started();
        });

        assertThat(markedWhileStarting).as("placed before anything starts, the directory created").isTrue();
        assertThat(new RunMarker(data.resolve("fresh")).leftByUncleanStop()).isTrue();
        run.stop();
        assertThat(started.closes).hasValue(1);
        assertThat(new RunMarker(data.resolve("fresh")).leftByUncleanStop()).isFalse();
        run.stop();
        assertThat(started.closes).as("closed once").hasValue(1);
    }

    @Test
    void aStopWhileStartingLeavesTheMarkerForTheNextStartToTell() throws Exception {
        DevRun<Started> run = new DevRun<>(new RunMarker(data));
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Started started = new Started();
        CompletableFuture<Started> start = CompletableFuture.supplyAsync(() -> run.start(() -> {
            starting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return started;
        }));
        assertThat(starting.await(10, TimeUnit.SECONDS)).isTrue();

        run.stop();

        assertThat(marked()).as("nothing closed: the JVM would exit now").isTrue();
        release.countDown();
        assertThatThrownBy(() -> start.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("stopped while starting");
        assertThat(started.closes).as("what started after the stop is closed").hasValue(1);
        assertThat(marked()).isFalse();
    }

    @Test
    void aStartThatFailsLeavesNoMarker() {
        DevRun<Started> run = new DevRun<>(new RunMarker(data));

        assertThatThrownBy(() -> run.start(() -> {
            throw new IllegalStateException("port 9092 in use");
        })).hasMessage("port 9092 in use");

        assertThat(marked()).as("the starter closed what it had started").isFalse();
    }

    @Test
    void aStartThatWipesTheDataDirectoryIsMarkedAgain() {
        DevRun<Started> run = new DevRun<>(new RunMarker(data));

        run.start(() -> {
            try {
                Files.delete(data.resolve(RunMarker.FILE)); // --reset wipes the data directory
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new Started();
        });

        assertThat(marked()).isTrue();
    }
}
