package io.capmarket.gateway.internal;

import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway's views do with a record they cannot read. A record that is not readable
 * (corrupt, or of an unknown shape) is skipped, logged and counted: the topology dead-letters what
 * it cannot read, and a view is no place to stop every request's reads for one bad record. But
 * while the schema registry is unavailable (a cold cache after a restart or a scale-out) nothing
 * is wrong with the record: the thread fails instead, is replaced, and reads it again, so that a
 * status is never skipped for good because the registry was down.
 */
public final class ViewDeserializationHandler implements DeserializationExceptionHandler {

    /** The configuration key under which the gateway hands its {@link GatewayMetrics} to the handler. */
    public static final String METRICS_CONFIG = "capmarket.gateway.metrics";
    static final String UNREADABLE = "unreadable";
    static final String REGISTRY_UNAVAILABLE = "registry-unavailable";

    private static final Logger LOG = LoggerFactory.getLogger(ViewDeserializationHandler.class);

    private GatewayMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = configs.get(METRICS_CONFIG) instanceof GatewayMetrics given ? given : null;
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (SchemaRegistryUnavailableException.isCauseOf(exception)) {
            LOG.warn("cannot read {}-{}@{} while the schema registry is unavailable; the thread fails and the record is read again: {}",
                    record.topic(), record.partition(), record.offset(), exception.getMessage());
            count(REGISTRY_UNAVAILABLE);
            return Response.fail();
        }
        LOG.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                exception.toString());
        count(UNREADABLE);
        return Response.resume();
    }

    private void count(String outcome) {
        if (metrics != null) {
            metrics.unreadableRecord(outcome);
        }
    }
}
