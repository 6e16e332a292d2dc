package io.capmarket.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.topology.core.Day2Policy;
import io.capmarket.topology.core.MatchingPolicy;
import io.capmarket.topology.internal.TopologyNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished requests deleted past their retention through the real topology, on RocksDB stores as
 * in production: the kept request leaves the request store and a tombstone replaces its status on
 * {@code request-status} (the rule, path by path, is {@code core.FinishedRequestsDeskTest}'s).
 */
class FinishedRequestsTopologyTest {

    private static final String PG = "postgres-database";
    private static final Duration RETAIN = Duration.ofHours(1);

    @TempDir
    Path stateDir;
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir, new TopologySettings(MatchingPolicy.ofDefaults(), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1), PriorityGrants.NONE,
                new Day2Policy(Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofMinutes(2), Duration.ofDays(1),
                        Duration.ofDays(3), RETAIN)), new BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers());
        t.approve("db-team", PG);
        t.heartbeat("db-team");
        t.liveOffer("pg-eu", "db-team", PG, 10_000, Map.of());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void aFinishedRequestPastItsRetentionLeavesTheStoreAndItsStatusIsTombstoned() {
        t.submit("done", PG);
        t.cancel("done");
        t.submit("live", PG);
        t.report("live", FulfilmentKind.FULFILLED);
        assertThat(t.status("done").getState()).isEqualTo(RequestState.CANCELLED);
        assertThat(t.status("live").getState()).isEqualTo(RequestState.FULFILLED);

        t.advance(RETAIN.minusMinutes(1));
        assertThat(t.storedStatus("done")).as("within its retention").isNotNull();

        t.advance(Duration.ofMinutes(1));
        t.advance(Duration.ofSeconds(10));

        List<RequestStatus> written = t.statuses.get("done");
        assertThat(written.get(written.size() - 1)).as("its status deleted: a tombstone").isNull();
        assertThat(t.storedStatus("done")).isNull();
        assertThat(t.events).contains("purged:" + PG);
        assertThat(t.status("live").getState()).as("a live resource stays").isEqualTo(RequestState.FULFILLED);
        assertThat(t.storedStatus("live")).isNotNull();
    }

    @Test
    void aSweepGoesThroughTheStoreBatchByBatchAndDeletesEachFinishedRequestOnce() {
        List<String> ids = IntStream.range(0, 1_100).mapToObj(i -> String.format("r%04d", i)).toList();
        ids.forEach(id -> {
            t.submit(id, PG);
            t.cancel(id);
        });

        t.advance(RETAIN); // one sweep: a full batch, then the rest
        assertThat(ids).allSatisfy(id -> {
            assertThat(t.storedStatus(id)).isNull();
            assertThat(t.statuses.get(id)).as(id + ": one tombstone after its statuses").endsWith((RequestStatus) null)
                    .filteredOn(status -> status == null).hasSize(1);
        });
        t.advance(Duration.ofSeconds(10));
        assertThat(t.events.stream().filter(event -> event.startsWith("purged:"))).as("each deleted once").hasSize(ids.size());
    }

    @Test
    void theIndexEntryOfASubmitReadOffItsCapabilitysPartitionGoesWithItsRequest() {
        int partitions = t.topics.capabilityEvents().spec().partitions();
        String elsewhere = IntStream.range(0, 1_000).mapToObj(i -> "capability-" + i)
                .filter(name -> CapabilityPartitions.of(name, partitions) != 0).findFirst().orElseThrow();
        t.approve("db-team", PG, elsewhere);
        t.liveOffer("elsewhere-1", "db-team", elsewhere, 10, Map.of());
        KeyValueStore<String, String> index = t.driver.getKeyValueStore(TopologyNames.REQUEST_INDEX_STORE);
        KeyValueStore<String, String> entries = t.driver.getKeyValueStore(TopologyNames.INTAKE_ENTRY_STORE);
        t.submit("moved", elsewhere);
        assertThat(index.get("moved")).as("read on partition 0, its capability's owner another").isNotNull();
        assertThat(entries.get("moved")).as("the owner knows whose entry it is").isEqualTo("0");

        t.cancel("moved");
        t.advance(RETAIN.plusSeconds(10));

        assertThat(t.storedStatus("moved")).isNull();
        assertThat(index.get("moved")).as("gone with its request").isNull();
        assertThat(entries.get("moved")).isNull();
        t.heartbeat("db-team");
        t.submit("moved", elsewhere);
        assertThat(t.status("moved").getState()).as("its id unknown again: a new request, not a duplicate").isEqualTo(RequestState.MATCHED);
        assertThat(t.status("moved").getHistory()).extracting(StatusTransition::getState)
                .containsExactly(RequestState.SUBMITTED, RequestState.MATCHED);
    }
}
