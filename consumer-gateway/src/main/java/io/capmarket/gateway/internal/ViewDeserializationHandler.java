package io.capmarket.gateway.internal;

import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import java.util.Map;
import java.util.Set;
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
 * is wrong with a request's status or submission: its stream thread fails instead, is replaced,
 * and reads it again, so that a status is never skipped for good because the registry was down.
 * The catalog and scorecard, which the global thread reads (a thread Kafka Streams cannot
 * replace), are republished by the topology all the time: their records are skipped.
 */
public final class ViewDeserializationHandler implements DeserializationExceptionHandler {

    /** The configuration key under which the gateway hands its {@link GatewayMetrics} to the handler. */
    public static final String METRICS_CONFIG = "capmarket.gateway.metrics";
    /** The configuration key naming, comma-separated, the topics whose records are read again rather than skipped. */
    public static final String RETRIED_TOPICS_CONFIG = "capmarket.gateway.retried-topics";
    static final String UNREADABLE = "unreadable";
    static final String REGISTRY_UNAVAILABLE = "registry-unavailable";

    private static final Logger LOG = LoggerFactory.getLogger(ViewDeserializationHandler.class);

    private GatewayMetrics metrics;
    private Set<String> retried = Set.of();

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = configs.get(METRICS_CONFIG) instanceof GatewayMetrics given ? given : null;
        if (configs.get(RETRIED_TOPICS_CONFIG) instanceof String topics && !topics.isBlank()) {
            retried = Set.of(topics.split(","));
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (retried.contains(record.topic()) && SchemaRegistryUnavailableException.isCauseOf(exception)) {
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
