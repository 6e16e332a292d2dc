package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.DecisionOutcome;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.MatchWeights;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.gateway.KeptDecisions;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The list index beside the request views: kept by the gateway's topology as views change, and
 * read by a team's list from that team's prefix only.
 */
class RequestIndexTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path stateDir;
    private EmbeddedSchemaRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, RequestStatus> statuses;
    private Topics topics;
    private LocalViews local;

    @BeforeEach
    void start() {
        registry = EmbeddedSchemaRegistry.builder().build().start();
        topics = Topics.builder().prefix("t.").serdeConfig(Map.of("schema.registry.url", registry.url())).build();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gateway-index-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        local = new LocalViews();
        driver = new TopologyTestDriver(GatewayTopology.build(topics, "gateway-index-test", status -> { }, local), props);
        statuses = driver.createInputTopic(topics.requestStatus().name(), Serdes.String().serializer(),
                topics.requestStatus().valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        registry.close();
    }

    @Test
    void eachViewHasItsTeamsIdAndNewestEntriesAndAnAllTeamsNewestEntryKeptAsItChanges() {
        RequestStatus submitted = RequestViews.submitted(submit("r1", "alpha", T0));
        statuses.pipeInput("r1", submitted);
        statuses.pipeInput("r2", RequestViews.submitted(submit("r2", "beta", T0.plusSeconds(60))));
        // the topology's own status names a later submission time: the old entries go, the new ones come
        statuses.pipeInput("r1", advance(RequestStatus.newBuilder(submitted).setSubmittedAt(T0.plusSeconds(5)).build()));

        KeyValueStore<String, String> index = driver.getKeyValueStore(GatewayTopology.REQUEST_INDEX);
        List<String> keys = new ArrayList<>();
        try (var all = index.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key + "=" + entry.value));
        }
        String r1 = ListQuery.Order.NEWEST.key("r1", T0.plusSeconds(5));
        String r2 = ListQuery.Order.NEWEST.key("r2", T0.plusSeconds(60));
        assertThat(keys).containsExactlyInAnyOrder("t/alpha/i/r1=r1", "t/alpha/n/" + r1 + "=r1", "n/" + r1 + "=r1",
                "t/beta/i/r2=r2", "t/beta/n/" + r2 + "=r2", "n/" + r2 + "=r2");
    }

    @Test
    void aTombstoneDeletesTheViewAndItsEntriesAndLeavesTheOthers() {
        statuses.pipeInput("r1", advance(RequestViews.submitted(submit("r1", "alpha", T0)), RequestState.CANCELLED));
        statuses.pipeInput("r2", RequestViews.submitted(submit("r2", "alpha", T0.plusSeconds(1))));
        assertThat(keys()).hasSize(6);

        statuses.pipeInput("r1", (RequestStatus) null);
        statuses.pipeInput("never-held", (RequestStatus) null);

        KeyValueStore<String, RequestStatus> views = driver.getKeyValueStore(GatewayTopology.REQUEST_VIEWS);
        assertThat(views.get("r1")).isNull();
        assertThat(views.get("r2")).isNotNull();
        String r2 = ListQuery.Order.NEWEST.key("r2", T0.plusSeconds(1));
        assertThat(keys()).containsExactlyInAnyOrder("t/alpha/i/r2", "t/alpha/n/" + r2, "n/" + r2);
    }

    @Test
    void aRequestIsInTheApprovalIndexOldestFirstOnlyWhileItWaitsForApprovals() {
        RequestStatus submitted = RequestViews.submitted(submit("r1", "alpha", T0));
        statuses.pipeInput("r1", submitted);
        RequestStatus pending = advance(submitted, RequestState.PENDING_APPROVAL);
        statuses.pipeInput("r1", pending);
        String entry = "p/" + ListQuery.Order.OLDEST.key("r1", T0);
        assertThat(keys()).contains(entry).hasSize(4);

        statuses.pipeInput("r1", advance(pending, RequestState.MATCHED));

        assertThat(keys()).doesNotContain(entry).hasSize(3);
        assertThat(RequestIndex.sameKeys(submitted, pending)).isFalse();
        assertThat(RequestIndex.sameKeys(pending, advance(pending, RequestState.PENDING_APPROVAL))).as("an approval given").isTrue();
        assertThat(ListQuery.Order.OLDEST.key("r1", T0)).isEqualTo(String.format("%019d/r1", T0.toEpochMilli()));
        assertThat(ListQuery.Order.OLDEST.key("r1", T0)).isLessThan(ListQuery.Order.OLDEST.key("r0", T0.plusMillis(1)));
    }

    @Test
    void anApprovalInboxReadsThePendingPrefixFromItsCursor() {
        Principal dana = new Principal("dba", Principal.Role.APPROVER, "dana", false);
        assertThat(RequestIndex.range(ListQuery.inbox(dana, null, 10))).contains(new RequestIndex.Range("p/", "p/", false));
        assertThat(RequestIndex.range(ListQuery.inbox(dana, "0001/r7", 10))).contains(new RequestIndex.Range("p/", "p/0001/r7", true));
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (var all = driver.<String, String>getKeyValueStore(GatewayTopology.REQUEST_INDEX).all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    @Test
    void theNewestFirstKeyIsTheSubmissionCountedBackFromTheEndOfTimeInNineteenDigitsThenTheId() {
        assertThat(ListQuery.Order.NEWEST.key("r1", T0)).isEqualTo((Long.MAX_VALUE - T0.toEpochMilli()) + "/r1");
        assertThat(ListQuery.Order.NEWEST.key("r1", Instant.EPOCH)).isEqualTo(Long.MAX_VALUE + "/r1");
        Instant farFuture = Instant.ofEpochMilli(Long.MAX_VALUE - 42);
        assertThat(ListQuery.Order.NEWEST.key("r1", farFuture)).isEqualTo("0000000000000000042/r1");
        assertThat(ListQuery.Order.NEWEST.key("r1", Instant.ofEpochMilli(-1))).isEqualTo("-9223372036854775808/r1");
        assertThat(ListQuery.Order.NEWEST.key("r2", T0)).isLessThan(ListQuery.Order.NEWEST.key("r1", T0.minusMillis(1)));
        assertThat(ListQuery.Order.ID.key("r1", T0)).isEqualTo("r1");
    }

    @Test
    void aTeamsListReadsFromItsOwnPrefixFromTheCursorAndOnlyAnAdminsListByIdReadsTheViews() {
        assertThat(RequestIndex.range(new ListQuery("alpha", null, null, null, 10)))
                .contains(new RequestIndex.Range("t/alpha/i/", "t/alpha/i/", false));
        assertThat(RequestIndex.range(new ListQuery("alpha", "WAITING", null, "r7", 10)))
                .contains(new RequestIndex.Range("t/alpha/i/", "t/alpha/i/r7", true));
        assertThat(RequestIndex.range(new ListQuery("alpha", null, null, "0001/r7", 10, ListQuery.Order.NEWEST)))
                .contains(new RequestIndex.Range("t/alpha/n/", "t/alpha/n/0001/r7", true));
        assertThat(RequestIndex.range(new ListQuery(null, null, null, null, 10, ListQuery.Order.NEWEST)))
                .contains(new RequestIndex.Range("n/", "n/", false));
        assertThat(RequestIndex.range(new ListQuery(null, null, null, null, 10))).isEmpty();
        assertThat(RequestIndex.keys(RequestViews.submitted(submit("r1", "alpha", T0))))
                .allSatisfy(key -> assertThat(key).doesNotStartWith("t/alph/").doesNotStartWith("t/beta/"));
    }

    @Test
    void theIndexIsRebuiltFromTheViewsWheneverTheTaskStarts() {
        ViewsTask task = viewsTask();
        // views the processor never saw (restored from their changelog, or written before the index existed)
        RequestStatus pending = advance(RequestViews.submitted(submit("r1", "alpha", T0)), RequestState.PENDING_APPROVAL);
        task.views().put("r1", pending);
        task.views().put("r2", RequestViews.submitted(submit("r2", "beta", T0)));
        // more than a write batch of views, and of stale entries: a request gone, another that no longer waits for approvals
        for (int i = 0; i < GatewayTopology.Batch.SIZE + 200; i++) {
            String id = String.format("bulk-%05d", i);
            task.views().put(id, RequestViews.submitted(submit(id, "bulk", T0.plusMillis(i))));
            task.index().put("t/gone/i/" + id, id);
        }
        task.index().put("p/" + ListQuery.Order.OLDEST.key("r2", T0), "r2");
        // an entry the rebuild writes again: deleted before it is written, never after
        task.index().put("t/beta/i/r2", "r2");
        Map<String, String> expected = new TreeMap<>();
        try (var all = task.views().all()) {
            all.forEachRemaining(view -> RequestIndex.keys(view.value).forEach(key -> expected.put(key, view.key)));
        }

        LocalViews local = new LocalViews();
        new GatewayTopology.ViewProcessor(status -> { }, local).init(task.context());

        Map<String, String> entries = indexOf(task);
        assertThat(entries).isEqualTo(expected).hasSize(3 * (GatewayTopology.Batch.SIZE + 202) + 1)
                .containsEntry("t/alpha/i/r1", "r1").containsEntry("p/" + ListQuery.Order.OLDEST.key("r1", T0), "r1")
                .containsEntry("t/beta/i/r2", "r2").doesNotContainKey("p/" + ListQuery.Order.OLDEST.key("r2", T0));
        assertThat(local.indexRebuilds()).as("rebuilds counted").isEqualTo(1);
        assertThat(local.indexEntriesRebuilt()).as("entries the rebuild wrote").isEqualTo(expected.size());

        new GatewayTopology.ViewProcessor(status -> { }, local).init(task.context());

        assertThat(indexOf(task)).as("the next start rebuilds the same index").isEqualTo(expected);
        assertThat(local.indexRebuilds()).isEqualTo(2);
        assertThat(local.indexEntriesRebuilt()).isEqualTo(2L * expected.size());
    }

    private static Map<String, String> indexOf(ViewsTask task) {
        Map<String, String> entries = new TreeMap<>();
        try (var all = task.index().all()) {
            all.forEachRemaining(entry -> entries.put(entry.key, entry.value));
        }
        return entries;
    }

    @Test
    void theViewsAreTheStatusesThemselvesAndOnlyTheDecisionsAStatusNoLongerCarriesAreLoggedBesideThem() {
        String changelog = "gateway-index-test-" + GatewayTopology.REQUEST_DECISIONS + "-changelog";
        TestOutputTopic<String, KeptDecisions> kept = driver.createOutputTopic(changelog, Serdes.String().deserializer(),
                topics.storeSerde(KeptDecisions.class).deserializer());
        KeyValueStore<String, RequestStatus> views = driver.getKeyValueStore(GatewayTopology.REQUEST_VIEWS);
        MatchDecision decision = MatchDecision.newBuilder().setAt(T0).setAttempt(1).setOutcome(DecisionOutcome.MATCHED).setOfferId("o1")
                .setWeights(new MatchWeights(1.0, 1.0, 1.0, 1.0)).setCandidates(List.of()).build();
        RequestStatus matched = RequestStatus.newBuilder(advance(RequestViews.submitted(submit("r1", "alpha", T0))))
                .setDecisions(List.of(decision)).build();

        statuses.pipeInput("r1", matched);

        assertThat(views.get("r1")).isEqualTo(matched);
        assertThat(kept.isEmpty()).as("the status carries every decision of its view").isTrue();

        RequestStatus accepted = RequestStatus.newBuilder(advance(matched, RequestState.ACCEPTED)).setDecisions(List.of()).build();
        statuses.pipeInput("r1", accepted);

        assertThat(views.get("r1")).as("the status as read, which request-status restores").isEqualTo(accepted);
        assertThat(kept.readKeyValuesToList()).as("the decision the next status no longer carries, logged once")
                .containsExactly(KeyValue.pair("r1", new KeptDecisions(List.of(decision))));
        assertThat(local.view(0).withKeptDecisions(views.get("r1")).getDecisions()).containsExactly(decision);
        assertThat(local.view(0).withKeptDecisions(views.get("r1")).getState()).isEqualTo(RequestState.ACCEPTED);

        statuses.pipeInput("r1", RequestStatus.newBuilder(advance(accepted, RequestState.FULFILLED)).setDecisions(List.of()).build());

        assertThat(kept.isEmpty()).as("the kept decisions unchanged: nothing written").isTrue();
        assertThat(local.view(0).withKeptDecisions(views.get("r1")).getDecisions()).containsExactly(decision);

        statuses.pipeInput("r1", (RequestStatus) null);

        assertThat(views.get("r1")).isNull();
        assertThat(kept.readKeyValuesToList()).as("deleted with its view").containsExactly(KeyValue.pair("r1", null));
        assertThat(driver.producedTopicNames()).as("the views' changelog is request-status; the index is rebuilt from them")
                .contains(changelog)
                .doesNotContain("gateway-index-test-" + GatewayTopology.REQUEST_VIEWS + "-changelog",
                        "gateway-index-test-" + GatewayTopology.REQUEST_INDEX + "-changelog");
    }

    @Test
    void aViewsTaskAnswersAnIdItsStoreNeverHeldWithoutReadingTheStoreUntilTheStoreCloses() {
        ViewsTask task = viewsTask();
        task.views().put("before", RequestViews.submitted(submit("before", "alpha", T0)));
        LocalViews local = new LocalViews();
        GatewayTopology.ViewProcessor processor = new GatewayTopology.ViewProcessor(status -> { }, local);

        processor.init(task.context());
        processor.process(new Record<>("after", advance(RequestViews.submitted(submit("after", "alpha", T0))), 0L));
        LocalViews.View view = local.view(task.context().taskId().partition());

        assertThat(view.get("before")).as("held when the task started").isPresent();
        assertThat(view.get("after")).as("stored since").hasValueSatisfying(status ->
                assertThat(status.getState()).isEqualTo(RequestState.MATCHED));
        assertThat(view.get("never")).isEmpty();
        task.views().close();
        assertThatThrownBy(() -> view.get("never")).as("a closed store fails the read, as an interactive query would")
                .isInstanceOf(InvalidStateStoreException.class);
    }

    /** The two stores of a task of the views, in memory, in a processor context of their own. */
    private record ViewsTask(MockProcessorContext<Void, Void> context, KeyValueStore<String, RequestStatus> views,
            KeyValueStore<String, String> index, KeyValueStore<String, KeptDecisions> kept) {
    }

    private ViewsTask viewsTask() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        return new ViewsTask(context, added(context, GatewayTopology.REQUEST_VIEWS, topics.requestStatus().valueSerde()),
                added(context, GatewayTopology.REQUEST_INDEX, Serdes.String()),
                added(context, GatewayTopology.REQUEST_DECISIONS, topics.storeSerde(KeptDecisions.class)));
    }

    private static <V> KeyValueStore<String, V> added(MockProcessorContext<Void, Void> context, String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private static SubmitRequest submit(String id, String team, Instant at) {
        return SubmitRequest.newBuilder().setRequestId(id).setConsumerTeam(team).setRequestedBy(new Requester(RequesterKind.BOT, "ci"))
                .setCapability("postgres-database").setCapabilityVersion(1).setParameters("{\"sizeGb\":1}").setConstraints(Map.of())
                .setPreferences(Map.of()).setPriority(Priority.LOW).setSubmittedAt(at).build();
    }

    private static RequestStatus advance(RequestStatus status) {
        return advance(status, RequestState.MATCHED);
    }

    private static RequestStatus advance(RequestStatus status, RequestState state) {
        List<StatusTransition> history = new ArrayList<>(status.getHistory());
        history.add(new StatusTransition(state, T0.plusSeconds(history.size()), 1, "o1", null));
        return RequestStatus.newBuilder(status).setState(state).setHistory(history).build();
    }
}
