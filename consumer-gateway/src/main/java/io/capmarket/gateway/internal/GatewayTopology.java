package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.gateway.KeptDecisions;
import io.capmarket.schemas.runtime.WrittenKeys;
import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.schemas.serde.RegistryFailure;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own Kafka Streams topology: its read models.
 *
 * <ul>
 *   <li>{@value #REQUEST_VIEWS}: every request by requestId, partitioned like the
 *       {@code request-status} topic it is fed from: each view is the request's latest status as
 *       the topology wrote it, so that topic is the store's changelog (a task restores the store
 *       from it, and a view costs no record of its own). Submissions are written to {@code requests}
 *       on the partition of their capability, so the view of a request this gateway accepted is
 *       served from {@link AcceptedRequests} until the topology's first status of it arrives here.</li>
 *   <li>{@value #REQUEST_DECISIONS}: beside the views, the matching decisions a view keeps that its
 *       latest status no longer carries (each status carries only those of its own step), written
 *       when they change: once for a request matched at once, when its next status arrives.</li>
 *   <li>{@value #REQUEST_INDEX}: beside the views on the same partitions, the keys lists read
 *       in order ({@link RequestIndex}), so that a list reads only the caller's team's entries.
 *       It has no changelog: it follows from the views, and each task rebuilds it from them when
 *       it starts.</li>
 *   <li>{@value #CATALOG} and {@value #SCORECARD}: global tables, complete on every instance.</li>
 *   <li>{@value #APPROVAL_POLICIES}: the admins' approval policies by {@code <capability>/<version>}
 *       ({@link Topics#versionKey}), a global table the catalog is shown with.</li>
 *   <li>{@value #QUOTAS} and {@value #TEAM_USAGE}: the admins' quotas and the topology's count of
 *       what each team holds, by {@code <team>/<capability>} ({@link Topics#quotaKey}); global
 *       tables in memory, which a submit is checked against ({@link Quotas}).</li>
 * </ul>
 * Every change to a request view is handed to {@code onChange} (long-polls and event streams wait on it).
 */
public final class GatewayTopology {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayTopology.class);

    public static final String REQUEST_VIEWS = "request-views";
    public static final String REQUEST_INDEX = "request-index";
    public static final String REQUEST_DECISIONS = "request-decisions";
    public static final String CATALOG = "catalog";
    public static final String SCORECARD = "scorecard";
    public static final String APPROVAL_POLICIES = "approval-policies";
    public static final String QUOTAS = "quotas";
    public static final String TEAM_USAGE = "team-usage";

    private static final String VIEWS_PROCESSOR = "request-views-processor";

    private GatewayTopology() {
    }

    /**
     * The topology; {@code views} learns of each task's view store as it starts and closes.
     *
     * @param applicationId the gateway's {@code application.id}: the views write their statuses to
     *     RocksDB under the schema subject they had with a changelog of their own
     *     ({@code <applicationId>-request-views-changelog-value}), never under the topology's
     */
    public static Topology build(Topics topics, String applicationId, Consumer<RequestStatus> onChange, LocalViews views) {
        StreamsBuilder builder = new StreamsBuilder();
        globalTable(builder, topics.catalog(), "catalog-source", Materialized.as(CATALOG));
        globalTable(builder, topics.scorecard(), "scorecard-source", Materialized.as(SCORECARD));
        globalTable(builder, topics.approvalPolicies(), "approval-policies-source", Materialized.as(APPROVAL_POLICIES));
        // read on every submit, small, and rebuilt from their topics at every start: kept in memory
        globalTable(builder, topics.quotas(), "quotas-source", Materialized.as(Stores.inMemoryKeyValueStore(QUOTAS)));
        globalTable(builder, topics.teamUsage(), "team-usage-source", Materialized.as(Stores.inMemoryKeyValueStore(TEAM_USAGE)));
        Topology topology = builder.build();
        // each view is its latest status as read, so request-status is the views' changelog; tombstones too reach the
        // processor, which counts every record it reads towards catching up (LocalViews)
        topology.addReadOnlyStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUEST_VIEWS), Serdes.String(),
                        subjectOf(topics.requestStatus().valueSerde(), applicationId + "-" + REQUEST_VIEWS + "-changelog")),
                "request-status-source", topics.requestStatus().keySerde().deserializer(),
                topics.requestStatus().valueSerde().deserializer(), topics.requestStatus().name(), VIEWS_PROCESSOR,
                () -> new ViewProcessor(onChange, views));
        // derived from the views, so rebuilt from them at every task start (ViewProcessor#init) rather than logged per entry
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUEST_INDEX), Serdes.String(), Serdes.String())
                .withLoggingDisabled(), VIEWS_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUEST_DECISIONS), Serdes.String(),
                topics.storeSerde(KeptDecisions.class)), VIEWS_PROCESSOR);
        return topology;
    }

    /**
     * {@code serde}, writing every value as if to {@code topic}: a store whose changelog is another
     * application's topic would otherwise register its schema under that topic's subject.
     */
    private static <V> Serde<V> subjectOf(Serde<V> serde, String topic) {
        Serializer<V> serializer = serde.serializer();
        return Serdes.serdeFrom((ignored, value) -> serializer.serialize(topic, value), serde.deserializer());
    }

    private static <V> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String sourceName,
            Materialized<String, V, KeyValueStore<Bytes, byte[]>> store) {
        builder.globalTable(topic.name(), consumed(topic, sourceName),
                store.withKeySerde(Serdes.String()).withValueSerde(topic.valueSerde()));
    }

    private static <V> Consumed<String, V> consumed(Topic<String, V> topic, String name) {
        return Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }

    /**
     * Index writes (a null value deletes) gathered into one store write per {@value #SIZE}
     * entries: a task start writes the whole index at once, and a batch is one RocksDB write.
     */
    static final class Batch {

        static final int SIZE = 1_000;
        private final KeyValueStore<String, String> index;
        private final List<KeyValue<String, String>> pending = new ArrayList<>(SIZE);
        private long written;

        Batch(KeyValueStore<String, String> index) {
            this.index = index;
        }

        void add(String key, String value) {
            pending.add(KeyValue.pair(key, value));
            if (pending.size() == SIZE) {
                write();
            }
        }

        /** Writes what is pending; returns how many entries this batch has written in all. */
        long write() {
            if (!pending.isEmpty()) {
                index.putAll(pending);
                written += pending.size();
                pending.clear();
            }
            return written;
        }
    }

    /**
     * Keeps the view store, its index and the decisions kept beside it; the decision (create if
     * absent, replace on status, the decisions a view keeps) is {@link RequestViews#apply}. The store
     * holds each request's latest status as read, the one its changelog ({@code request-status})
     * restores; the decisions the view keeps beyond that status's own go to {@value #REQUEST_DECISIONS}.
     * A tombstone (a finished request the topology deleted once kept past its retention) deletes the
     * view, its decisions and its index entries. The index is rebuilt from the views whenever the
     * task starts: Kafka Streams may have brought the views up to date without this processor (a
     * restore from their changelog, a standby), and the index's own writes since its last flush do
     * not survive a crash. The start reads every view anyway, to learn the ids the store holds.
     */
    static final class ViewProcessor implements Processor<String, RequestStatus, Void, Void> {

        private final Consumer<RequestStatus> onChange;
        private final LocalViews views;
        private KeyValueStore<String, RequestStatus> store;
        /** The ids {@link #store} holds: a new request's reads (its first status, a submit's Idempotency-Key) skip the store. */
        private WrittenKeys ids;
        private KeyValueStore<String, KeptDecisions> kept;
        /** The ids {@link #kept} holds: a request not past its first match keeps none, and its reads skip that store. */
        private WrittenKeys keptIds;
        private KeyValueStore<String, String> index;
        private int partition;
        private ProcessorContext<Void, Void> context;
        private LocalViews.Progress progress;

        ViewProcessor(Consumer<RequestStatus> onChange, LocalViews views) {
            this.onChange = onChange;
            this.views = views;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(REQUEST_VIEWS);
            index = context.getStateStore(REQUEST_INDEX);
            kept = context.getStateStore(REQUEST_DECISIONS);
            partition = context.taskId().partition();
            this.context = context;
            ids = WrittenKeys.ofRequestStore(REQUEST_VIEWS, context.taskId(), views::idsOverflowed);
            keptIds = WrittenKeys.ofRequestStore(REQUEST_DECISIONS, context.taskId(), views::idsOverflowed);
            long started = System.nanoTime();
            long cleared = clearIndex();
            Batch entries = new Batch(index);
            long held = 0;
            List<String> unreadable = new ArrayList<>();
            try (KeyValueIterator<String, RequestStatus> all = store.all()) {
                while (all.hasNext()) {
                    String id = all.peekNextKey();
                    KeyValue<String, RequestStatus> view;
                    try {
                        view = all.next();
                    } catch (AvroDeserializationException e) {
                        dropping(id, e);
                        unreadable.add(id);
                        continue;
                    }
                    ids.add(view.key);
                    held++;
                    for (String key : RequestIndex.keys(view.value)) {
                        entries.add(key, view.value.getRequestId());
                    }
                }
            }
            // written as deletes: a delete would read the value it removes back, and fail to as the iteration did
            unreadable.forEach(id -> {
                store.put(id, null);
                kept.put(id, null);
            });
            try (KeyValueIterator<String, KeptDecisions> all = kept.all()) {
                all.forEachRemaining(decisions -> keptIds.add(decisions.key));
            }
            long written = entries.write();
            long took = System.nanoTime() - started;
            views.indexRebuilt(written, took);
            if (held > 0 || cleared > 0) {
                LOG.info("partition {} of the request views: rebuilt its list index from its {} views ({} entries before) in {} ms",
                        partition, held, cleared, took / 1_000_000);
            }
            progress = views.opened(partition, store, ids::mayHold, this::withKeptDecisions);
        }

        /**
         * A restored view the gateway cannot read: a record of {@code request-status} its deserializer
         * refuses, which the processor would have skipped, but a restore copies as it is. It is
         * dropped, as the processor skips one; a failure of the registry itself fails the task instead,
         * so that it starts again and reads the view once the registry answers.
         */
        private void dropping(String id, AvroDeserializationException e) {
            if (RegistryFailure.in(e).isPresent()) {
                throw e;
            }
            LOG.warn("partition {} of the request views: dropping the restored view of {}, which cannot be read: {}", partition, id,
                    e.getMessage());
            views.droppedUnreadable();
        }

        /** Deletes every entry of the index; returns how many there were. */
        private long clearIndex() {
            Batch deletes = new Batch(index);
            try (KeyValueIterator<String, String> all = index.all()) {
                // only keys the iterator has returned are deleted, so the deletes do not disturb it on any store
                while (all.hasNext()) {
                    deletes.add(all.next().key, null);
                }
            }
            return deletes.write();
        }

        /** A stored status with the decisions its view keeps (read from any thread, as the stores are). */
        private RequestStatus withKeptDecisions(RequestStatus status) {
            return RequestViews.withKept(status, keptIds.mayHold(status.getRequestId()) ? kept.get(status.getRequestId()) : null);
        }

        private void reindex(RequestStatus previous, RequestStatus next) {
            if (RequestIndex.sameKeys(previous, next)) {
                return;
            }
            Set<String> old = previous == null ? Set.of() : RequestIndex.keys(previous);
            Set<String> now = RequestIndex.keys(next);
            old.stream().filter(key -> !now.contains(key)).forEach(index::delete);
            now.stream().filter(key -> !old.contains(key)).forEach(key -> index.put(key, next.getRequestId()));
        }

        @Override
        public void close() {
            views.closed(partition, store);
        }

        @Override
        public void process(Record<String, RequestStatus> record) {
            String id = record.key();
            RequestStatus held = ids.mayHold(id) ? store.get(id) : null;
            // decisions kept without a view (its view dropped at a start, or deleted before a crash) are stale: replaced or deleted below
            KeptDecisions keptBefore = keptIds.mayHold(id) ? kept.get(id) : null;
            if (record.value() != null) {
                RequestStatus current = held == null ? null : RequestViews.withKept(held, keptBefore);
                RequestStatus next = RequestViews.apply(current, record.value());
                if (next != current) {
                    ids.add(id);
                    store.put(id, record.value());
                    keep(id, RequestViews.keptBeyond(record.value(), next), keptBefore);
                    reindex(current, next);
                    onChange.accept(next);
                }
            } else {
                // the topology deleted a finished request kept past its retention: its view, decisions and entries go too
                if (held != null) {
                    store.delete(id);
                    RequestIndex.keys(held).forEach(index::delete);
                }
                if (keptBefore != null) {
                    kept.delete(id);
                }
            }
            // counted only once stored: a partition that has caught up holds every status it had to read
            context.recordMetadata().ifPresent(metadata -> progress.processed(metadata.offset()));
        }

        /** Writes the decisions a view keeps beyond its status's own when they changed (null: none). */
        private void keep(String id, KeptDecisions beyond, KeptDecisions before) {
            if (beyond == null) {
                if (before != null) {
                    kept.delete(id);
                }
            } else if (!beyond.equals(before)) {
                keptIds.add(id);
                kept.put(id, beyond);
            }
        }
    }
}
