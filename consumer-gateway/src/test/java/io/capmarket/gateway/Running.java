package io.capmarket.gateway;

import java.util.ArrayList;
import java.util.List;

/** What a test class started (apps, clients), closed in the reverse order it was started in. */
final class Running implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();

    /** Remembers {@code resource} for {@link #close()} and hands it back. */
    <T extends AutoCloseable> T add(T resource) {
        started.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }
}
