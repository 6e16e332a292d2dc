package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.RequestStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Whether a started partition's views have caught up: only once its processor read the last
 * status the partition held when the task started; at once when it held none or that cannot be
 * learned; and anyway once the bound has passed.
 */
class LocalViewsTest {

    /** A store that may hold any request id: every read reads it. */
    private static final Predicate<String> ANY_ID = id -> true;

    private final AtomicLong nanos = new AtomicLong(1_000);
    /** The questions asked, run when the test says. */
    private final List<Runnable> asked = new ArrayList<>();

    @Test
    void aStartedPartitionCatchesUpOnlyOnceItsProcessorReadTheLastStatusItHeld() {
        LocalViews views = new LocalViews(partition -> OptionalLong.of(41), asked::add, nanos::get);
        assertThat(views.view(3)).as("a partition that does not run here").isNull();

        LocalViews.Progress progress = views.opened(3, store(), ANY_ID, UnaryOperator.identity());
        progress.processed(40);
        assertThat(views.view(3).caughtUp()).as("where it ends is not known yet").isFalse();
        asked.forEach(Runnable::run);
        assertThat(views.view(3).caughtUp()).as("one status behind").isFalse();
        assertThat(views.caughtUp()).isFalse();
        assertThat(views.catchingUp()).isOne();

        progress.processed(41);

        assertThat(views.view(3).caughtUp()).isTrue();
        assertThat(views.caughtUp()).isTrue();
        assertThat(views.catchingUp()).isZero();
    }

    @Test
    void aPartitionAlreadyPastItsLastStatusWhenTheAnswerComesHasCaughtUp() {
        LocalViews views = new LocalViews(partition -> OptionalLong.of(7), asked::add, nanos::get);
        LocalViews.Progress progress = views.opened(0, store(), ANY_ID, UnaryOperator.identity());
        progress.processed(9);

        asked.forEach(Runnable::run);

        assertThat(views.view(0).caughtUp()).isTrue();
    }

    @Test
    void anEmptyPartitionOrOneWhoseEndCannotBeLearnedCountsAsCaughtUp() {
        LocalViews empty = new LocalViews(partition -> OptionalLong.empty(), Runnable::run, nanos::get);
        empty.opened(0, store(), ANY_ID, UnaryOperator.identity());
        assertThat(empty.view(0).caughtUp()).isTrue();

        LocalViews unreachable = new LocalViews(partition -> {
            throw new IllegalStateException("the broker did not answer");
        }, Runnable::run, nanos::get);
        unreachable.opened(0, store(), ANY_ID, UnaryOperator.identity());
        assertThat(unreachable.view(0).caughtUp()).isTrue();
    }

    @Test
    void aPartitionThatDoesNotReachItsLastStatusWithinTheBoundCountsAsCaughtUpAnyway() {
        LocalViews views = new LocalViews(partition -> OptionalLong.of(100), Runnable::run, nanos::get);
        views.opened(1, store(), ANY_ID, UnaryOperator.identity()).processed(5);
        nanos.addAndGet(LocalViews.CATCH_UP_BOUND.toNanos());
        assertThat(views.view(1).caughtUp()).as("at the bound").isFalse();

        nanos.incrementAndGet();

        assertThat(views.view(1).caughtUp()).isTrue();
        assertThat(views.caughtUp()).isTrue();
    }

    @Test
    void aClosedPartitionNoLongerCountsAndAReopenedOneStartsOver() {
        LocalViews views = new LocalViews(partition -> OptionalLong.of(10), Runnable::run, nanos::get);
        KeyValueStore<String, RequestStatus> first = store();
        views.opened(2, first, ANY_ID, UnaryOperator.identity());
        assertThat(views.caughtUp()).isFalse();

        views.closed(2, first);
        assertThat(views.caughtUp()).isTrue();
        assertThat(views.view(2)).as("reads answer retry-later until a task runs here again").isNull();

        views.opened(2, store(), ANY_ID, UnaryOperator.identity()).processed(3);
        assertThat(views.view(2).caughtUp()).isFalse();
    }

    @Test
    void aViewTakenBeforeItsTaskMovesAnswersForTheStoreItWasTakenWith() {
        LocalViews views = new LocalViews(partition -> OptionalLong.of(10), Runnable::run, nanos::get);
        KeyValueStore<String, RequestStatus> first = store();
        views.opened(2, first, ANY_ID, UnaryOperator.identity()).processed(10);
        LocalViews.View taken = views.view(2);
        assertThat(taken.caughtUp()).isTrue();

        views.closed(2, first);
        KeyValueStore<String, RequestStatus> second = store();
        views.opened(2, second, ANY_ID, UnaryOperator.identity());
        views.closed(2, first);
        assertThat(views.view(2)).as("a new view").isNotSameAs(taken);

        assertThat(taken.caughtUp()).as("the view taken before the move").isTrue();
        assertThat(views.view(2).caughtUp()).as("the reopened task, not closed by its predecessor's close").isFalse();
    }

    @Test
    void partitionsThatStartTogetherAreLoadedByOneCallBeforeTheyMayCatchUpAndAFailedLoadDoesNotKeepThemBehind() {
        List<String> order = new ArrayList<>();
        LocalViews views = new LocalViews(partitions -> {
            order.add("preload " + partitions.keySet().stream().sorted().toList());
            if (partitions.containsKey(2)) {
                throw new IllegalStateException("the topology's group cannot be described");
            }
        }, partition -> {
            order.add("last status " + partition);
            return OptionalLong.of(5);
        }, asked::add, nanos::get);
        views.opened(0, store(), ANY_ID, UnaryOperator.identity()).processed(5);
        views.opened(1, store(), ANY_ID, UnaryOperator.identity()).processed(5);
        assertThat(views.caughtUp()).as("nothing loaded yet").isFalse();

        asked.forEach(Runnable::run);
        asked.clear();
        views.opened(2, store(), ANY_ID, UnaryOperator.identity()).processed(5);
        asked.forEach(Runnable::run);

        assertThat(order).containsExactly("preload [0, 1]", "last status 0", "last status 1", "preload [2]", "last status 2");
        assertThat(views.view(0).caughtUp()).isTrue();
        assertThat(views.view(1).caughtUp()).isTrue();
        assertThat(views.view(2).caughtUp()).as("a failed load counts as loaded").isTrue();
    }

    @Test
    void aTaskThatClosesUnloadsWhatItLoadedAndAStaleCloseOrOneDuringTheLoadIsHandled() {
        List<String> order = new ArrayList<>();
        LocalViews views = new LocalViews(new LocalViews.Preload() {
            @Override
            public void load(Map<Integer, LocalViews.View> partitions) {
                partitions.keySet().forEach(partition -> order.add("load " + partition));
            }

            @Override
            public void unload(int partition) {
                order.add("unload " + partition);
            }
        }, partition -> OptionalLong.empty(), asked::add, nanos::get);
        KeyValueStore<String, RequestStatus> first = store();
        views.opened(0, first, ANY_ID, UnaryOperator.identity());
        asked.forEach(Runnable::run);
        asked.clear();
        views.closed(0, first);
        assertThat(order).containsExactly("load 0", "unload 0");

        KeyValueStore<String, RequestStatus> second = store();
        views.opened(0, second, ANY_ID, UnaryOperator.identity());
        views.closed(0, first);
        assertThat(order).as("the close of a predecessor unloads nothing of its successor").containsExactly("load 0", "unload 0");

        views.closed(0, second);
        asked.forEach(Runnable::run);
        assertThat(order).as("closed while its load waited: unloaded once more after it")
                .containsExactly("load 0", "unload 0", "unload 0", "load 0", "unload 0");
    }

    private static KeyValueStore<String, RequestStatus> store() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(GatewayTopology.REQUEST_VIEWS), Serdes.String(),
                (Serde<RequestStatus>) null).withLoggingDisabled().build();
    }
}
