package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request just accepted is read from {@link AcceptedRequests} until its status reaches the store;
 * the stream thread stores the status, then stops holding it. A read, or a keyed retry, racing
 * that hand-over finds the request on one side or the other, never on neither.
 */
class RequestReadsTest {

    private static final int PARTITION = 0;
    private static final String KEY = "k1";
    private static final Principal ALICE = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);

    private final AcceptedRequests accepted = new AcceptedRequests(System::nanoTime);
    private final RequestStatus status = RequestViews.submitted(submit(Submission.requestId("alpha", KEY)));
    private final String id = status.getRequestId();
    private EmbeddedSchemaRegistry registry;
    private KeyValueStore<String, RequestStatus> store;

    @BeforeEach
    void start() {
        registry = EmbeddedSchemaRegistry.builder().build().start();
        Topics topics = Topics.builder().prefix("t.").serdeConfig(Map.of("schema.registry.url", registry.url())).build();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(GatewayTopology.REQUEST_VIEWS), Serdes.String(),
                topics.requestStatus().valueSerde()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<Void, Void>().getStateStoreContext(), store);
    }

    @AfterEach
    void stop() {
        store.close();
        registry.close();
    }

    @Test
    void aRequestStoredWhileItIsReadIsFoundAsAcceptedAndThenInTheStore() {
        accepted.reserve(status, PARTITION);
        accepted.acknowledged(id);
        RequestStatus matched = RequestStatus.newBuilder(status).setState(RequestState.MATCHED).build();
        RequestReads reads = reads(missedWhile(() -> {
            store.put(id, matched);
            accepted.stored(id);
        }));

        assertThat(reads.current(id, PARTITION)).as("a read right after the 202").contains(status);
        assertThat(reads.current(id, PARTITION)).as("the next read").contains(matched);
    }

    @Test
    void theStoresAnswerIsPreferredToTheRequestAsAccepted() {
        accepted.reserve(status, PARTITION);
        accepted.acknowledged(id);
        RequestStatus matched = RequestStatus.newBuilder(status).setState(RequestState.MATCHED).build();
        store.put(id, matched);

        assertThat(reads(any -> true).current(id, PARTITION)).contains(matched);
    }

    @Test
    void aKeyedRetryRacingTheStoreIsAnsweredWithTheRequestNotWrittenAgain() {
        accepted.reserve(status, PARTITION);
        accepted.acknowledged(id);

        CompletableFuture<Acceptor.Answer> answer = retry(missedWhile(() -> {
            store.put(id, status);
            accepted.stored(id);
        }));

        assertThat(answer).succeedsWithin(Duration.ofSeconds(5)).satisfies(found -> {
            assertThat(found.status()).isEqualTo(200);
            assertThat(found.view().id()).isEqualTo(id);
        });
    }

    @Test
    void aKeyedRetryWhileKafkaSettlesTheFirstWriteIsToldToRetryEvenIfItIsSettledAndStoredMeanwhile() {
        accepted.reserve(status, PARTITION);

        CompletableFuture<Acceptor.Answer> answer = retry(missedWhile(() -> {
            accepted.acknowledged(id);
            store.put(id, status);
            accepted.stored(id);
        }));

        assertThat(answer).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingRootCause()
                .isInstanceOf(RetryLaterException.class);
    }

    /** A retry of the submit with the same key; with no catalog, schemas, quotas or publisher, one that goes on to write fails. */
    private CompletableFuture<Acceptor.Answer> retry(Predicate<String> mayHold) {
        Acceptor acceptor = new Acceptor(null, null, null, reads(mayHold), accepted, new RequestWatchers(), null, Clock.systemUTC(),
                null);
        try {
            Submission submission = Submission.parse(Json.MAPPER.readTree(
                    "{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": {\"sizeGb\": 1}}"));
            return acceptor.accept(ALICE, submission, KEY, id, PARTITION, Span.getInvalid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The store's first read misses the request: its written keys say the store does not hold it,
     * so the store is not read; then the stream thread does {@code meanwhile}. Later reads read the store.
     */
    private static Predicate<String> missedWhile(Runnable meanwhile) {
        AtomicBoolean first = new AtomicBoolean(true);
        return requestId -> {
            if (first.getAndSet(false)) {
                meanwhile.run();
                return false;
            }
            return true;
        };
    }

    private RequestReads reads(Predicate<String> mayHold) {
        LocalViews views = new LocalViews(partition -> OptionalLong.empty(), Runnable::run, System::nanoTime);
        views.opened(PARTITION, store, mayHold, UnaryOperator.identity());
        return new RequestReads(new RequestStore(null, views, "request-status", new HostInfo("localhost", 0)), accepted,
                new RequestWatchers(), null, null, Runnable::run);
    }

    private static SubmitRequest submit(String id) {
        return SubmitRequest.newBuilder().setRequestId(id).setConsumerTeam("alpha")
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice"))
                .setCapability("postgres-database").setCapabilityVersion(1).setParameters("{\"sizeGb\":1}").setConstraints(Map.of())
                .setPreferences(Map.of()).setPriority(Priority.NORMAL).setIdempotencyKey(KEY).setSubmittedAt(Instant.now()).build();
    }
}
