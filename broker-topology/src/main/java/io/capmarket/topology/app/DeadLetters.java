package io.capmarket.topology.app;

import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.schemas.serde.RegistryFailure;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.topology.EngineEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Poison records go to the dead-letters topic with their original key and value bytes and
 * {@link DeadLetterHeaders}, and the topology keeps running. A record is poison only when its
 * own bytes are at fault (see {@link RegistryFailure}); a failure of the schema registry (an
 * outage, throttling, refused credentials, a URL that does not lead to its API, a schema it
 * refuses) is not, and fails the stream thread instead, which the uncaught-exception handler
 * replaces, so the record is read again from the last commit rather than committed past.
 *
 * <p>The three Kafka Streams handlers ({@link DeadLetterDeserializationHandler},
 * {@link DeadLetterProcessingHandler}, {@link DeadLetterProductionHandler}) are created by Kafka
 * from their class names and configured with the Streams properties. They read the topic from
 * Kafka's own {@value StreamsConfig#ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG} and report each
 * dead letter to the {@link EngineEvents} found under {@value #EVENTS_CONFIG}: an object in the
 * properties, not a static, so two applications in one JVM count separately.
 *
 * <p>The global tables (liveness, approvals) are read by Kafka's global thread, which has no
 * producer of its own and dies on dead letters handed back to it. Letters of the topics named
 * under {@value #GLOBAL_TOPICS_CONFIG} are therefore written by the handler itself, with a
 * producer it opens on the first one (at least once: the global thread may read a record again
 * after a restart). A value larger than {@link #MAX_LETTER_VALUE_BYTES} is cut to that size, and
 * {@link DeadLetterHeaders#ORIGINAL_SIZE} says so, so that the letter always fits the topic.
 */
public final class DeadLetters {

    /** Streams property holding the {@link EngineEvents} told of each dead letter. */
    public static final String EVENTS_CONFIG = "capmarket.dead-letters.events";
    /** Streams property holding the {@link Clock} that stamps dead letters (default: system UTC). */
    public static final String CLOCK_CONFIG = "capmarket.dead-letters.clock";
    /** Streams property naming, comma-separated, the source topics of global tables. */
    public static final String GLOBAL_TOPICS_CONFIG = "capmarket.dead-letters.global-topics";
    /** The largest value a dead letter carries, in bytes; half the broker's default record limit. */
    public static final int MAX_LETTER_VALUE_BYTES = 512 * 1024;
    /** The component named in the {@link DeadLetterHeaders#COMPONENT} header. */
    public static final String COMPONENT = "topology";

    /** Reason (metric tag) of a record that could not be read. */
    public static final String DESERIALIZATION = "deserialization";
    /** Reason (metric tag) of a record whose processing threw. */
    public static final String PROCESSING = "processing";
    /** Reason (metric tag) of a result that could not be serialized. */
    public static final String SERIALIZATION = "serialization";

    private static final java.time.Duration GLOBAL_SEND_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final String topic;
    private final EngineEvents events;
    private final Clock clock;
    private final Set<String> globalTopics;
    private final Map<String, ?> configs;
    private KafkaProducer<byte[], byte[]> globalProducer;

    private DeadLetters(String topic, EngineEvents events, Clock clock, Set<String> globalTopics, Map<String, ?> configs) {
        this.topic = topic;
        this.events = events;
        this.clock = clock;
        this.globalTopics = globalTopics;
        this.configs = configs;
    }

    /**
     * Adds the handlers, the dead-letters topic and the events hook to Streams properties.
     *
     * @param props the Streams properties to complete
     * @param deadLetterTopic the dead-letters topic's name
     * @param events told of each dead letter
     */
    public static void configure(Properties props, String deadLetterTopic, EngineEvents events) {
        configure(props, deadLetterTopic, events, Set.of());
    }

    /**
     * Adds the handlers, the dead-letters topic, the events hook and the global tables' source
     * topics to Streams properties.
     *
     * @param globalTopics the source topics of global tables, whose letters the handlers write themselves
     */
    public static void configure(Properties props, String deadLetterTopic, EngineEvents events, Set<String> globalTopics) {
        props.put(GLOBAL_TOPICS_CONFIG, String.join(",", new TreeSet<>(globalTopics)));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        // global tables (liveness, approvals) get the same handling; the default from Kafka 5.0 on
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class.getName());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        props.put(EVENTS_CONFIG, events);
    }

    /** Reads the handler settings from the configs Kafka passes to {@code configure}. */
    static DeadLetters from(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic,
                    "capmarket's dead-letter handlers need the dead-letters topic name");
        }
        Object events = configs.get(EVENTS_CONFIG);
        if (events != null && !(events instanceof EngineEvents)) {
            throw new ConfigException(EVENTS_CONFIG, events, "must be an " + EngineEvents.class.getName() + " instance");
        }
        Object clock = configs.get(CLOCK_CONFIG);
        if (clock != null && !(clock instanceof Clock)) {
            throw new ConfigException(CLOCK_CONFIG, clock, "must be a " + Clock.class.getName() + " instance");
        }
        Object global = configs.get(GLOBAL_TOPICS_CONFIG);
        Set<String> globalTopics = global == null || global.toString().isBlank() ? Set.of()
                : Set.of(global.toString().split(","));
        return new DeadLetters(topic.toString(), events == null ? EngineEvents.NONE : (EngineEvents) events,
                clock == null ? Clock.systemUTC() : (Clock) clock, globalTopics, configs);
    }

    /**
     * What a handler hands back to Kafka for a letter about a record of {@code sourceTopic}: the
     * letter itself, or nothing when the source is a global table's, whose letter this writes and
     * awaits itself.
     */
    List<ProducerRecord<byte[], byte[]>> handBack(ProducerRecord<byte[], byte[]> letter, String sourceTopic) {
        if (sourceTopic == null || !globalTopics.contains(sourceTopic)) {
            return List.of(letter);
        }
        try {
            globalProducer().send(letter).get(GLOBAL_SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamsException("interrupted while dead-lettering a record of " + sourceTopic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new StreamsException("cannot dead-letter a record of " + sourceTopic + " to " + topic, e);
        }
        return List.of();
    }

    private synchronized KafkaProducer<byte[], byte[]> globalProducer() {
        if (globalProducer == null) {
            Map<String, Object> producerConfigs = new StreamsConfig(configs).getProducerConfigs(
                    configs.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-global-dead-letters");
            producerConfigs.put(ProducerConfig.ACKS_CONFIG, "all");
            globalProducer = new KafkaProducer<>(producerConfigs, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return globalProducer;
    }

    String topic() {
        return topic;
    }

    /**
     * The dead letter: original key and value, original headers, then capmarket's.
     *
     * @param sourceTopic null when not known (a punctuation)
     * @param partition -1 when not known
     * @param offset -1 when not known
     */
    ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, Headers original, String sourceTopic, int partition,
            long offset, String reason, Throwable exception) {
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                headers.add(header);
            }
        }
        if (sourceTopic != null) {
            put(headers, DeadLetterHeaders.SOURCE_TOPIC, sourceTopic);
        }
        if (partition >= 0) {
            put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(partition));
        }
        if (offset >= 0) {
            put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(offset));
        }
        put(headers, DeadLetterHeaders.REASON, reason);
        if (exception != null) {
            put(headers, DeadLetterHeaders.EXCEPTION, exception.getClass().getName());
        }
        put(headers, DeadLetterHeaders.COMPONENT, COMPONENT);
        put(headers, DeadLetterHeaders.AT, Long.toString(clock.millis()));
        if (value != null && value.length > MAX_LETTER_VALUE_BYTES) {
            put(headers, DeadLetterHeaders.ORIGINAL_SIZE, Integer.toString(value.length));
            value = Arrays.copyOf(value, MAX_LETTER_VALUE_BYTES);
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    void counted(String reason) {
        try {
            events.deadLettered(reason);
        } catch (RuntimeException e) {
            // metrics must never turn a handled poison record into a failed thread
        }
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Why the schema registry, not the record, is at fault for {@code failure}, for the log line of
     * a handler that fails the thread instead of dead-lettering; empty when the record is poison.
     */
    static Optional<String> registryFailure(Throwable failure) {
        return RegistryFailure.in(failure).map(registry -> (registry.retryable()
                ? "the schema registry is unavailable (retried when the thread is replaced)"
                : "the schema registry cannot be used as configured (retried when the thread is replaced, "
                        + "failing until the registry settings or the registry are fixed)") + ": " + registry.getMessage());
    }

    /** Why a record failed, in words: this library's reason when one of its serdes says, else the message. */
    static String describe(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof AvroDeserializationException avro) {
                return avro.reason();
            }
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
