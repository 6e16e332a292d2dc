package io.capmarket.gateway.internal;

import io.capmarket.schemas.registry.SchemaRegistryException;
import io.capmarket.schemas.serde.RegistryFailure;
import java.util.Map;
import java.util.Optional;
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
 * when the schema registry, not the record, is at fault (see {@link RegistryFailure}), nothing is
 * wrong with a request's status or submission: its stream thread fails instead, so that a status is
 * never skipped for good. While the registry is unavailable (a cold cache after a restart or a
 * scale-out, a 5xx, a timeout, throttling) the thread is replaced and reads the record again; when
 * it refuses the credentials or the URL does not lead to it, the views stop until the settings are
 * fixed. The catalog and scorecard, which the global thread reads (a thread Kafka Streams cannot
 * replace), are republished by the topology all the time: their records are skipped while the
 * registry is unavailable, but not while it cannot be used as configured, which no wait mends.
 */
public final class ViewDeserializationHandler implements DeserializationExceptionHandler {

    /** The configuration key under which the gateway hands its {@link GatewayMetrics} to the handler. */
    public static final String METRICS_CONFIG = "capmarket.gateway.metrics";
    /** The configuration key naming, comma-separated, the topics whose records are read again rather than skipped. */
    public static final String RETRIED_TOPICS_CONFIG = "capmarket.gateway.retried-topics";
    static final String UNREADABLE = "unreadable";
    static final String REGISTRY_UNAVAILABLE = "registry-unavailable";
    static final String REGISTRY_MISCONFIGURED = "registry-misconfigured";

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
        Optional<SchemaRegistryException> registry = RegistryFailure.in(exception);
        if (registry.isPresent() && (retried.contains(record.topic()) || !registry.get().retryable())) {
            boolean unavailable = registry.get().retryable();
            LOG.warn("cannot read {}-{}@{} because the schema registry {}; not skipped, the thread fails{}: {}",
                    record.topic(), record.partition(), record.offset(),
                    unavailable ? "is unavailable" : "cannot be used as configured",
                    unavailable ? " and the record is read again" : " until the registry settings are fixed",
                    registry.get().getMessage());
            count(unavailable ? REGISTRY_UNAVAILABLE : REGISTRY_MISCONFIGURED);
            return Response.fail();
        }
        LOG.warn("skipping unreadable record {}-{}@{}{}: {}", record.topic(), record.partition(), record.offset(),
                registry.isPresent() ? " (the global tables are republished; the schema registry is unavailable)" : "",
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
