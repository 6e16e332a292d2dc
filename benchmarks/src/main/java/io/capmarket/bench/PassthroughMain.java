package io.capmarket.bench;

import io.capmarket.topology.app.TopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The ceiling: a Kafka Streams application that copies its input to its output unchanged, with
 * the producer settings of capmarket's topology ({@link TopologyConfig#producerSettings}), one stream thread and the same
 * processing guarantee as the run it is compared with. Runs until SIGTERM.
 *
 * <p>Arguments: bootstrap servers, application id, input topic, output topic, processing
 * guarantee, state directory.
 */
public final class PassthroughMain {

    private PassthroughMain() {
    }

    public static void main(String[] args) {
        if (args.length != 6) {
            System.err.println("usage: PassthroughMain BOOTSTRAP APPLICATION_ID INPUT OUTPUT GUARANTEE STATE_DIR");
            System.exit(2);
        }
        KafkaStreams streams = new KafkaStreams(topology(args[2], args[3]), properties(args[0], args[1], args[4], Path.of(args[5])));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(20)), "passthrough-shutdown"));
        streams.start();
    }

    /** Source to sink, nothing between. */
    static Topology topology(String input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("passthrough-source"))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("passthrough-sink"));
        return builder.build();
    }

    static Properties properties(String bootstrapServers, String applicationId, String guarantee, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        props.putAll(TopologyConfig.producerSettings());
        return props;
    }
}
