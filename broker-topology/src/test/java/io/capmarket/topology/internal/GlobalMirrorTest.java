package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GlobalMirrorTest {

    private final AtomicInteger views = new AtomicInteger();
    private final GlobalMirror<String, String> mirror = new GlobalMirror<>("table", value -> {
        views.incrementAndGet();
        return "view of " + value;
    });
    private TimestampedKeyValueStore<String, String> store;
    private Processor<String, String, Void, Void> updater;

    @BeforeEach
    void start() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore("table"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        updater = mirror.updater().get();
        updater.init(context);
    }

    @Test
    void aRecordGoesToTheStoreAndIsReadAsItsViewMadeOnce() {
        updater.process(new Record<>("producer-a", "healthy", 42L));

        assertThat(store.get("producer-a")).isEqualTo(ValueAndTimestamp.make("healthy", 42L));
        assertThat(mirror.get("producer-a", store)).isEqualTo("view of healthy");
        assertThat(mirror.get("producer-a", store)).isEqualTo("view of healthy");
        assertThat(views).as("one view per record, none per read").hasValue(1);

        updater.process(new Record<>("producer-a", "unhealthy", 43L));
        assertThat(mirror.get("producer-a", store)).isEqualTo("view of unhealthy");
        assertThat(store.get("producer-a")).isEqualTo(ValueAndTimestamp.make("unhealthy", 43L));
    }

    @Test
    void aTombstoneDeletesTheKeyAndARecordWithoutKeyIsDropped() {
        updater.process(new Record<>("producer-a", "approved", 1L));
        updater.process(new Record<>("producer-a", null, 2L));
        updater.process(new Record<>(null, "no key", 3L));

        assertThat(mirror.get("producer-a", store)).isNull();
        assertThat(store.get("producer-a")).isNull();
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void aKeyTheStoreHoldsWithoutItsProcessorIsReadFromTheStoreOnceAndUpdatedAfter() {
        store.put("restored", ValueAndTimestamp.make("from the log", 7L)); // as a restore bypassing the processor would

        assertThat(mirror.get("restored", store)).isEqualTo("view of from the log");
        assertThat(mirror.get("restored", store)).isEqualTo("view of from the log");
        assertThat(views).hasValue(1);
        assertThat(mirror.get("unknown", store)).as("nothing is kept for a key the table lacks").isNull();

        updater.process(new Record<>("restored", "newer", 8L));
        assertThat(mirror.get("restored", store)).isEqualTo("view of newer");
    }

    @Test
    void aFoldingMirrorsViewFollowsEveryValueOfItsKeyAndStartsAgainAfterATombstone() {
        GlobalMirror<String, String> folding = new GlobalMirror<>("table",
                (before, value) -> before == null ? value : before + "," + value);
        Processor<String, String, Void, Void> folder = folding.updater().get();
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        context.addStateStore(store);
        folder.init(context);
        store.put("from-store", ValueAndTimestamp.make("s", 1L));

        folder.process(new Record<>("producer-a", "a1", 1L));
        folder.process(new Record<>("producer-a", "a2", 2L));
        assertThat(folding.get("producer-a", store)).isEqualTo("a1,a2");
        assertThat(store.get("producer-a")).as("the store keeps the latest value").isEqualTo(ValueAndTimestamp.make("a2", 2L));
        assertThat(folding.get("from-store", store)).as("a key only the store held starts from its value").isEqualTo("s");
        folder.process(new Record<>("from-store", "t", 3L));
        assertThat(folding.get("from-store", store)).isEqualTo("s,t");

        folder.process(new Record<>("producer-a", null, 4L));
        folder.process(new Record<>("producer-a", "a3", 5L));
        assertThat(folding.get("producer-a", store)).isEqualTo("a3");
    }

    @Test
    void aKeyTheTableLacksIsLookedUpOnceAndARecordForItLaterIsRead() {
        assertThat(mirror.get("capability/1", store)).isNull();
        store.put("capability/1", ValueAndTimestamp.make("bypassing the processor", 9L));
        assertThat(mirror.get("capability/1", store)).as("its absence is kept: no store read per look-up").isNull();

        updater.process(new Record<>("capability/1", "set by an admin", 10L));
        assertThat(mirror.get("capability/1", store)).isEqualTo("view of set by an admin");
        updater.process(new Record<>("capability/1", null, 11L));
        assertThat(mirror.get("capability/1", store)).as("a tombstone keeps the absence").isNull();
    }
}
