package io.capmarket.topology.app;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be read goes to the dead-letters topic as it was, and the task resumes;
 * a failure of the schema registry fails the thread instead (see {@link DeadLetters}).
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        Optional<String> registry = DeadLetters.registryFailure(exception);
        if (registry.isPresent()) {
            LOG.warn("cannot read {}-{}@{}, not dead-lettered, the thread fails: {}",
                    record.topic(), record.partition(), record.offset(), registry.get());
            return Response.fail();
        }
        String reason = DeadLetters.DESERIALIZATION + ": " + DeadLetters.describe(exception);
        LOG.warn("dead-lettering {}-{}@{} to {}: {}", record.topic(), record.partition(), record.offset(),
                deadLetters.topic(), reason);
        deadLetters.counted(DeadLetters.DESERIALIZATION);
        return Response.resume(deadLetters.handBack(deadLetters.record(record.key(), record.value(), record.headers(),
                record.topic(), record.partition(), record.offset(), reason, exception), record.topic()));
    }
}
