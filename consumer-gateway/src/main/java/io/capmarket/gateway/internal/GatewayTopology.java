package io.capmarket.gateway.internal;

import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The gateway's own Kafka Streams topology: its read models.
 *
 * <ul>
 *   <li>{@value #REQUEST_VIEWS}: every request by requestId, partitioned like the {@code requests}
 *       and {@code request-status} topics (same key, same partition count), fed by both: a submit
 *       creates a SUBMITTED view when there is none, so a request is readable as soon as the
 *       gateway's own submit is processed; the topology's statuses replace it.</li>
 *   <li>{@value #REQUEST_INDEX}: beside the views on the same partitions, the keys lists read
 *       in order ({@link RequestIndex}), so that a list reads only the caller's team's entries.</li>
 *   <li>{@value #CATALOG} and {@value #SCORECARD}: global tables, complete on every instance.</li>
 * </ul>
 * Every change to a request view is handed to {@code onChange} (long-polls and event streams wait on it).
 */
public final class GatewayTopology {

    public static final String REQUEST_VIEWS = "request-views";
    public static final String REQUEST_INDEX = "request-index";
    public static final String CATALOG = "catalog";
    public static final String SCORECARD = "scorecard";

    private GatewayTopology() {
    }

    /** What the view processor consumes: one submit, or one status. */
    record Update(SubmitRequest submit, RequestStatus status) {
    }

    public static Topology build(Topics topics, Consumer<RequestStatus> onChange) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUEST_VIEWS),
                Serdes.String(), topics.requestStatus().valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUEST_INDEX), Serdes.String(), Serdes.String()));
        KStream<String, Update> submits = builder.stream(topics.requests().name(), consumed(topics.requests(), "requests-source"))
                .filter((id, command) -> command != null && command.getCommand() instanceof SubmitRequest, Named.as("submits-only"))
                .mapValues(command -> new Update((SubmitRequest) command.getCommand(), null), Named.as("submit-updates"));
        KStream<String, Update> statuses = builder.stream(topics.requestStatus().name(), consumed(topics.requestStatus(), "request-status-source"))
                .filter((id, status) -> status != null, Named.as("statuses-only"))
                .mapValues(status -> new Update(null, status), Named.as("status-updates"));
        submits.merge(statuses, Named.as("request-updates"))
                .process(() -> new ViewProcessor(onChange), Named.as("request-views-processor"), REQUEST_VIEWS,
                        REQUEST_INDEX);
        builder.globalTable(topics.catalog().name(), consumed(topics.catalog(), "catalog-source"),
                Materialized.<String, CapabilityView, KeyValueStore<Bytes, byte[]>>as(CATALOG)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.catalog().valueSerde()));
        builder.globalTable(topics.scorecard().name(), consumed(topics.scorecard(), "scorecard-source"),
                Materialized.<String, CapabilityScore, KeyValueStore<Bytes, byte[]>>as(SCORECARD)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.scorecard().valueSerde()));
        return builder.build();
    }

    private static <V> Consumed<String, V> consumed(Topic<String, V> topic, String name) {
        return Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }

    /**
     * Keeps the view store and its index; the decision (create if absent, replace on status) is
     * {@link RequestViews#apply}. An index found empty beside views (a store written before the
     * index existed) is filled from the views once, at start.
     */
    static final class ViewProcessor implements Processor<String, Update, Void, Void> {

        private final Consumer<RequestStatus> onChange;
        private KeyValueStore<String, RequestStatus> store;
        private KeyValueStore<String, String> index;

        ViewProcessor(Consumer<RequestStatus> onChange) {
            this.onChange = onChange;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(REQUEST_VIEWS);
            index = context.getStateStore(REQUEST_INDEX);
            try (KeyValueIterator<String, String> entries = index.all()) {
                if (entries.hasNext()) {
                    return;
                }
            }
            try (KeyValueIterator<String, RequestStatus> views = store.all()) {
                views.forEachRemaining(view -> reindex(null, view.value));
            }
        }

        private void reindex(RequestStatus previous, RequestStatus next) {
            if (previous != null && Objects.equals(previous.getConsumerTeam(), next.getConsumerTeam())
                    && Objects.equals(previous.getSubmittedAt(), next.getSubmittedAt())) {
                return; // the keys depend on the id, the team and the submission time alone
            }
            Set<String> old = previous == null ? Set.of() : RequestIndex.keys(previous);
            Set<String> now = RequestIndex.keys(next);
            old.stream().filter(key -> !now.contains(key)).forEach(index::delete);
            now.stream().filter(key -> !old.contains(key)).forEach(key -> index.put(key, next.getRequestId()));
        }

        @Override
        public void process(Record<String, Update> record) {
            RequestStatus current = store.get(record.key());
            RequestStatus next = RequestViews.apply(current, record.value().submit(), record.value().status());
            if (next != current) {
                store.put(record.key(), next);
                reindex(current, next);
                onChange.accept(next);
            }
        }
    }
}
