package io.capmarket.topology.app;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A result that cannot be serialized sends the record it came from (its source bytes) to the
 * dead-letters topic, and the task resumes; a failure of the schema registry (unavailable, refusing
 * the credentials or the result's schema) fails the thread instead (see {@link DeadLetters}).
 * Errors from the broker on send are not poison: retriable ones are retried, others fail the
 * thread, as Kafka's default handler does.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.from(configs);
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, @SuppressWarnings("rawtypes") ProducerRecord record,
            Exception exception, SerializationExceptionOrigin origin) {
        Optional<String> registry = DeadLetters.registryFailure(exception);
        if (registry.isPresent()) {
            LOG.warn("cannot write to {}, the record it came from is not dead-lettered, the thread fails: {}",
                    record.topic(), registry.get());
            return Response.fail();
        }
        String reason = DeadLetters.SERIALIZATION + " of the " + origin.name().toLowerCase(java.util.Locale.ROOT)
                + " for " + record.topic() + ": " + DeadLetters.describe(exception);
        LOG.warn("dead-lettering {}-{}@{} to {}: {}", context.topic(), context.partition(), context.offset(),
                deadLetters.topic(), reason, exception);
        deadLetters.counted(DeadLetters.SERIALIZATION);
        return Response.resume(List.of(deadLetters.record(context.sourceRawKey(), context.sourceRawValue(), context.headers(),
                context.topic(), context.partition(), context.offset(), reason, exception)));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        LOG.error("cannot write to {}: {}", record.topic(), exception.getMessage());
        return Response.fail();
    }
}
