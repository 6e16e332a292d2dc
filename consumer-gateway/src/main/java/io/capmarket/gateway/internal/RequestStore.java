package io.capmarket.gateway.internal;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.RequestStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
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
    private final LocalViews views;
    private final String viewsTopic;
    private final HostInfo self;

    /**
     * @param views the stores of this instance's tasks, read directly for single requests
     * @param viewsTopic the topic the views are fed from ({@code request-status}): its partitions are the stores'
     */
    public RequestStore(KafkaStreams streams, LocalViews views, String viewsTopic, HostInfo self) {
        this.streams = streams;
        this.views = views;
        this.viewsTopic = viewsTopic;
        this.self = self;
    }

    /** This instance's {@code application.server}. */
    public HostInfo self() {
        return self;
    }

    /** Whether the views of every partition this instance runs have caught up since their tasks started ({@link LocalViews}). */
    public boolean caughtUp() {
        return views.caughtUp();
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

    /**
     * The views of a partition this instance owns, as its running task holds them. A partition whose
     * processor has not started here yet (its task still restoring, or moving) is "retry later": its
     * store may be incomplete.
     */
    public LocalViews.View view(int partition) {
        LocalViews.View view = views.view(partition);
        if (view == null) {
            throw unavailable(null);
        }
        return view;
    }

    /** Whether the views of {@code partition} are served here: its task runs here and its processor has started. */
    public boolean serves(int partition) {
        return views.view(partition) != null;
    }

    /** The local view of a request in a {@link #view(int) partition's views}. */
    public static Optional<RequestStatus> get(LocalViews.View view, String requestId) {
        try {
            return view.get(requestId);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /**
     * A status of a {@link #view(int) partition's views} with every decision its view keeps
     * ({@link LocalViews.View#withKeptDecisions}).
     */
    public static RequestStatus withKeptDecisions(LocalViews.View view, RequestStatus status) {
        try {
            return view.withKeptDecisions(status);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /** The answer to a read that found nothing in a partition still catching up: the request may only be not read yet. */
    public RetryLaterException catchingUp() {
        return new RetryLaterException("the request views of this instance are catching up with the statuses written while "
                + "they were not read; retry shortly", RETRY_AFTER);
    }

    /**
     * The matching views of every partition this instance owns after the cursor, up to {@code limit + 1}
     * of each, in the query's order: read through the list index, so a team's list reads its own
     * entries only ({@link RequestIndex}). Fails with a {@link RetryLaterException} while any of
     * them has not started here or is catching up ({@link LocalViews}): a list must not leave out requests not read yet.
     * The index a task rebuilds when it starts is never read half built: Kafka Streams serves a
     * task's stores to these reads only once its processors have started.
     */
    public List<RequestView> list(ListQuery query) {
        List<RequestView> found = new ArrayList<>();
        Optional<RequestIndex.Range> range = RequestIndex.range(query);
        try {
            for (int partition : localPartitions()) {
                // asked before reading: a partition caught up by then holds every status it had to read
                if (!view(partition).caughtUp()) {
                    throw catchingUp();
                }
                ReadOnlyKeyValueStore<String, RequestStatus> views = store(GatewayTopology.REQUEST_VIEWS, partition);
                found.addAll(range.isPresent()
                        ? indexed(views, this.<String>store(GatewayTopology.REQUEST_INDEX, partition), range.get(), query)
                        : byId(views, query));
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return found;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
                .withPartition(partition));
    }

    /** A range read from the cursor, in the store's own (id) order: an admin's list of every team. */
    private static List<RequestView> byId(ReadOnlyKeyValueStore<String, RequestStatus> store, ListQuery query) {
        List<RequestView> found = new ArrayList<>();
        try (KeyValueIterator<String, RequestStatus> it = query.after() == null ? store.all() : store.range(query.after(), null)) {
            while (it.hasNext() && found.size() <= query.limit()) {
                RequestStatus status = it.next().value;
                if (!status.getRequestId().equals(query.after()) && matches(query, status)) {
                    found.add(RequestViews.view(status));
                }
            }
        }
        return found;
    }

    /** A range read of the index from the cursor, each entry's view looked up: only the range's entries are read. */
    private static List<RequestView> indexed(ReadOnlyKeyValueStore<String, RequestStatus> views, ReadOnlyKeyValueStore<String, String> index,
            RequestIndex.Range range, ListQuery query) {
        List<RequestView> found = new ArrayList<>();
        try (KeyValueIterator<String, String> it = index.range(range.from(), null)) {
            while (it.hasNext() && found.size() <= query.limit()) {
                KeyValue<String, String> entry = it.next();
                if (!entry.key.startsWith(range.prefix())) {
                    break;
                }
                if (range.cursor() && entry.key.equals(range.from())) {
                    continue;
                }
                RequestStatus status = views.get(entry.value);
                if (status != null && matches(query, status)) {
                    found.add(RequestViews.view(status));
                }
            }
        }
        return found;
    }

    private static boolean matches(ListQuery query, RequestStatus status) {
        return query.matches(status);
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
                if (tp.topic().equals(viewsTopic)) {
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
