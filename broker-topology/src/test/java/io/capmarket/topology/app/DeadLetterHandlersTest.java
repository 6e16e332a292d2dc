package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.registry.ErrorCodes;
import io.capmarket.schemas.registry.SchemaRegistryAccessException;
import io.capmarket.schemas.registry.SchemaRegistryException;
import io.capmarket.schemas.registry.SchemaRegistryNotFoundException;
import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.topology.EngineEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {

    private static final byte[] KEY = "req-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {0, 0, 0, 0, 42, 1, 2};
    private static final Instant NOW = Instant.parse("2025-05-01T12:00:00Z");

    private final List<String> deadLettered = new ArrayList<>();
    private final Map<String, Object> configs = Map.of(
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "capmarket.dead-letters",
            DeadLetters.EVENTS_CONFIG, new EngineEvents() {
                @Override
                public void deadLettered(String reason) {
                    deadLettered.add(reason);
                }
            },
            DeadLetters.CLOCK_CONFIG, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void anUnreadableRecordIsDeadLetteredAsItWasAndTheTaskResumes() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(configs);
        RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("capmarket.requests", 3, 17L, 0L, TimestampType.CREATE_TIME,
                KEY.length, VALUE.length, KEY, VALUE, original, Optional.empty());
        Exception failure = new AvroDeserializationException("capmarket.requests", "schema id 42 is not in the registry", null);

        DeserializationExceptionHandler.Response response = handler.handleError(context(), record, failure);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.topic()).isEqualTo("capmarket.dead-letters");
            assertThat(dlq.key()).isEqualTo(KEY);
            assertThat(dlq.value()).isEqualTo(VALUE);
            assertThat(dlq.partition()).isNull();
            assertThat(header(dlq, "trace-id")).isEqualTo("abc");
            assertThat(header(dlq, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("capmarket.requests");
            assertThat(header(dlq, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("3");
            assertThat(header(dlq, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("17");
            assertThat(header(dlq, DeadLetterHeaders.REASON)).isEqualTo("deserialization: schema id 42 is not in the registry");
            assertThat(header(dlq, DeadLetterHeaders.EXCEPTION)).isEqualTo(AvroDeserializationException.class.getName());
            assertThat(header(dlq, DeadLetterHeaders.COMPONENT)).isEqualTo("topology");
            assertThat(header(dlq, DeadLetterHeaders.AT)).isEqualTo(Long.toString(NOW.toEpochMilli()));
        });
        assertThat(deadLettered).containsExactly("deserialization");
    }

    @Test
    void aRegistryFailureAnywhereInTheCauseChainFailsInsteadOfDeadLettering() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("capmarket.requests", 0, 1L, KEY, VALUE);
        DeadLetterDeserializationHandler deserialization = new DeadLetterDeserializationHandler();
        deserialization.configure(configs);
        DeadLetterProcessingHandler processing = new DeadLetterProcessingHandler();
        processing.configure(configs);
        DeadLetterProductionHandler production = new DeadLetterProductionHandler();
        production.configure(configs);

        for (SchemaRegistryException registry : List.of(
                new SchemaRegistryUnavailableException("registry at http://r:8081 did not answer", null),
                new SchemaRegistryUnavailableException(429, 429, "GET http://r:8081/schemas/ids/42 failed with HTTP 429"),
                new SchemaRegistryAccessException(401, 401, "GET http://r:8081/schemas/ids/42 failed with HTTP 401"),
                new SchemaRegistryAccessException(404, 404, "GET http://r:8081/wrong/schemas/ids/42 failed with HTTP 404"),
                new SchemaRegistryException(200, -1, "GET http://r:8081/schemas/ids/42 answered with a body that is not JSON"))) {
            Exception wrapped = new SerializationException("wrapped", registry);
            DeserializationExceptionHandler.Response d = deserialization.handleError(context(), record, registry);
            ProcessingExceptionHandler.Response p = processing.handleError(context(), new Record<>("k", "v", 0L),
                    new StreamsException(wrapped));
            ProductionExceptionHandler.Response s = production.handleSerializationError(context(),
                    new ProducerRecord<>("capmarket.request-status", "k", "v"), wrapped, SerializationExceptionOrigin.VALUE);

            assertThat(d.result()).as(registry.getMessage()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
            assertThat(d.deadLetterQueueRecords()).isEmpty();
            assertThat(p.result()).as(registry.getMessage()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            assertThat(p.deadLetterQueueRecords()).isEmpty();
            assertThat(s.result()).as(registry.getMessage()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
            assertThat(s.deadLetterQueueRecords()).isEmpty();
        }
        assertThat(deadLettered).isEmpty();

        Exception unknownId = new AvroDeserializationException("capmarket.requests", "schema id 42 is not in the registry",
                new SchemaRegistryNotFoundException(404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema 42 not found"));
        assertThat(deserialization.handleError(context(), record, unknownId).result())
                .isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(deadLettered).containsExactly("deserialization");
    }

    @Test
    void aProcessingFailureDeadLettersTheSourceBytes() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(configs);

        ProcessingExceptionHandler.Response response = handler.handleError(context(), new Record<>("req-1", "parsed", 0L),
                new IllegalStateException("no such capability"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.key()).isEqualTo(KEY);
            assertThat(dlq.value()).isEqualTo(VALUE);
            assertThat(header(dlq, DeadLetterHeaders.REASON)).isEqualTo("processing in match-requests: no such capability");
            assertThat(header(dlq, DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
            assertThat(header(dlq, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("capmarket.requests");
        });
        assertThat(deadLettered).containsExactly("processing");
    }

    @Test
    void anUnwritableResultDeadLettersTheRecordItCameFrom() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);

        ProductionExceptionHandler.Response response = handler.handleSerializationError(context(),
                new ProducerRecord<>("capmarket.request-status", "req-1", "status"), new SerializationException("field x is null"),
                SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.key()).isEqualTo(KEY);
            assertThat(dlq.value()).isEqualTo(VALUE);
            assertThat(header(dlq, DeadLetterHeaders.REASON))
                    .isEqualTo("serialization of the value for capmarket.request-status: field x is null");
        });
        assertThat(deadLettered).containsExactly("serialization");
    }

    @Test
    void brokerErrorsOnSendAreNotPoison() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("capmarket.request-status", KEY, VALUE);

        assertThat(handler.handleError(context(), record, new NotEnoughReplicasException("2 < 3")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(handler.handleError(context(), record, new RecordTooLargeException("too big")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void aPunctuationFailureHasNoSourceButIsStillDeadLettered() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(configs);

        ProcessingExceptionHandler.Response response = handler.handleError(new Context(null, -1, -1L, null, null, null),
                new Record<>("req-1", "x", 0L), new IllegalStateException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.key()).isNull();
            assertThat(dlq.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC)).isNull();
            assertThat(dlq.headers().lastHeader(DeadLetterHeaders.SOURCE_OFFSET)).isNull();
            assertThat(header(dlq, DeadLetterHeaders.COMPONENT)).isEqualTo("topology");
        });
    }

    @Test
    void theTopicIsRequiredAndTheHooksMustHaveTheirTypes() {
        assertThatThrownBy(() -> new DeadLetterDeserializationHandler().configure(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("errors.dead.letter.queue.topic.name");
        assertThatThrownBy(() -> new DeadLetterDeserializationHandler().configure(Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq", DeadLetters.EVENTS_CONFIG, "metrics")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DeadLetters.EVENTS_CONFIG);
        DeadLetterDeserializationHandler withoutEvents = new DeadLetterDeserializationHandler();
        withoutEvents.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq"));
        assertThat(withoutEvents.handleError(context(), new ConsumerRecord<>("t", 0, 0L, KEY, VALUE),
                new SerializationException("bad")).result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    }

    private static ErrorHandlerContext context() {
        RecordHeaders headers = new RecordHeaders();
        return new Context("capmarket.requests", 3, 17L, headers, KEY, VALUE);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private record Context(String topic, int partition, long offset, Headers headers, byte[] sourceRawKey,
            byte[] sourceRawValue) implements ErrorHandlerContext {

        @Override
        public String processorNodeId() {
            return "match-requests";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition < 0 ? 0 : partition);
        }

        @Override
        public long timestamp() {
            return 0L;
        }
    }
}
