package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.registry.ErrorCodes;
import io.capmarket.schemas.registry.SchemaRegistryAccessException;
import io.capmarket.schemas.registry.SchemaRegistryNotFoundException;
import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import io.capmarket.schemas.serde.AvroDeserializationException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.junit.jupiter.api.Test;

class ViewDeserializationHandlerTest {

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ViewDeserializationHandler handler = new ViewDeserializationHandler();
    private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("capmarket.request-status", 0, 42L,
            "r1".getBytes(), new byte[] {0, 0, 0, 0, 7});

    ViewDeserializationHandlerTest() {
        handler.configure(Map.of(ViewDeserializationHandler.METRICS_CONFIG, metrics,
                ViewDeserializationHandler.RETRIED_TOPICS_CONFIG, "capmarket.requests,capmarket.request-status"));
    }

    @Test
    void whileTheRegistryIsUnavailableTheThreadFailsSoTheRecordIsReadAgain() {
        Exception outage = new SerializationException("cannot read the record",
                new SchemaRegistryUnavailableException("registry did not answer", null));

        assertThat(handler.handleError(null, record, outage).result()).isEqualTo(Result.FAIL);
        assertThat(count(ViewDeserializationHandler.REGISTRY_UNAVAILABLE)).isEqualTo(1.0);
    }

    @Test
    void anUnreadableRecordIsSkippedAndCounted() {
        assertThat(handler.handleError(null, record, new SerializationException("unknown magic byte")).result())
                .isEqualTo(Result.RESUME);
        assertThat(count(ViewDeserializationHandler.UNREADABLE)).isEqualTo(1.0);
        assertThat(metrics.registry().scrape()).contains("capmarket_gateway_unreadable_records_total{outcome=\"unreadable\"} 1.0");
    }

    @Test
    void aCatalogRecordIsSkippedEvenWhileTheRegistryIsUnavailableForTheGlobalThreadCannotBeReplaced() {
        ConsumerRecord<byte[], byte[]> catalog = new ConsumerRecord<>("capmarket.catalog", 0, 7L, "pg".getBytes(), new byte[] {0});
        Exception outage = new SerializationException("cannot read the record",
                new SchemaRegistryUnavailableException("registry did not answer", null));

        assertThat(handler.handleError(null, catalog, outage).result()).isEqualTo(Result.RESUME);
        assertThat(count(ViewDeserializationHandler.UNREADABLE)).isEqualTo(1.0);
    }

    @Test
    void refusedCredentialsOrAWrongRegistryUrlFailEveryTopicInsteadOfSkipping() {
        ConsumerRecord<byte[], byte[]> catalog = new ConsumerRecord<>("capmarket.catalog", 0, 7L, "pg".getBytes(), new byte[] {0});
        Exception refused = new SchemaRegistryAccessException(401, 401, "GET http://r:8081/schemas/ids/7 failed with HTTP 401");
        Exception wrongUrl = new SerializationException("cannot read the record",
                new SchemaRegistryAccessException(404, 404, "GET http://r:8081/wrong/schemas/ids/7 failed with HTTP 404"));

        assertThat(handler.handleError(null, record, refused).result()).isEqualTo(Result.FAIL);
        assertThat(handler.handleError(null, catalog, wrongUrl).result()).isEqualTo(Result.FAIL);
        assertThat(count(ViewDeserializationHandler.REGISTRY_MISCONFIGURED)).isEqualTo(2.0);

        Exception unknownId = new AvroDeserializationException("capmarket.request-status", "schema id 7 is not in the registry",
                new SchemaRegistryNotFoundException(404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema 7 not found"));
        assertThat(handler.handleError(null, record, unknownId).result()).isEqualTo(Result.RESUME);
        assertThat(count(ViewDeserializationHandler.UNREADABLE)).isEqualTo(1.0);
    }

    private double count(String outcome) {
        return metrics.registry().get("capmarket.gateway.unreadable.records").tag("outcome", outcome).counter().count();
    }
}
