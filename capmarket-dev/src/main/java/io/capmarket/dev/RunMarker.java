package io.capmarket.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file in the data directory that is there while a dev run is running and removed when it stops
 * cleanly: found at start, it tells that the previous run was killed.
 */
final class RunMarker {

    static final String FILE = "running";

    private final Path file;

    RunMarker(Path dataDirectory) {
        this.file = dataDirectory.resolve(FILE);
    }

    /** Whether the previous run left its marker (it did not stop cleanly). */
    boolean leftByUncleanStop() {
        return Files.exists(file);
    }

    /** Marks the data directory as in use by this run, creating the directory if need be. */
    void place() {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** This run stopped cleanly. */
    void remove() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the next run then only says the previous one did not stop cleanly
        }
    }
}
