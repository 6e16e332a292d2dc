package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.RequestStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * This instance's part of the request views (interactive queries), and where the other parts are.
 * Every "not now" of Kafka Streams (starting, rebalancing, restoring, store migrated) becomes a
 * {@link RetryLaterException}.
 */
public final class RequestStore {

    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final KafkaStreams streams;
    private final String requestsTopic;
    private final HostInfo self;

    public RequestStore(KafkaStreams streams, String requestsTopic, HostInfo self) {
        this.streams = streams;
        this.requestsTopic = requestsTopic;
        this.self = self;
    }

    /** This instance's {@code application.server}. */
    public HostInfo self() {
        return self;
    }

    /** The instance and partition that own a request. */
    public KeyQueryMetadata owner(String requestId) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(GatewayTopology.REQUEST_VIEWS, requestId, Serdes.String().serializer());
        } catch (IllegalStateException | InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost() == null) {
            throw unavailable(null);
        }
        return metadata;
    }

    /** The local view of a request in a partition this instance owns. */
    public Optional<RequestStatus> get(String requestId, int partition) {
        try {
            ReadOnlyKeyValueStore<String, RequestStatus> store = streams.store(StoreQueryParameters
                    .fromNameAndType(GatewayTopology.REQUEST_VIEWS, QueryableStoreTypes.<String, RequestStatus>keyValueStore())
                    .withPartition(partition));
            return Optional.ofNullable(store.get(requestId));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /** The matching views of every partition this instance owns after the cursor, up to {@code limit + 1} of each, in the query's order. */
    public List<RequestView> list(ListQuery query) {
        List<RequestView> found = new ArrayList<>();
        try {
            for (int partition : localPartitions()) {
                ReadOnlyKeyValueStore<String, RequestStatus> store = streams.store(StoreQueryParameters
                        .fromNameAndType(GatewayTopology.REQUEST_VIEWS, QueryableStoreTypes.<String, RequestStatus>keyValueStore())
                        .withPartition(partition));
                found.addAll(query.order() == ListQuery.Order.ID ? byId(store, query) : firstInOrder(store, query));
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return found;
    }

    /** A range read from the cursor, in the store's own (id) order. */
    private static List<RequestView> byId(ReadOnlyKeyValueStore<String, RequestStatus> store, ListQuery query) {
        List<RequestView> found = new ArrayList<>();
        try (KeyValueIterator<String, RequestStatus> it = query.after() == null ? store.all() : store.range(query.after(), null)) {
            while (it.hasNext() && found.size() <= query.limit()) {
                RequestStatus status = it.next().value;
                if (status.getRequestId().equals(query.after())) {
                    continue;
                }
                RequestView view = RequestViews.view(status);
                if (query.matches(view)) {
                    found.add(view);
                }
            }
        }
        return found;
    }

    /** A full scan keeping only the first {@code limit + 1} after the cursor: memory bounded by the page, not the store. */
    private static List<RequestView> firstInOrder(ReadOnlyKeyValueStore<String, RequestStatus> store, ListQuery query) {
        PriorityQueue<RequestView> kept = new PriorityQueue<>(query.order().comparator().reversed());
        try (KeyValueIterator<String, RequestStatus> it = store.all()) {
            while (it.hasNext()) {
                RequestView view = RequestViews.view(it.next().value);
                if (query.matches(view) && query.afterCursor(view)) {
                    kept.add(view);
                    if (kept.size() > query.limit() + 1) {
                        kept.poll();
                    }
                }
            }
        }
        List<RequestView> found = new ArrayList<>(kept);
        found.sort(query.order().comparator());
        return found;
    }

    /** The other instances' {@code application.server}s (each owns part of the views). */
    public Set<HostInfo> instances() {
        Set<HostInfo> hosts = new TreeSet<>((a, b) -> (a.host() + ":" + a.port()).compareTo(b.host() + ":" + b.port()));
        try {
            streams.metadataForAllStreamsClients().stream()
                    .filter(m -> m.stateStoreNames().contains(GatewayTopology.REQUEST_VIEWS))
                    .forEach(m -> hosts.add(m.hostInfo()));
        } catch (IllegalStateException | InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw unavailable(null);
        }
        return hosts;
    }

    /** The partitions of the request views this instance owns (active tasks). */
    public Set<Integer> localPartitions() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw unavailable(null);
        }
        Set<Integer> partitions = new TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> {
            for (TopicPartition tp : task.topicPartitions()) {
                if (tp.topic().equals(requestsTopic)) {
                    partitions.add(tp.partition());
                }
            }
        }));
        return partitions;
    }

    static RetryLaterException unavailable(Exception cause) {
        return new RetryLaterException("the request store is being rebalanced or restored; retry shortly", RETRY_AFTER, cause);
    }
}
