package io.capmarket.testkit.kafka;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node Kafka in a Docker container ({@code apache/kafka}), via Testcontainers.
 * Needs a running Docker engine; {@link KafkaBroker#fromSystemProperties()} picks it when one answers.
 */
public final class TestcontainersKafkaBroker implements KafkaBroker {

    /** The image used by {@link #start()}. */
    public static final DockerImageName DEFAULT_IMAGE = DockerImageName.parse("apache/kafka:4.1.0");

    private final KafkaContainer container;

    private TestcontainersKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    /**
     * Starts a container from {@link #DEFAULT_IMAGE}.
     *
     * @return the started broker
     */
    public static TestcontainersKafkaBroker start() {
        return start(DEFAULT_IMAGE);
    }

    /**
     * Starts a container from the given {@code apache/kafka} image.
     *
     * @param image the image, for example {@code apache/kafka:4.1.0}
     * @return the started broker
     */
    public static TestcontainersKafkaBroker start(DockerImageName image) {
        KafkaContainer container = new KafkaContainer(image)
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new TestcontainersKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.close();
    }
}
