package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestStatus;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The view stores of the tasks running on this instance, by partition, as their processors hold
 * them from start to close. A read of one request goes straight to its partition's store, which
 * Kafka Streams' interactive queries reach only after looking through every thread's tasks on
 * each read (a tenth of a submit's cost). The stores are the same ones interactive queries read,
 * safe to read from any thread; a store closed meanwhile fails the read as it would there.
 */
public final class LocalViews {

    private final ConcurrentHashMap<Integer, KeyValueStore<String, RequestStatus>> byPartition = new ConcurrentHashMap<>();

    /** A task of {@code partition} started with {@code store}. */
    void opened(int partition, KeyValueStore<String, RequestStatus> store) {
        byPartition.put(partition, store);
    }

    /** The task of {@code partition} that held {@code store} closed. */
    void closed(int partition, KeyValueStore<String, RequestStatus> store) {
        byPartition.remove(partition, store);
    }

    /** The store of a partition whose task runs here, or null. */
    KeyValueStore<String, RequestStatus> store(int partition) {
        return byPartition.get(partition);
    }
}
