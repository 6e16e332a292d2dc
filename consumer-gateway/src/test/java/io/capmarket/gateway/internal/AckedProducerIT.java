package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.Topics;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's acknowledged producer on a real broker: a caller waits at most the ack timeout,
 * and whoever holds a record until Kafka settles it (the submits of an Idempotency-Key) learns the
 * outcome also when it comes after the caller was answered.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class AckedProducerIT {

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    AckedProducerIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void aRecordAcknowledgedAfterTheAnswerGaveUpIsStillSettledAsWritten() throws Exception {
        Topics topics = Topics.builder().prefix("acked-" + UUID.randomUUID().toString().substring(0, 8) + ".")
                .serdeConfig(Map.of("schema.registry.url", registry.url())).build();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.requests().name(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        // a millisecond is shorter than the producer's own linger (5 ms): the answer always gives up first
        try (AckedProducer<RequestCommand> producer = new AckedProducer<>(topics.requests(),
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), Duration.ofMillis(1), callbacks,
                "acked-producer-it", "retry with the same Idempotency-Key")) {
            // the topic's metadata first (each try waits a millisecond at most), so that the send does not wait for it
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> producer.partitions() == 1);
            AtomicReference<RecordMetadata> written = new AtomicReference<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();

            CompletableFuture<RecordMetadata> answer = producer.send(0, "r-1", command("r-1"), null, (metadata, error) -> {
                written.set(metadata);
                failed.set(error);
            });

            assertThatThrownBy(answer::join).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(RetryLaterException.class).hasMessageContaining("did not acknowledge the record within PT0.001S")
                    .hasMessageContaining("it may still be written");
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() != null || failed.get() != null);
            assertThat(failed.get()).isNull();
            assertThat(written.get().topic()).isEqualTo(topics.requests().name());
            assertThat(written.get().offset()).isZero();
        } finally {
            callbacks.shutdownNow();
        }
    }

    private static RequestCommand command(String id) {
        return new RequestCommand(SubmitRequest.newBuilder().setRequestId(id).setConsumerTeam("alpha")
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setCapability("postgres-database").setCapabilityVersion(1)
                .setParameters("{}").setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL)
                .setSubmittedAt(Instant.now()).build());
    }
}
