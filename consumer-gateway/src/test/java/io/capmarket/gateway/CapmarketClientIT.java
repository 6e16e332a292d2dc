package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_BOT_TOKEN;
import static io.capmarket.gateway.Fixtures.BETA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capmarket.client.Capability;
import io.capmarket.client.CapmarketClient;
import io.capmarket.client.CapmarketException;
import io.capmarket.client.Page;
import io.capmarket.client.Request;
import io.capmarket.client.RequestEvent;
import io.capmarket.client.RequestQuery;
import io.capmarket.client.Submission;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bot client against a real gateway: catalog, idempotent submit, wait, events (resumed too), lists, cancel, problems. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class CapmarketClientIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    CapmarketClientIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aBotSubmitsWaitsFollowsAndCancels() throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "client");
        Topics topics = Fixtures.topics(settings);
        try (GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings))) {
            Fixtures.send(broker, topics.catalog(), "postgres-database", Fixtures.postgres(Instant.now()));
            CapmarketClient client = CapmarketClient.builder().baseUrl("http://127.0.0.1:" + gateway.httpPort())
                    .token(ALPHA_BOT_TOKEN).retryFor(WAIT).build();
            await().atMost(WAIT).until(() -> client.capabilities().size() == 1);

            assertThat(client.capability("postgres-database").get("versions")).hasSize(2);
            assertThat(client.catalog()).extracting(Capability::name).containsExactly("postgres-database");
            assertThat(client.describe("postgres-database").version(2)).isPresent();
            assertThat(client.scorecard()).isEmpty();
            assertThat(client.scorecard("postgres-database")).isEmpty();
            Submission submission = Submission.of("postgres-database", 2).withParameter("sizeGb", 8)
                    .withConstraint("region", "eu-west").withIdempotencyKey("bot-run-1");
            Request submitted = client.submit(submission);
            Request again = client.submit(submission);
            assertThat(submitted.state()).isEqualTo("SUBMITTED");
            assertThat(again.id()).isEqualTo(submitted.id());

            List<RequestEvent> events = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> client.events(submitted.id(), events::add));
            CompletableFuture<Request> awaited = CompletableFuture.supplyAsync(() -> client.await(submitted.id(), "FULFILLED", WAIT));
            await().atMost(WAIT).until(() -> events.size() == 1);
            RequestStatus matched = Statuses.advance(Statuses.of(submitted.json()), RequestState.MATCHED, "matched");
            Fixtures.send(broker, topics.requestStatus(), submitted.id(), matched);
            RequestStatus fulfilledStatus = Statuses.advance(matched, RequestState.FULFILLED, "done");
            Fixtures.send(broker, topics.requestStatus(), submitted.id(), fulfilledStatus);

            Request done = awaited.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(done.state()).isEqualTo("FULFILLED");
            assertThat(done.outputs()).containsEntry("host", "db.internal");
            assertThat(events).extracting(e -> e.name() + ":" + e.state())
                    .containsExactly("transition:SUBMITTED", "transition:MATCHED", "transition:FULFILLED", "end:FULFILLED");
            assertThat(client.await(submitted.id(), io.capmarket.client.RequestState.FULFILLED, Duration.ofSeconds(1)).history())
                    .containsExactly("SUBMITTED", "MATCHED", "FULFILLED");
            List<RequestEvent> resumed = new CopyOnWriteArrayList<>();
            client.events(submitted.id(), 2, resumed::add);
            assertThat(resumed).extracting(e -> e.name() + ":" + e.index()).containsExactly("transition:3", "end:3");

            assertThat(client.cancel(submitted.id()).state()).as("a fulfilled request's cancel deprovisions it").isEqualTo("FULFILLED");
            Request other = client.submit(Submission.of("postgres-database", 2).withParameter("sizeGb", 1));
            assertThat(client.cancel(other.id()).id()).isEqualTo(other.id());
            Page<Request> fulfilled = client.requests(RequestQuery.all().withState(io.capmarket.client.RequestState.FULFILLED)
                    .withCapability("postgres-database"));
            assertThat(fulfilled.items()).extracting(Request::id).containsExactly(submitted.id());
            RequestQuery newest = RequestQuery.all().withOrder(RequestQuery.Order.NEWEST).withLimit(1);
            Page<Request> first = client.requests(newest);
            assertThat(first.items()).extracting(Request::id).containsExactly(other.id());
            assertThat(client.requests(newest.withCursor(first.next())).items()).extracting(Request::id).containsExactly(submitted.id());
            CapmarketClient beta = client.newBuilder().token(BETA_TOKEN).build();
            assertThatThrownBy(() -> beta.get(other.id())).isInstanceOfSatisfying(CapmarketException.class,
                    e -> assertThat(e.type()).isEqualTo("/problems/not-found"));
            assertThatThrownBy(() -> client.submit(Submission.of("postgres-database", 2).withParameter("sizeGb", -1)))
                    .isInstanceOfSatisfying(CapmarketException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.errors()).extracting(CapmarketException.FieldError::field).containsExactly("parameters.sizeGb");
                    });

            Fixtures.send(broker, topics.requestStatus(), submitted.id(), Statuses.advance(fulfilledStatus, RequestState.DEPROVISIONED,
                    "deprovisioned"));
            await().atMost(WAIT).until(() -> client.get(submitted.id()).terminal());
            assertThatThrownBy(() -> client.cancel(submitted.id())).isInstanceOfSatisfying(CapmarketException.class, e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.retryable()).isFalse();
            });
        }
    }
}
