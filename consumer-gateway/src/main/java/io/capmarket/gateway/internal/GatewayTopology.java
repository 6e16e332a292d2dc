package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.runtime.WrittenKeys;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
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
 *       {@code request-status} topic it is fed from (a newer status replaces the view). Submissions
 *       are written to {@code requests} on the partition of their capability, so the view of a
 *       request this gateway accepted is served from {@link AcceptedRequests} until the topology's
 *       first status of it arrives here.</li>
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
    public static final String CATALOG = "catalog";
    public static final String SCORECARD = "scorecard";
    public static final String APPROVAL_POLICIES = "approval-policies";
    public static final String QUOTAS = "quotas";
    public static final String TEAM_USAGE = "team-usage";

    private GatewayTopology() {
    }

    /** The topology; {@code views} learns of each task's view store as it starts and closes. */
    public static Topology build(Topics topics, Consumer<RequestStatus> onChange, LocalViews views) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUEST_VIEWS),
                Serdes.String(), topics.requestStatus().valueSerde()));
        // derived from the views, so rebuilt from them at every task start (ViewProcessor#init) rather than logged per entry
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUEST_INDEX), Serdes.String(), Serdes.String())
                .withLoggingDisabled());
        // tombstones too reach the processor, which counts every record it reads towards catching up (LocalViews)
        builder.stream(topics.requestStatus().name(), consumed(topics.requestStatus(), "request-status-source"))
                .process(() -> new ViewProcessor(onChange, views), Named.as("request-views-processor"), REQUEST_VIEWS,
                        REQUEST_INDEX);
        globalTable(builder, topics.catalog(), "catalog-source", Materialized.as(CATALOG));
        globalTable(builder, topics.scorecard(), "scorecard-source", Materialized.as(SCORECARD));
        globalTable(builder, topics.approvalPolicies(), "approval-policies-source", Materialized.as(APPROVAL_POLICIES));
        // read on every submit, small, and rebuilt from their topics at every start: kept in memory
        globalTable(builder, topics.quotas(), "quotas-source", Materialized.as(Stores.inMemoryKeyValueStore(QUOTAS)));
        globalTable(builder, topics.teamUsage(), "team-usage-source", Materialized.as(Stores.inMemoryKeyValueStore(TEAM_USAGE)));
        return builder.build();
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
     * Keeps the view store and its index; the decision (create if absent, replace on status) is
     * {@link RequestViews#apply}, and a tombstone (a finished request the topology deleted once
     * kept past its retention) deletes the view and its index entries. The index is rebuilt from
     * the views whenever the task starts: Kafka Streams may have brought the views up to date
     * without this processor (a restore from their changelog, a standby), and the index's own
     * writes since its last flush do not survive a crash. The start reads every view anyway, to
     * learn the ids the store holds.
     */
    static final class ViewProcessor implements Processor<String, RequestStatus, Void, Void> {

        private final Consumer<RequestStatus> onChange;
        private final LocalViews views;
        private KeyValueStore<String, RequestStatus> store;
        /** The ids {@link #store} holds: a new request's reads (its first status, a submit's Idempotency-Key) skip the store. */
        private WrittenKeys ids;
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
            partition = context.taskId().partition();
            this.context = context;
            ids = WrittenKeys.ofRequestStore(REQUEST_VIEWS, context.taskId(), views::idsOverflowed);
            long started = System.nanoTime();
            long cleared = clearIndex();
            Batch entries = new Batch(index);
            long held = 0;
            try (KeyValueIterator<String, RequestStatus> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, RequestStatus> view = all.next();
                    ids.add(view.key);
                    held++;
                    for (String key : RequestIndex.keys(view.value)) {
                        entries.add(key, view.value.getRequestId());
                    }
                }
            }
            long written = entries.write();
            long took = System.nanoTime() - started;
            views.indexRebuilt(written, took);
            if (held > 0 || cleared > 0) {
                LOG.info("partition {} of the request views: rebuilt its list index from its {} views ({} entries before) in {} ms",
                        partition, held, cleared, took / 1_000_000);
            }
            progress = views.opened(partition, store, ids::mayHold);
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
            RequestStatus current = ids.mayHold(record.key()) ? store.get(record.key()) : null;
            if (record.value() != null) {
                RequestStatus next = RequestViews.apply(current, record.value());
                if (next != current) {
                    ids.add(record.key());
                    store.put(record.key(), next);
                    reindex(current, next);
                    onChange.accept(next);
                }
            } else if (current != null) {
                // the topology deleted a finished request kept past its retention: its view and entries go too
                store.delete(record.key());
                RequestIndex.keys(current).forEach(index::delete);
            }
            // counted only once stored: a partition that has caught up holds every status it had to read
            context.recordMetadata().ifPresent(metadata -> progress.processed(metadata.offset()));
        }
    }
}
