package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capmarket.gateway.generated.ApiClient;
import io.capmarket.gateway.generated.ApiException;
import io.capmarket.gateway.generated.ApiResponse;
import io.capmarket.gateway.generated.api.CatalogApi;
import io.capmarket.gateway.generated.api.IdentityApi;
import io.capmarket.gateway.generated.api.RequestsApi;
import io.capmarket.gateway.generated.model.Caller;
import io.capmarket.gateway.generated.model.CapabilityPage;
import io.capmarket.gateway.generated.model.Priority;
import io.capmarket.gateway.generated.model.Problem;
import io.capmarket.gateway.generated.model.Request;
import io.capmarket.gateway.generated.model.RequestState;
import io.capmarket.gateway.generated.model.Role;
import io.capmarket.gateway.generated.model.Submission;
import io.capmarket.gateway.generated.model.Transition;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Java client generated from the public {@code /openapi.json} (openapi-generator, at build time)
 * drives a live gateway: submit with an Idempotency-Key, wait for the outcome with a long poll,
 * cancel, and read problems. The test plays the topology by writing to {@code request-status}.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientIT {

    private static final Duration WAIT = RunningGateway.WAIT;

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private RunningGateway gateway;
    private RequestsApi requests;
    private ApiClient client;

    GeneratedClientIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() {
        gateway = RunningGateway.start(broker, registry, "generated-client", Map.of(), List.of(Fixtures.postgres(Instant.now())));
        client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + gateway.app().httpPort());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + ALPHA_TOKEN));
        client.setReadTimeout(WAIT);
        requests = new RequestsApi(client);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aSubmitWithAnIdempotencyKeyIsAcceptedOnceAndTheSameRequestAfter() throws ApiException {
        String key = UUID.randomUUID().toString();

        ApiResponse<Request> accepted = requests.submitRequestWithHttpInfo(postgres(12), key);
        ApiResponse<Request> again = requests.submitRequestWithHttpInfo(postgres(12), key);

        assertThat(accepted.getStatusCode()).isEqualTo(202);
        Request request = accepted.getData();
        assertThat(accepted.getHeaders().get("location")).containsExactly("/v1/requests/" + request.getId());
        assertThat(request.getState()).isEqualTo(RequestState.SUBMITTED);
        assertThat(request.getPriority()).isEqualTo(Priority.HIGH);
        assertThat(request.getIdempotencyKey()).isEqualTo(key);
        assertThat(request.getTeam()).isEqualTo("alpha");
        assertThat(request.getConstraints()).isEqualTo(Map.of("region", List.of("eu-west")));
        assertThat(request.getHistory()).extracting(Transition::getState).containsExactly(RequestState.SUBMITTED);
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(again.getData().getId()).isEqualTo(request.getId());
    }

    @Test
    void aLongPollWaitsForTheAwaitedState() throws Exception {
        Request submitted = requests.submitRequest(postgres(3), UUID.randomUUID().toString());
        String id = submitted.getId();

        long asked = System.nanoTime();
        CompletableFuture<Request> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return requests.getRequest(id, RequestState.FULFILLED, "20s");
            } catch (ApiException e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(WAIT).until(() -> gateway.api().get("/metrics", null).text().contains("capmarket_gateway_long_poll_waiters 1.0"));
        RequestStatus matched = Statuses.advance(status(id), io.capmarket.schemas.RequestState.MATCHED, "matched to pg-eu");
        Fixtures.send(broker, gateway.topics().requestStatus(), id, matched);
        await().atMost(WAIT).until(() -> requests.getRequest(id, null, null).getState() == RequestState.MATCHED);
        assertThat(poll).isNotDone();
        Fixtures.send(broker, gateway.topics().requestStatus(), id,
                Statuses.advance(matched, io.capmarket.schemas.RequestState.FULFILLED, "done"));

        Request outcome = poll.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("woken by the change, not answered at its 20 s timeout")
                .isLessThan(Duration.ofSeconds(19));
        assertThat(outcome.getState()).isEqualTo(RequestState.FULFILLED);
        assertThat(outcome.getOutputs()).containsEntry("host", "db.internal");
        assertThat(outcome.getHistory()).extracting(Transition::getState)
                .containsExactly(RequestState.SUBMITTED, RequestState.MATCHED, RequestState.FULFILLED);
    }

    @Test
    void aCancelIsAcceptedAndAFinishedRequestAnswersAProblem() throws ApiException {
        Request submitted = requests.submitRequest(postgres(5), UUID.randomUUID().toString());
        String id = submitted.getId();

        ApiResponse<Request> cancelled = requests.cancelRequestWithHttpInfo(id);

        assertThat(cancelled.getStatusCode()).isEqualTo(202);
        assertThat(cancelled.getData().getId()).isEqualTo(id);
        Fixtures.send(broker, gateway.topics().requestStatus(), id,
                Statuses.advance(status(id), io.capmarket.schemas.RequestState.CANCELLED, "cancelled"));
        await().atMost(WAIT).until(() -> requests.getRequest(id, null, null).getState() == RequestState.CANCELLED);
        assertThat(requests.listRequests(RequestState.CANCELLED, null, null, null, 500, null, null).getItems())
                .extracting(Request::getId).contains(id);
        assertThatThrownBy(() -> requests.cancelRequest(id)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getCode()).isEqualTo(409);
            assertThat(problem(e).getType()).isEqualTo("/problems/conflict");
        });
    }

    @Test
    void badInputAnswersAProblemNamingTheField() {
        Submission negative = postgres(1).version(0);

        assertThatThrownBy(() -> requests.submitRequest(negative, UUID.randomUUID().toString()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    Problem problem = problem(e);
                    assertThat(problem.getType()).isEqualTo("/problems/malformed-request");
                    assertThat(problem.getErrors()).anySatisfy(error -> assertThat(error.getField()).isEqualTo("version"));
                });
    }

    @Test
    void theCatalogAndTheCallerAreTyped() throws ApiException {
        CapabilityPage page = new CatalogApi(client).listCapabilities("postgres", null, 10, null);
        Caller caller = new IdentityApi(client).whoAmI();

        assertThat(page.getItems()).singleElement().satisfies(capability -> {
            assertThat(capability.getName()).isEqualTo("postgres-database");
            assertThat(capability.getOffers()).extracting(offer -> offer.getAttributes().get("region")).contains("eu-west");
        });
        assertThat(page.getNext()).isNull();
        assertThat(caller.getRole()).isEqualTo(Role.CONSUMER);
        assertThat(caller.getTeam()).isEqualTo("alpha");
    }

    private static Submission postgres(int sizeGb) {
        return new Submission().capability("postgres-database").version(2).parameters(Map.of("sizeGb", sizeGb))
                .constraints(Map.of("region", List.of("eu-west"))).priority(Priority.HIGH);
    }

    /** The request's SUBMITTED status as the topology would hold it, from the gateway's own answer. */
    private RequestStatus status(String id) {
        return Statuses.of(gateway.api().get("/v1/requests/" + id, ALPHA_TOKEN).json());
    }

    private Problem problem(ApiException e) {
        try {
            return client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
        } catch (java.io.IOException parse) {
            throw new AssertionError("not a problem document: " + e.getResponseBody(), parse);
        }
    }
}
