package io.capmarket.topology.app;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose processing throws goes to the dead-letters topic as it was read from its source
 * topic (Kafka keeps the source bytes for this), and the task resumes; a failure of the schema
 * registry fails the thread instead (see {@link DeadLetters}).
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Optional<String> registry = DeadLetters.registryFailure(exception);
        if (registry.isPresent()) {
            LOG.warn("processing {}-{}@{} in {} failed, not dead-lettered, the thread fails: {}",
                    context.topic(), context.partition(), context.offset(), context.processorNodeId(), registry.get());
            return Response.fail();
        }
        String reason = DeadLetters.PROCESSING + " in " + context.processorNodeId() + ": " + DeadLetters.describe(exception);
        LOG.warn("dead-lettering {}-{}@{} to {}: {}", context.topic(), context.partition(), context.offset(),
                deadLetters.topic(), reason, exception);
        deadLetters.counted(DeadLetters.PROCESSING);
        return Response.resume(deadLetters.handBack(deadLetters.record(context.sourceRawKey(), context.sourceRawValue(),
                context.headers(), context.topic(), context.partition(), context.offset(), reason, exception), context.topic()));
    }
}
