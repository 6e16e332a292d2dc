package io.capmarket.topology.app;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread that dies is replaced: its tasks move to the new thread, which resumes from
 * the last commit. This is how a schema-registry outage (which fails the thread rather than
 * dead-lettering a good record) is retried.
 */
final class ReplaceThreadHandler implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReplaceThreadHandler.class);

    private final TopologyMetrics metrics;

    ReplaceThreadHandler(TopologyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        LOG.error("stream thread failed; replacing it", exception);
        metrics.threadReplaced(rootCause(exception));
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** The innermost cause: Kafka wraps the real failure in one or two StreamsExceptions. */
    static Throwable rootCause(Throwable exception) {
        Throwable t = exception;
        int depth = 0;
        while (t.getCause() != null && t.getCause() != t && depth++ < 20) {
            t = t.getCause();
        }
        return t;
    }
}
