package io.capmarket.gateway;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Every line logged in this JVM while open (logger, level, message, MDC and stack trace), with the
 * gateway's own loggers lowered to DEBUG so that what only debugging would print is seen too.
 */
final class CapturedLogs implements AutoCloseable {

    private static final String GATEWAY_LOGGERS = "io.capmarket";

    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender;
    private final Level previous;

    CapturedLogs() {
        PatternLayout layout = PatternLayout.newBuilder().setPattern("%c %p %m %X%n%ex").build();
        appender = new AbstractAppender("captured-" + System.identityHashCode(this), null, layout, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(layout.toSerializable(event));
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        LoggerConfig gateway = config.getLoggerConfig(GATEWAY_LOGGERS);
        if (!gateway.getName().equals(GATEWAY_LOGGERS)) {
            throw new IllegalStateException("log4j2-test.xml must configure the logger " + GATEWAY_LOGGERS);
        }
        previous = gateway.getLevel();
        gateway.setLevel(Level.DEBUG);
        context.updateLoggers();
    }

    /** What was logged so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        config.getLoggerConfig(GATEWAY_LOGGERS).setLevel(previous);
        context.updateLoggers();
        appender.stop();
    }
}
