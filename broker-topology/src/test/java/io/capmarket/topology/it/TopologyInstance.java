package io.capmarket.topology.it;

import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.runtime.StreamsRecovery;
import io.capmarket.topology.CapmarketTopology;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.MatchingPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One topology instance for the integration tests, started in this JVM or, through
 * {@link #main(String[])}, in a child process that a test can kill without warning.
 */
final class TopologyInstance {

    static final TopologySettings SETTINGS = new TopologySettings(
            MatchingPolicy.ofDefaults().withLivenessBound(Duration.ofMinutes(10)),
            Duration.ofMinutes(2), 5, Duration.ofMillis(500), Duration.ofMinutes(15), Duration.ofSeconds(5));

    private TopologyInstance() {
    }

    static KafkaStreams start(String bootstrap, String registryUrl, String prefix, String applicationId, Path stateDir) {
        Topics topics = Topics.builder().prefix(prefix).partitions(4)
                .serdeConfig(Map.of("schema.registry.url", registryUrl)).build();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // as the topology runs: a crashed instance's partitions move on after seconds
        StreamsRecovery.apply(props::put, Optional.empty());
        KafkaStreams streams = new KafkaStreams(CapmarketTopology.build(topics, SETTINGS, Clock.systemUTC(), EngineEvents.NONE),
                props);
        streams.start();
        return streams;
    }

    /** Runs one instance until the process is killed: {@code bootstrap registryUrl prefix applicationId stateDir}. */
    public static void main(String[] args) throws InterruptedException {
        KafkaStreams streams = start(args[0], args[1], args[2], args[3], Path.of(args[4]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(10))));
        System.out.println("instance started");
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
